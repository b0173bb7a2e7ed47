import { useEffect, useRef } from 'react';
import { toRgba, type RGBImage } from '../core/data/image';

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
    // Rounded as saved images are (core/data/image.ts).
    canvas.getContext('2d')!.putImageData(new ImageData(toRgba(image), image.width, image.height), 0, 0);
  }, [image]);
  const w = (image?.width ?? 256) * scale;
  const h = (image?.height ?? 256) * scale;
  return <canvas ref={ref} data-testid={testId} role="img" aria-label={label} style={{ width: w, height: h }} />;
}
