// Canvas paints of float images, in slices of a few milliseconds: a preview or an evaluation
// repaints a dozen canvases at once, and converting them all in one task blocked the page for
// 50 to 100 ms. Each canvas keeps its old picture until its new one is whole.
import { toRgbaRows, type RGBImage } from '../core/data/image';

interface Job {
  image: RGBImage;
  rgba: Uint8ClampedArray<ArrayBuffer>;
  row: number;
}

/** The longest a slice runs before it lets the page handle input and draw. */
const SLICE_MS = 6;
const ROWS = 16;
const jobs = new Map<HTMLCanvasElement, Job>();
const channel = new MessageChannel();
let scheduled = false;

function schedule() {
  if (scheduled || !jobs.size) return;
  scheduled = true;
  channel.port2.postMessage(null);
}

channel.port1.onmessage = () => {
  scheduled = false;
  const end = performance.now() + SLICE_MS;
  for (const [canvas, job] of jobs) {
    const { image, rgba } = job;
    while (job.row < image.height && performance.now() < end) {
      const next = Math.min(image.height, job.row + ROWS);
      toRgbaRows(image, rgba, job.row, next);
      job.row = next;
    }
    if (job.row < image.height) break;
    jobs.delete(canvas);
    if (canvas.width !== image.width || canvas.height !== image.height) [canvas.width, canvas.height] = [image.width, image.height];
    canvas.getContext('2d')!.putImageData(new ImageData(rgba, image.width, image.height), 0, 0);
    if (performance.now() >= end) break;
  }
  schedule();
};

/** Paints `image` on `canvas` soon (a newer image for the same canvas replaces a pending one). */
export function paint(canvas: HTMLCanvasElement, image: RGBImage): void {
  jobs.set(canvas, { image, rgba: new Uint8ClampedArray(image.width * image.height * 4), row: 0 });
  schedule();
}

/** Drops a pending paint (the canvas is going away). */
export function cancelPaint(canvas: HTMLCanvasElement): void {
  jobs.delete(canvas);
}
