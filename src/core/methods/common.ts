// Building blocks shared by the methods: one optimisation step with named loss terms, the L1 and
// contrastive losses, and preview helpers. Kept small: a method file should read as its paper's
// equations, with the bookkeeping here.

import { tf, type Tensor4D } from '../tf';
import type { RGBBatch, RGBImage } from '../data/image';
import { batchItem } from '../data/image';
import type { FeatureExtractor } from '../models/feature-extractor';
import type { Restorer } from '../models/restorer';
import { Adam, type AdamState } from '../train/adam';
import { stateField, type MethodState } from '../run/checkpoint';
import type { StoredModel } from '../models/param-set';
import { NonFiniteLossError, type LossGroup, type MethodContext, type TrainingSample } from './method';

import { l1Loss } from '../train/supervised';

export { l1Loss };

/** The chart of the student's own losses (id 'loss'), with a sentence per term. */
export function studentLosses(terms: Readonly<Record<string, string>>): LossGroup {
  return { id: 'loss', title: 'Student losses', terms };
}

/** A loss made of named terms; `total` is what is minimised (the weighted sum). */
export interface LossTerms {
  total: tf.Scalar;
  terms: Record<string, tf.Scalar>;
  /** Scalars to report but not to check or minimise (e.g. a relative error). */
  stats?: Record<string, tf.Scalar>;
}

export interface OptimizeResult {
  /** {total, ...terms}. */
  losses: Record<string, number>;
  stats: Record<string, number>;
}

/**
 * One Adam update of `variables` on the loss `build()` returns. Reads every term back in one
 * transfer, and refuses to update when a loss term is not finite (the weights stay as they
 * were, the error names the terms). Frees everything it allocates.
 */
export async function optimize(variables: readonly tf.Variable[], adam: Adam, lr: number, build: () => LossTerms, what = 'loss'): Promise<OptimizeResult> {
  const kept: { names: string[]; statNames: string[]; packed: tf.Tensor1D | null } = { names: [], statNames: [], packed: null };
  const { value, grads } = tf.variableGrads(() => {
    const { total, terms, stats = {} } = build();
    kept.names = Object.keys(terms);
    kept.statNames = Object.keys(stats);
    // Kept past variableGrads' tidy: one tensor, one read-back, whatever the number of terms.
    kept.packed = tf.keep(tf.stack([total, ...kept.names.map((n) => terms[n]), ...kept.statNames.map((n) => stats[n])]) as tf.Tensor1D);
    return total;
  }, variables as tf.Variable[]);
  try {
    const values = await kept.packed!.data();
    const losses: Record<string, number> = { total: values[0] };
    kept.names.forEach((n, i) => (losses[n] = values[1 + i]));
    const stats: Record<string, number> = {};
    kept.statNames.forEach((n, i) => (stats[n] = values[1 + kept.names.length + i]));
    const bad = Object.entries(losses).filter(([, v]) => !Number.isFinite(v));
    if (bad.length) {
      throw new NonFiniteLossError(
        `the ${what} is not finite (${bad.map(([k, v]) => `${k} = ${v}`).join(', ')}): training diverged; try a lower learning rate`,
        losses,
      );
    }
    adam.apply(grads, lr);
    return { losses, stats };
  } finally {
    tf.dispose([value, ...(kept.packed ? [kept.packed] : []), ...Object.values(grads)]);
  }
}

/**
 * L1(out, target) / L1(input, target): the share of the way from the input to the target still
 * to go; 1 for the identity (the untrained student), 0 for a perfect match. Unlike the raw loss,
 * it does not jump with the difficulty of each fresh batch, so its curve shows learning.
 */
export function relativeError(out: Tensor4D, input: Tensor4D, target: Tensor4D): tf.Scalar {
  return tf.tidy(() => tf.div(l1Loss(out, target), tf.add(l1Loss(input, target), 1e-8)) as tf.Scalar);
}

/** The student's optimizer (Adam with the usual restoration betas). */
export function studentAdam(student: Restorer): Adam {
  return new Adam(student.trainableWeights, { beta1: 0.9, beta2: 0.999, epsilon: 1e-8 });
}

/** Restores an optimizer saved in a method state under `key` (checked against its variables by Adam). */
export function loadAdam(adam: Adam, state: MethodState, key: string): void {
  adam.setState(stateField<AdamState>(state, key));
}

/** The teacher's output as a training target: no gradient, clipped to the image range. */
export function teacherTarget(teacher: Restorer, x: Tensor4D): Tensor4D {
  return tf.tidy(() => tf.clipByValue(teacher.predict(x), 0, 1) as Tensor4D);
}

/**
 * Per-level weights of contrastive regularisation, shallow to deep: AECR-Net's [1/32, 1/16, 1/8,
 * 1/4, 1] for its five VGG levels. With fewer levels we keep the deepest ones (deep features
 * weigh most); with more, each extra shallow level halves again.
 */
export function contrastiveWeights(levels: number): number[] {
  const base = [1 / 32, 1 / 16, 1 / 8, 1 / 4, 1];
  if (levels <= base.length) return base.slice(base.length - levels);
  const extra = Array.from({ length: levels - base.length }, (_, i) => base[0] / 2 ** (levels - base.length - i));
  return [...extra, ...base];
}

/**
 * Contrastive regularisation (AECR-Net form): sum_i w_i L1(phi_i(out), phi_i(positive)) /
 * (L1(phi_i(out), phi_i(negative)) + eps_i). Only `out` should depend on the variables being
 * optimised: the positive and the negative are constants. eps_i is a tenth of the positive-negative distance at that level: a
 * student that starts as the identity sits exactly on the negative (distance 0), where a fixed
 * tiny eps would make the ratio, and its gradient, explode; this eps bounds it near 10.
 */
export function contrastiveRegularization(
  extractor: FeatureExtractor,
  out: Tensor4D,
  positive: Tensor4D,
  negative: Tensor4D,
  weights = contrastiveWeights(extractor.levels),
): tf.Scalar {
  return tf.tidy(() => {
    const n = out.shape[0];
    const fOut = extractor.features(out);
    // One pass for both constants (same shapes): half the dispatches of two calls.
    const fConst = extractor.features(tf.concat([positive, negative], 0));
    let sum: tf.Scalar = tf.scalar(0);
    fOut.forEach((f, i) => {
      const [p, q] = tf.split(fConst[i], [n, n], 0);
      const pull = tf.mean(tf.abs(tf.sub(f, p)));
      const push = tf.mean(tf.abs(tf.sub(f, q)));
      const eps = tf.mul(tf.mean(tf.abs(tf.sub(p, q))), 0.1).add(1e-6);
      sum = tf.add(sum, tf.mul(tf.div(pull, tf.add(push, eps)), weights[i]));
    });
    return sum;
  });
}

/** Colour c of K: hues spread by the golden angle, so neighbouring codes look different. */
function paletteColor(c: number): [number, number, number] {
  const h = (c * 0.618034) % 1;
  const f = (k: number) => 0.5 + 0.4 * Math.cos(2 * Math.PI * (h - k / 3));
  return [f(0), f(1), f(2)];
}

/**
 * Codebook assignment maps as images: each position of each feature map ([n, h, w, c]) gets the
 * colour of its nearest code in `codebook` ([K, c]), upsampled (nearest) to size x size.
 */
export function codeMapImages(features: readonly tf.Tensor[], codebook: tf.Tensor2D, size: number): Tensor4D[] {
  return tf.tidy(() => {
    const k = codebook.shape[0];
    const palette = tf.tensor2d(Array.from({ length: k }, (_, c) => paletteColor(c)));
    return features.map((f) => {
      const [n, h, w, c] = f.shape;
      const flat = tf.reshape(f, [-1, c]);
      const d = tf.sub(tf.reshape(tf.sum(tf.square(codebook), 1), [1, -1]), tf.mul(tf.matMul(flat, codebook, false, true), 2));
      const colours = tf.reshape(tf.gather(palette, tf.argMin(d, 1)), [n, h, w, 3]) as Tensor4D;
      return tf.image.resizeNearestNeighbor(colours, [size, size]);
    });
  });
}

/** A feature statistic [n, h, w, 1] as grey images scaled to [0, 1] per image, upsampled (nearest) to size x size. */
export function greyMapImages(map: Tensor4D, size: number): Tensor4D {
  return tf.tidy(() => {
    const lo = tf.min(map, [1, 2, 3], true);
    const hi = tf.max(map, [1, 2, 3], true);
    const scaled = tf.div(tf.sub(map, lo), tf.add(tf.sub(hi, lo), 1e-8)) as Tensor4D;
    return tf.tile(tf.image.resizeNearestNeighbor(scaled, [size, size]), [1, 1, 1, 3]) as Tensor4D;
  });
}

/** Total variation (mean absolute difference of neighbours) per batch, a scalar. */
export function totalVariation(x: Tensor4D): tf.Scalar {
  return tf.tidy(() => {
    const [n, h, w, c] = x.shape;
    const dy = tf.sub(tf.slice(x, [0, 1, 0, 0], [n, h - 1, w, c]), tf.slice(x, [0, 0, 0, 0], [n, h - 1, w, c]));
    const dx = tf.sub(tf.slice(x, [0, 0, 1, 0], [n, h, w - 1, c]), tf.slice(x, [0, 0, 0, 0], [n, h, w - 1, c]));
    return tf.add(tf.mean(tf.abs(dy)), tf.mean(tf.abs(dx))) as tf.Scalar;
  });
}

/** The first `count` images of a batch tensor, clipped to [0, 1], read back asynchronously. */
export async function readImages(x: Tensor4D, count = x.shape[0]): Promise<RGBImage[]> {
  const k = Math.min(count, x.shape[0]);
  const [, h, w] = x.shape;
  const part = tf.tidy(() => tf.clipByValue(tf.slice(x, [0, 0, 0, 0], [k, h, w, 3]), 0, 1));
  try {
    const data = (await part.data()) as Float32Array;
    const batch: RGBBatch = { n: k, height: h, width: w, data };
    return Array.from({ length: k }, (_, i) => batchItem(batch, i));
  } finally {
    part.dispose();
  }
}

/** The first `count` items of a CPU batch and of its targets, as preview samples. */
export function samplesFromBatches(inputs: RGBBatch, targets: readonly RGBBatch[], weathers: readonly string[] | null, count: number): TrainingSample[] {
  return Array.from({ length: Math.min(count, inputs.n) }, (_, i) => ({
    input: batchItem(inputs, i),
    targets: targets.map((t) => batchItem(t, i)),
    ...(weathers ? { weather: weathers[i] } : {}),
  }));
}

/**
 * A few images of the last step, kept as tensors (a slice, so a fixed small shape) until a preview
 * asks for them; replacing frees the previous ones. Read back only on request: most steps send
 * no preview, and a read-back stalls a GPU pipeline.
 */
export class PreviewSlot {
  private input: Tensor4D | null = null;
  private targets: Tensor4D[] = [];
  private weathers: string[] | null = null;

  constructor(private readonly count: number) {}

  /** Keeps copies of the first images of `input` and `targets`; the caller keeps its tensors. */
  set(input: Tensor4D, targets: readonly Tensor4D[], weathers: readonly string[] | null): void {
    this.clear();
    const k = Math.min(this.count, input.shape[0]);
    const head = (t: Tensor4D) => tf.tidy(() => tf.slice(t, [0, 0, 0, 0], [k, t.shape[1], t.shape[2], t.shape[3]]));
    this.input = head(input);
    this.targets = targets.map(head);
    this.weathers = weathers ? weathers.slice(0, k) : null;
  }

  async read(): Promise<TrainingSample[] | null> {
    if (!this.input) return null;
    const inputs = await readImages(this.input);
    const targets = await Promise.all(this.targets.map((t) => readImages(t)));
    return inputs.map((input, i) => ({
      input,
      targets: targets.map((t) => t[i]),
      ...(this.weathers ? { weather: this.weathers[i] } : {}),
    }));
  }

  clear(): void {
    tf.dispose([...(this.input ? [this.input] : []), ...this.targets]);
    this.input = null;
    this.targets = [];
  }
}

/** A model kept by an earlier run under `key`, or null when reuse is off, nothing is kept, or the cache cannot be read (the model is then trained again). */
export async function loadCached(ctx: MethodContext, reuse: boolean, key: string): Promise<StoredModel | null> {
  if (!reuse || !ctx.cache) return null;
  try {
    return await ctx.cache.load(key);
  } catch {
    return null;
  }
}

/** Keeps a trained model for later runs. A full disk or a private window must not fail this run: the next one trains again. */
export async function storeCached(ctx: MethodContext, key: string, model: StoredModel): Promise<void> {
  try {
    await ctx.cache?.save(key, model);
  } catch {
    // nothing to do: caching is an optimisation
  }
}

/** A model restored from a cache entry, or null when the entry is broken (wrong shapes, bad bytes). */
export function restoreOrNull<T>(restore: () => T): T | null {
  try {
    return restore();
  } catch {
    return null;
  }
}

/** The phase note of a model reused from the cache: how it was trained. */
export function describeStored(what: string, stored: StoredModel): string {
  const t = stored.meta.training as Record<string, unknown> | undefined;
  const steps = typeof t?.steps === 'number' ? `${t.steps} steps` : 'an earlier run';
  const knn = typeof t?.knnAccuracy === 'number' ? `, kNN accuracy ${(t.knnAccuracy * 100).toFixed(0)}%` : '';
  return `${what} reused from an earlier run (${steps}${knn})`;
}

/**
 * The options of a method that caches the models it trains: reuse them, and their own seed (not
 * the run's, so that runs differing only in their student share them).
 */
export function cachedModelOptions(what: string, reuseHelp: string, seedHelp: string) {
  return {
    reuse: { type: 'bool', default: true, label: `Reuse cached ${what}`, help: reuseHelp },
    modelSeed: { type: 'int', min: 0, max: 2 ** 31 - 1, default: 1, label: 'Model seed', help: seedHelp },
  } as const;
}
