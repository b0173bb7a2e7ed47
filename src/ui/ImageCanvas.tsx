import { useEffect, useRef } from 'react';
import type { RGBImage } from '../core/data/image';

/** Float RGB in [0, 1] to canvas pixels. */
export function toImageData(img: RGBImage): ImageData {
  const out = new ImageData(img.width, img.height);
  const n = img.width * img.height;
  for (let i = 0; i < n; i++) {
    out.data[4 * i] = img.data[3 * i] * 255 + 0.5;
    out.data[4 * i + 1] = img.data[3 * i + 1] * 255 + 0.5;
    out.data[4 * i + 2] = img.data[3 * i + 2] * 255 + 0.5;
    out.data[4 * i + 3] = 255;
  }
  return out;
}

/** A grey-level map (e.g. depth) as an RGB image. */
export function grayImage(values: Float32Array, width: number, height: number): RGBImage {
  const data = new Float32Array(width * height * 3);
  for (let i = 0; i < values.length; i++) data[3 * i] = data[3 * i + 1] = data[3 * i + 2] = values[i];
  return { width, height, data };
}

export function ImageCanvas({ image, scale = 1, testId, label }: { image: RGBImage | null; scale?: number; testId?: string; label: string }) {
  const ref = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    const canvas = ref.current;
    if (!canvas || !image) return;
    canvas.width = image.width;
    canvas.height = image.height;
    canvas.getContext('2d')!.putImageData(toImageData(image), 0, 0);
  }, [image]);
  const w = (image?.width ?? 256) * scale;
  const h = (image?.height ?? 256) * scale;
  return <canvas ref={ref} data-testid={testId} role="img" aria-label={label} style={{ width: w, height: h }} />;
}
