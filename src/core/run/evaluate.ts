// Scoring a model (or the degraded input itself) on the run's fixed evaluation splits, as the
// images a user would save: clipped and rounded to 8-bit levels (docs/metrics.md).

import { tf, type Tensor4D } from '../tf';
import { batchItem } from '../data/image';
import type { WeatherType } from '../data/weather';
import type { ImageScores } from '../metrics/common';
import { scoreTensors } from '../metrics/tensor-metrics';
import type { Restorer } from '../models/restorer';
import { readImages } from '../methods/common';
import type { EvalSplit } from './data';
import type { EvalSample, EvalScores } from './events';

function meanOf(list: readonly ImageScores[]): ImageScores {
  const m = (k: keyof ImageScores) => list.reduce((s, x) => s + x[k], 0) / list.length;
  return { psnr: m('psnr'), ssim: m('ssim'), psnr_y: m('psnr_y'), ssim_y: m('ssim_y') };
}

/** Clipped and rounded to 8-bit levels: scored as the image a user would save. */
function asSaved(x: Tensor4D): Tensor4D {
  return tf.tidy(() => tf.div(tf.round(tf.mul(tf.clipByValue(x, 0, 1), 255)), 255) as Tensor4D);
}

/** Scores `model` (or, with null, the degraded input itself) on every split. */
export async function evaluate(
  model: Restorer | null,
  splits: readonly EvalSplit[],
  sampleCount: number,
): Promise<{ scores: EvalScores; samples: EvalSample[] }> {
  const weathers: Partial<Record<WeatherType, ImageScores>> = {};
  const samples: EvalSample[] = [];
  for (const split of splits) {
    const out = model ? tf.tidy(() => asSaved(model.predict(split.x))) : split.x;
    try {
      weathers[split.weather] = meanOf(await scoreTensors(out, split.y));
      if (model && sampleCount > 0) {
        const restored = await readImages(out, sampleCount);
        restored.forEach((img, i) =>
          samples.push({ weather: split.weather, input: batchItem(split.inputs, i), target: batchItem(split.targets, i), restored: img }),
        );
      }
    } finally {
      if (model) out.dispose();
    }
  }
  return { scores: { weathers, mean: meanOf(Object.values(weathers) as ImageScores[]) }, samples };
}
