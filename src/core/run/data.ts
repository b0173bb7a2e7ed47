// The seeded data a run trains and evaluates on. Training batches are pure functions of (run seed,
// stream, index), so a run is reproducible and a method can regenerate any batch; the pools are
// kept apart by seed domains (DESIGN.md section 3): 'train' is the teacher's paired distribution,
// 'web-clean' and 'web-degraded' the unpaired "web" pools, and the evaluation set lives in its own
// 'eval:<weather>' domains.

import { tf, type Tensor4D } from '../tf';
import type { RGBBatch } from '../data/image';
import { makeEvalSet, makePairBatch, type PairBatch } from '../data/pairs';
import { deriveSeed } from '../data/rng';
import type { WeatherType } from '../data/weather';
import type { DataProvider } from '../methods/method';
import type { RunConfig } from './config';

export function createDataProvider(config: RunConfig): DataProvider {
  const draw = (domain: string, stream: string, index: number, n: number, size: number): PairBatch =>
    makePairBatch({
      n,
      size,
      seed: deriveSeed(config.seed, 'data', domain, stream, index),
      weathers: config.weathers,
      source: config.source,
      domain,
    });
  return {
    batch: config.batch,
    patch: config.patch,
    weathers: config.weathers,
    pairs: (stream, index, n = config.batch, size = config.patch) => draw('train', stream, index, n, size),
    webClean: (stream, index, n = config.batch, size = config.patch) => draw('web-clean', stream, index, n, size).clean,
    webDegraded: (stream, index, n = config.batch, size = config.patch) => {
      const b = draw('web-degraded', stream, index, n, size);
      return { images: b.degraded, weather: b.weather };
    },
    tensor: (batch: RGBBatch) => tf.tensor4d(batch.data, [batch.n, batch.height, batch.width, 3]),
    reseeded: (seed: number) => createDataProvider({ ...config, seed }),
  };
}

/** The fixed evaluation set of one weather type, on the backend for the whole run. */
export interface EvalSplit {
  weather: WeatherType;
  /** Degraded inputs and clean targets, [count, size, size, 3]. */
  x: Tensor4D;
  y: Tensor4D;
  /** The same images on the CPU, for the restorations shown in the page. */
  inputs: RGBBatch;
  targets: RGBBatch;
}

export function createEvalSplits(evalSet: RunConfig['evalSet']): EvalSplit[] {
  return evalSet.weathers.map((weather) => {
    const b = makeEvalSet(weather, evalSet.count, evalSet.size, evalSet.seed);
    const shape: [number, number, number, number] = [b.degraded.n, b.degraded.height, b.degraded.width, 3];
    return { weather, x: tf.tensor4d(b.degraded.data, shape), y: tf.tensor4d(b.clean.data, shape), inputs: b.degraded, targets: b.clean };
  });
}

export function disposeEvalSplits(splits: readonly EvalSplit[]): void {
  tf.dispose(splits.flatMap((s) => [s.x, s.y]));
}
