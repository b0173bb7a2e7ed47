// Training and inference speed per backend and model, as one JSON object on stdout.
//   npm run bench -- --json [--backends cpu,wasm] [--models teacher,student-10] [--steps 5]
// Timings are medians over `steps` repetitions after one warm-up; FLOPs count multiply-adds as 2
// and a training step as forward + input gradient + filter gradient (3x the forward).
import os from 'node:os';
import { parseArgs } from 'node:util';
import { tf, type Tensor4D } from '../core/tf';
import { selectBackend, type BackendName } from '../core/backend/select';
import { makePairBatch } from '../core/data/pairs';
import { createRestorer, RESTORER_PRESET_NAMES, type RestorerPresetName } from '../core/models/restorer';
import { forwardFlops, restorerComplexity, trainStepFlops } from '../core/models/complexity';
import { createAdam, trainStep } from '../core/train/supervised';

/** The layer docs/tools.md compares with PyTorch: 3x3, 32 -> 32 channels. */
const CONV_LAYER = 'conv3x3-32';
const BATCH = 8;
const PATCH = 64;

interface Result {
  backend: BackendName;
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

function result(backend: BackendName, model: string, params: number, trainMs: number, fwdMs: number, fwdFlops: number, trainFlops: number): Result {
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
interface Size {
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

async function benchRestorer(backend: BackendName, preset: RestorerPresetName, reps: number, size: Size): Promise<Result> {
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

async function benchConvLayer(backend: BackendName, reps: number, size: Size): Promise<Result> {
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

async function main(): Promise<void> {
  const { values } = parseArgs({
    args: process.argv.slice(2),
    options: {
      json: { type: 'boolean', default: false },
      backends: { type: 'string', default: 'cpu,wasm' },
      models: { type: 'string', default: [CONV_LAYER, ...RESTORER_PRESET_NAMES].join(',') },
      steps: { type: 'string', default: '5' },
    },
  });
  const reps = Math.max(1, Number(values.steps));
  const models = values.models!.split(',');
  for (const m of models) {
    if (m !== CONV_LAYER && !(RESTORER_PRESET_NAMES as string[]).includes(m)) throw new Error(`unknown model "${m}"`);
  }
  const log = (s: string) => process.stderr.write(`${s}\n`);
  const results: Result[] = [];
  const skipped: { backend: string; reason: string }[] = [];
  for (const requested of values.backends!.split(',')) {
    const report = await selectBackend({ override: requested });
    if (report.backend !== requested) {
      skipped.push({ backend: requested, reason: report.skipped.map((s) => s.reason).join('; ') || 'unavailable' });
      continue;
    }
    for (const model of models) {
      // tfjs's plain-JS CPU backend computes filter gradients in a scalar loop: a teacher step at
      // full size takes over ten minutes. Time it on 1/32 of the pixels and scale (convolution
      // cost is linear in pixels); the result says so in `measured_at`.
      const size: Size = requested === 'cpu' ? { batch: 1, patch: 32 } : { batch: BATCH, patch: PATCH };
      const n = requested === 'cpu' ? Math.min(reps, 3) : reps;
      log(`bench: ${requested} ${model} (${n} timed steps at batch ${size.batch} of ${size.patch}x${size.patch})`);
      const r = model === CONV_LAYER ? await benchConvLayer(requested, n, size) : await benchRestorer(requested, model as RestorerPresetName, n, size);
      results.push(r);
      log(`  ${r.train_steps_per_s} steps/s, ${r.train_gflops} GFLOP/s training, ${r.forward_gflops} GFLOP/s forward`);
    }
  }
  const ratios: Record<string, number> = {};
  for (const r of results.filter((r) => r.backend === 'wasm')) {
    const cpu = results.find((c) => c.backend === 'cpu' && c.model === r.model);
    if (cpu) ratios[r.model] = Number((r.train_steps_per_s / cpu.train_steps_per_s).toFixed(1));
  }
  const out = {
    machine: {
      cpu: os.cpus()[0]?.model ?? 'unknown',
      cores: os.cpus().length,
      memory_gib: Number((os.totalmem() / 2 ** 30).toFixed(1)),
      node: process.version,
      tfjs: tf.version.tfjs,
      wasm_threads: false, // tfjs-backend-wasm runs single-threaded in Node
    },
    results,
    wasm_vs_cpu_training_speedup: ratios,
    pytorch_reference: { model: CONV_LAYER, train_gflops: 145, note: 'PyTorch, same two cores (docs/tools.md)' },
    skipped,
  };
  if (values.json) console.log(JSON.stringify(out));
  else console.log(JSON.stringify(out, null, 2));
}

main().catch((e) => {
  console.error(`bench: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
});
