// A finite paired training set (docs/data.md#the-finite-training-set): the "original" data that
// dataset distillation condenses (TripleD) and that scratch and KD can be limited to, so that
// full and condensed data are compared on the same student, steps and seed. Two kinds:
//   synthetic  N fixed pairs of the project's synthetic weather, items 0..N-1 of a seed domain of
//              their own ('train-set', a fixed seed): the same set for every run seed, apart from
//              the fresh training stream and from the evaluation set;
//   user       the user's own (degraded, clean) photos, paired by file stem.
// Items are made on demand (a pure function of the index), so a large set costs no memory.

import { cropImage, resizeBilinear, type RGBBatch, type RGBImage, batchFromImages } from './image';
import { makePair, type CleanSourceName } from './pairs';
import { deriveSeed, type Rng } from './rng';
import type { WeatherType } from './weather';

/** Pairs in the synthetic set when a method needs a finite set and the run names none. */
export const DEFAULT_TRAIN_SET = 2000;
/** The synthetic set's seed: fixed, so every run seed condenses (or trains on) the same data. */
export const TRAIN_SET_SEED = 2504;
/** The weather label of a user pair: its weather is not known. */
export const USER_PAIR_LABEL = 'user';

/** A batch of training pairs: what the student sees, what it should output, and the weather when known. */
export interface TrainBatch {
  degraded: RGBBatch;
  clean: RGBBatch;
  weather: string[];
}

export interface TrainPair {
  degraded: RGBImage;
  clean: RGBImage;
  weather: string;
}

/** A user's pair of photos (same size), as loaded from input/ and target/ folders or from the page. */
export interface UserPair {
  stem: string;
  input: RGBImage;
  target: RGBImage;
}

export interface TrainSet {
  readonly origin: 'synthetic' | 'user';
  readonly size: number;
  /** Identifies the set's content (kind, size, settings or pixels): models fitted to it are cached under it. */
  readonly fingerprint: string;
  /** A name for item i (the file stem of an exported subset). */
  stem(i: number): string;
  /**
   * Item i as a size x size pair. Synthetic items are drawn at that size; a user pair is cropped
   * (input and target at the same place): at a place drawn from `rng`, or in the centre without one.
   */
  pair(i: number, size: number, rng?: Rng): TrainPair;
}

export function syntheticTrainSet(size: number, weathers: readonly WeatherType[], source: CleanSourceName | 'mixed'): TrainSet {
  if (!(Number.isInteger(size) && size >= 1)) throw new RangeError(`a training set needs at least one pair, got ${size}`);
  return {
    origin: 'synthetic',
    size,
    fingerprint: `synthetic:${size}:${[...weathers].join(',')}:${source}`,
    stem: (i) => String(i).padStart(5, '0'),
    pair(i, side) {
      const p = makePair({ size: side, seed: TRAIN_SET_SEED, weathers, source, domain: 'train-set' }, i);
      return { degraded: p.degraded, clean: p.clean, weather: p.weather };
    },
  };
}

/** Crops a user pair to side x side (enlarging both first when the photos are smaller). */
function cropUserPair(p: UserPair, side: number, rng?: Rng): TrainPair {
  let { input, target } = p;
  if (input.width < side || input.height < side) {
    const k = side / Math.min(input.width, input.height);
    const [w, h] = [Math.max(side, Math.ceil(input.width * k)), Math.max(side, Math.ceil(input.height * k))];
    [input, target] = [resizeBilinear(input, w, h), resizeBilinear(target, w, h)];
  }
  const x = rng ? rng.int(0, input.width - side + 1) : Math.floor((input.width - side) / 2);
  const y = rng ? rng.int(0, input.height - side + 1) : Math.floor((input.height - side) / 2);
  return { degraded: cropImage(input, x, y, side, side), clean: cropImage(target, x, y, side, side), weather: USER_PAIR_LABEL };
}

export function userTrainSet(pairs: readonly UserPair[]): TrainSet {
  if (pairs.length === 0) throw new RangeError('a training set needs at least one pair');
  for (const p of pairs) {
    if (p.input.width !== p.target.width || p.input.height !== p.target.height) {
      throw new RangeError(
        `the pair "${p.stem}" has an input of ${p.input.width}x${p.input.height} and a target of ${p.target.width}x${p.target.height}: a pair must be one size`,
      );
    }
  }
  return {
    origin: 'user',
    size: pairs.length,
    fingerprint: `user:${pairs.length}:${photosFingerprint(pairs.flatMap((p) => [p.input, p.target]))}`,
    stem: (i) => pairs[i].stem,
    pair: (i, side, rng) => cropUserPair(pairs[i], side, rng),
  };
}

/** A short hash of photos (sizes and a sample of their pixels): '' for none. Models fitted to them are cached under it. */
export function photosFingerprint(photos: readonly RGBImage[]): string {
  if (!photos.length) return '';
  const keys: number[] = [];
  for (const p of photos) {
    keys.push(p.width, p.height);
    const step = Math.max(1, Math.floor(p.data.length / 64));
    for (let i = 0; i < p.data.length; i += step) keys.push(Math.round(p.data[i] * 255));
  }
  return deriveSeed(photos.length, ...keys).toString(16);
}

/** n items drawn uniformly from the set with `rng`, as one batch. */
export function drawBatch(set: TrainSet, n: number, side: number, rng: Rng): TrainBatch {
  const items = Array.from({ length: n }, () => set.pair(rng.int(0, set.size), side, rng));
  return {
    degraded: batchFromImages(items.map((p) => p.degraded)),
    clean: batchFromImages(items.map((p) => p.clean)),
    weather: items.map((p) => p.weather),
  };
}
