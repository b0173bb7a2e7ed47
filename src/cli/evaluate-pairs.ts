// Node side of evaluation: reads paired files and scores a restorer on them.

import { summarize, scorePair, type EvalSummary, type PairScores } from '../core/inference/evaluate';
import type { TiledOptions } from '../core/inference/tiled';
import { SSIM_WIN } from '../core/metrics/common';
import type { Restorer } from '../core/models/restorer';
import type { RGBImage } from '../core/data/image';
import { CliError } from './command';
import { ImageIOError, readImage } from './image-io';
import type { FilePair } from './paired-dir';

export async function readImageOrFail(path: string): Promise<RGBImage> {
  try {
    return await readImage(path);
  } catch (e) {
    if (e instanceof ImageIOError) throw new CliError(e.message);
    throw e;
  }
}

export interface EvaluateOptions extends Omit<TiledOptions, 'multiple' | 'onProgress'> {
  /** Called after each image. */
  onImage?: (done: number, total: number, scores: PairScores) => void;
}

/** Scores every pair; a size mismatch or an unreadable file stops with a one-line CliError. */
export async function evaluateFilePairs(restorer: Restorer, pairs: readonly FilePair[], options: EvaluateOptions = {}): Promise<EvalSummary> {
  const { onImage, ...restoreOptions } = options;
  const images: PairScores[] = [];
  for (const pair of pairs) {
    const [input, target] = await Promise.all([readImageOrFail(pair.input), readImageOrFail(pair.target)]);
    if (input.width !== target.width || input.height !== target.height) {
      throw new CliError(
        `size mismatch for "${pair.name}": input ${pair.input} is ${input.width}x${input.height}, target ${pair.target} is ${target.width}x${target.height}`,
      );
    }
    if (input.width < SSIM_WIN || input.height < SSIM_WIN) {
      throw new CliError(`"${pair.name}" is ${input.width}x${input.height}; SSIM needs at least ${SSIM_WIN}x${SSIM_WIN} pixels`);
    }
    const scores = await scorePair(restorer, pair.name, input, target, restoreOptions);
    images.push(scores);
    onImage?.(images.length, pairs.length, scores);
  }
  return summarize(images);
}
