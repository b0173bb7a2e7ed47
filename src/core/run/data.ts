// The seeded data a run trains and evaluates on. Training batches are pure functions of (run seed,
// stream, index), so a run is reproducible and a method can regenerate any batch; the pools are
// kept apart by seed domains (docs/data.md): 'train' is the teacher's paired distribution,
// 'web-clean' and 'web-degraded' the unpaired "web" pools, and the evaluation set lives in its own
// 'eval:<weather>' domains.

import { tf, type Tensor4D } from '../tf';
import { cropImage, resizeBilinear, type RGBBatch, type RGBImage } from '../data/image';
import { makeEvalSet, makePairBatch, type PairBatch } from '../data/pairs';
import { DEFAULT_TRAIN_SET, drawBatch, photosFingerprint, syntheticTrainSet, userTrainSet, type TrainSet, type UserPair } from '../data/train-set';
import { deriveSeed, rngFor, type Rng } from '../data/rng';
import type { WeatherType } from '../data/weather';
import type { DataProvider } from '../methods/method';
import type { RunConfig } from './config';

/**
 * Photos the user added to the unpaired "web" pools (D4IR). When a pool holds some, each item of
 * its batches comes from them with probability USER_SHARE (a random crop of a random photo), so
 * the synthetic pool still covers every weather type.
 */
export interface UserPools {
  clean: readonly RGBImage[];
  degraded: readonly RGBImage[];
}

export const USER_SHARE = 0.5;
/** The label of user photos among a degraded pool's weather types: their weather is not known. */
export const USER_LABEL = 'user';

/** A seeded random crop of size x size from a random photo (enlarged first when smaller). */
function userCrop(photos: readonly RGBImage[], size: number, rng: Rng): RGBImage {
  let img = photos[rng.int(0, photos.length)];
  if (img.width < size || img.height < size) {
    const k = size / Math.min(img.width, img.height);
    img = resizeBilinear(img, Math.max(size, Math.ceil(img.width * k)), Math.max(size, Math.ceil(img.height * k)));
  }
  return cropImage(img, rng.int(0, img.width - size + 1), rng.int(0, img.height - size + 1), size, size);
}

/** Replaces items of `batch` by crops of user photos (in place); returns which items were replaced. */
function mixIn(batch: RGBBatch, photos: readonly RGBImage[], rng: Rng): boolean[] {
  const per = batch.width * batch.height * 3;
  return Array.from({ length: batch.n }, (_, i) => {
    if (!photos.length || !rng.bool(USER_SHARE)) return false;
    batch.data.set(userCrop(photos, batch.width, rng).data, i * per);
    return true;
  });
}

/**
 * userPairs, when given, are the run's finite training set (the user's own pairs); otherwise
 * config.trainSet > 0 fixes a synthetic one, and 0 draws fresh pairs for every batch.
 */
export function createDataProvider(config: RunConfig, userPools: UserPools = { clean: [], degraded: [] }, userPairs: readonly UserPair[] = []): DataProvider {
  const trainSet: TrainSet | null = userPairs.length
    ? userTrainSet(userPairs)
    : config.trainSet > 0
      ? syntheticTrainSet(config.trainSet, config.weathers, config.source)
      : null;
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
    pairs: (stream, index, n = config.batch, size = config.patch) =>
      trainSet ? drawBatch(trainSet, n, size, rngFor(config.seed, 'train-set-draw', stream, index)) : draw('train', stream, index, n, size),
    trainSet,
    finiteTrainSet: () => trainSet ?? syntheticTrainSet(DEFAULT_TRAIN_SET, config.weathers, config.source),
    webClean: (stream, index, n = config.batch, size = config.patch) => {
      const images = draw('web-clean', stream, index, n, size).clean;
      mixIn(images, userPools.clean, rngFor(config.seed, 'user-clean', stream, index));
      return images;
    },
    webDegraded: (stream, index, n = config.batch, size = config.patch) => {
      const b = draw('web-degraded', stream, index, n, size);
      const user = mixIn(b.degraded, userPools.degraded, rngFor(config.seed, 'user-degraded', stream, index));
      return { images: b.degraded, weather: b.weather.map((w, i) => (user[i] ? USER_LABEL : w)) };
    },
    tensor: (batch: RGBBatch) => tf.tensor4d(batch.data, [batch.n, batch.height, batch.width, 3]),
    reseeded: (seed: number) => createDataProvider({ ...config, seed }, userPools, userPairs),
    userDegradedFingerprint: photosFingerprint(userPools.degraded),
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
