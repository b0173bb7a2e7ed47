// Scoring a restorer on (degraded, clean) pairs: the input's own score against its target next to
// the restored image's, per image and averaged. Framework-free, so the CLI, the model card script
// and the page score the same way.

import { toBytes, type RGBImage } from '../data/image';
import type { ImageScores } from '../metrics/common';
import { scoreImages } from '../metrics/image-metrics';
import type { Restorer } from '../models/restorer';
import { restoreImage } from './restore';
import type { TiledOptions } from './tiled';

export interface PairScores {
  name: string;
  /** The degraded input against its target. */
  input: ImageScores;
  /** The restored image against the target. */
  output: ImageScores;
}

export interface EvalSummary {
  count: number;
  /** Means over the images (PSNR averaged in dB, as papers do). */
  input: ImageScores;
  output: ImageScores;
  images: PairScores[];
}

/**
 * Rounds to 8-bit levels (after clamping): a restored image is scored as the PNG `restore` would
 * write, so `eval` agrees with `restore` followed by `metrics`.
 */
export function quantize8(img: RGBImage): RGBImage {
  return { width: img.width, height: img.height, data: Float32Array.from(toBytes(img), (v) => v / 255) };
}

export function meanScores(list: readonly ImageScores[]): ImageScores {
  if (list.length === 0) throw new RangeError('meanScores: no scores');
  const mean = (k: keyof ImageScores) => list.reduce((s, x) => s + x[k], 0) / list.length;
  return { psnr: mean('psnr'), ssim: mean('ssim'), psnr_y: mean('psnr_y'), ssim_y: mean('ssim_y') };
}

export function summarize(images: PairScores[]): EvalSummary {
  return {
    count: images.length,
    input: meanScores(images.map((i) => i.input)),
    output: meanScores(images.map((i) => i.output)),
    images,
  };
}

/** Restores `input` and scores it and the input against `target` (same size, checked by the caller). */
export async function scorePair(
  restorer: Restorer,
  name: string,
  input: RGBImage,
  target: RGBImage,
  options: Omit<TiledOptions, 'multiple'> = {},
): Promise<PairScores> {
  const restored = quantize8(await restoreImage(restorer, input, options));
  return { name, input: scoreImages(input, target), output: scoreImages(restored, target) };
}
