// Training and forward speed of one model or layer on the current tfjs backend, shared by
// `npm run bench` (Node) and the page's distill worker (scripts/bench-train-browser.ts). Timings are
// medians over `reps` repetitions after one warm-up; FLOPs count multiply-adds as 2 and a training
// step as forward + input gradient + filter gradient (3x the forward).
import { tf, type Tensor4D } from '../tf';
import { makePairBatch } from '../data/pairs';
import { createRestorer, RESTORER_PRESET_NAMES, type RestorerPresetName } from '../models/restorer';
import { forwardFlops, restorerComplexity, trainStepFlops } from '../models/complexity';
import { createAdam, trainStep } from '../train/supervised';

/** The layer docs/tools.md compares with PyTorch: 3x3, 32 -> 32 channels. */
export const CONV_LAYER = 'conv3x3-32';
export const BATCH = 8;
export const PATCH = 64;

export interface Result {
  backend: string;
  /** Set when the step was timed on a smaller batch and scaled by pixel count (the CPU backend). */
  measured_at?: { batch: number; patch: number; scale: number };
  model: string;
  batch: number;
  patch: number;
  params: number;
  train_steps_per_s: number;
  train_ms_median: number;
  train_gflops: number;
  forward_ms_median: number;
  forward_gflops: number;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

async function timeMedian(reps: number, fn: () => Promise<void>): Promise<number> {
  await fn(); // warm-up: kernel set-up, buffer allocation
  const times: number[] = [];
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    await fn();
    times.push(performance.now() - t0);
  }
  return median(times);
}

function result(backend: string, model: string, params: number, trainMs: number, fwdMs: number, fwdFlops: number, trainFlops: number): Result {
  const round = (x: number, d = 3) => Number(x.toFixed(d));
  return {
    backend,
    model,
    batch: BATCH,
    patch: PATCH,
    params,
    train_steps_per_s: round(1000 / trainMs),
    train_ms_median: round(trainMs, 1),
    train_gflops: round(trainFlops / trainMs / 1e6, 2),
    forward_ms_median: round(fwdMs, 1),
    forward_gflops: round(fwdFlops / fwdMs / 1e6, 2),
  };
}

/** Batch and patch actually timed: the full size, or a smaller one scaled up by pixel count. */
export interface Size {
  batch: number;
  patch: number;
}

function scaled(r: Result, size: Size): Result {
  const scale = (BATCH * PATCH * PATCH) / (size.batch * size.patch * size.patch);
  if (scale === 1) return r;
  const round = (x: number, d = 3) => Number(x.toFixed(d));
  return {
    ...r,
    measured_at: { ...size, scale },
    train_steps_per_s: round(r.train_steps_per_s / scale, 5),
    train_ms_median: round(r.train_ms_median * scale, 0),
    forward_ms_median: round(r.forward_ms_median * scale, 0),
  };
}

async function benchRestorer(backend: string, preset: RestorerPresetName, reps: number, size: Size): Promise<Result> {
  const restorer = createRestorer(preset, { seed: 1 });
  const optimizer = createAdam(1e-4);
  const { batch: n, patch: p } = size;
  const batch = makePairBatch({ n, size: p, seed: 7 });
  const x = tf.tensor4d(batch.degraded.data, [n, p, p, 3]);
  const y = tf.tensor4d(batch.clean.data, [n, p, p, 3]);
  try {
    const trainMs = await timeMedian(reps, async () => {
      await trainStep(restorer, optimizer, x, y);
    });
    const fwdMs = await timeMedian(reps, async () => {
      const out = restorer.predict(x);
      await out.data();
      out.dispose();
    });
    const cfg = restorer.config;
    const r = result(backend, preset, restorerComplexity(cfg).params, trainMs, fwdMs, forwardFlops(cfg, n, p, p), trainStepFlops(cfg, n, p, p));
    return scaled(r, size);
  } finally {
    tf.dispose([x, y]);
    optimizer.dispose();
    restorer.dispose();
  }
}

async function benchConvLayer(backend: string, reps: number, size: Size): Promise<Result> {
  const c = 32;
  const { batch: n, patch: p } = size;
  const x = tf.randomNormal([n, p, p, c], 0, 1, 'float32', 1) as Tensor4D;
  const w = tf.randomNormal([3, 3, c, c], 0, 0.1, 'float32', 2) as tf.Tensor4D;
  const dy = tf.randomNormal([n, p, p, c], 0, 1, 'float32', 3);
  // d/dx and d/dw of sum(conv(x, w) * dy): exactly one forward, one input-gradient and one
  // filter-gradient convolution, as a layer inside a network costs in training.
  const grad = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(tf.conv2d(a as Tensor4D, b as tf.Tensor4D, 1, 'same'), dy)));
  try {
    const trainMs = await timeMedian(reps, async () => {
      const [gx, gw] = grad([x, w]);
      await Promise.all([gx.data(), gw.data()]);
      tf.dispose([gx, gw]);
    });
    const fwdMs = await timeMedian(reps, async () => {
      const out = tf.conv2d(x, w, 1, 'same');
      await out.data();
      out.dispose();
    });
    const fwd = 2 * 9 * c * c * n * p * p;
    return scaled(result(backend, CONV_LAYER, 9 * c * c, trainMs, fwdMs, fwd, 3 * fwd), size);
  } finally {
    tf.dispose([x, w, dy]);
  }
}

export const BENCH_MODELS = [CONV_LAYER, ...RESTORER_PRESET_NAMES];

/** Times one model (a restorer preset or the conv layer) on the current backend. */
export function benchModel(model: string, reps: number, size: Size = { batch: BATCH, patch: PATCH }): Promise<Result> {
  const backend = tf.getBackend();
  if (model === CONV_LAYER) return benchConvLayer(backend, reps, size);
  if (!(RESTORER_PRESET_NAMES as string[]).includes(model)) throw new Error(`unknown model "${model}"`);
  return benchRestorer(backend, model as RestorerPresetName, reps, size);
}
