import { useEffect, useRef } from 'react';
import type { RGBImage } from '../core/data/image';
import { cancelPaint, paint } from './paint';

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
    // Rounded as saved images are (core/data/image.ts), in slices (./paint.ts).
    paint(canvas, image);
    return () => cancelPaint(canvas);
  }, [image]);
  const w = (image?.width ?? 256) * scale;
  const h = (image?.height ?? 256) * scale;
  return <canvas ref={ref} data-testid={testId} role="img" aria-label={label} style={{ width: w, height: h }} />;
}
