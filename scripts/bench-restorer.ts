// Benchmarks the restorer presets: parameters, FLOPs per pixel, milliseconds per forward pass and
// per training step (L1 + Adam), as JSON on stdout. Medians of a few repetitions after a warm-up.
//
//   npx tsx scripts/bench-restorer.ts [--backends cpu,wasm] [--batch 8] [--size 64]
//                                     [--presets teacher,student-10,student-5] [--budget-s 20]
//
// Default backends: cpu, plus wasm when its Conv2DBackpropFilter kernel is registered (the
// project adds it; stock tfjs-wasm cannot train convs). When one measurement would take longer
// than the budget (the tfjs CPU backend's filter gradient is a scalar loop, so training the
// teacher at batch 8 of 64x64 takes minutes), it is taken at batch 1 of size/2 and scaled by
// pixel count, and marked "extrapolated".

import { tf, type Tensor4D } from '../src/core/tf';
import { forwardFlops, restorerComplexity, trainStepFlops } from '../src/core/models/complexity';
import { createRestorer, isRestorerPresetName, RESTORER_PRESET_NAMES, restorerPreset, type RestorerPresetName } from '../src/core/models/restorer';
import { createAdam, trainStep } from '../src/core/train/supervised';

interface Args {
  backends: string[];
  batch: number;
  size: number;
  presets: RestorerPresetName[];
  budgetS: number;
}

function parseArgs(argv: string[]): Args {
  const get = (name: string): string | undefined => {
    const i = argv.indexOf(`--${name}`);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const wasmTrains = !!tf.getKernel('Conv2DBackpropFilter', 'wasm');
  const presets = (get('presets') ?? RESTORER_PRESET_NAMES.join(',')).split(',');
  for (const p of presets) if (!isRestorerPresetName(p)) throw new Error(`unknown preset "${p}"`);
  return {
    backends: (get('backends') ?? (wasmTrains ? 'cpu,wasm' : 'cpu')).split(','),
    batch: Number(get('batch') ?? 8),
    size: Number(get('size') ?? 64),
    presets: presets as RestorerPresetName[],
    budgetS: Number(get('budget-s') ?? 20),
  };
}

const median = (v: number[]): number => {
  const s = [...v].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

interface Timing {
  /** Median ms at the stated batch and size (scaled when extrapolated). */
  ms: number;
  reps: number;
  measuredAt: { batch: number; size: number; ms: number };
  extrapolated: boolean;
  /** Achieved GFLOP/s (forward: forward FLOPs; train: forward + backward). */
  gflops: number;
}

/** Warm-up, then repetitions until about `budgetMs` has passed (at most 5). */
async function time(run: () => Promise<void>, budgetMs: number): Promise<{ median: number; reps: number; warmup: number }> {
  let t = performance.now();
  await run();
  const warmup = performance.now() - t;
  const times: number[] = [];
  const start = performance.now();
  while (times.length < 5 && (times.length === 0 || performance.now() - start + median(times) < budgetMs)) {
    t = performance.now();
    await run();
    times.push(performance.now() - t);
  }
  return { median: median(times), reps: times.length, warmup };
}

async function measure(kind: 'forward' | 'train', preset: RestorerPresetName, batch: number, size: number, budgetMs: number): Promise<Timing> {
  const restorer = createRestorer(preset, { seed: 0 });
  const flops = (n: number, s: number) => (kind === 'forward' ? forwardFlops(restorer.config, n, s, s) : trainStepFlops(restorer.config, n, s, s));
  const runAt = async (n: number, s: number, budget: number, probeOnly: boolean) => {
    const x = tf.randomUniform([n, s, s, 3], 0, 1, 'float32', 1) as Tensor4D;
    const y = tf.randomUniform([n, s, s, 3], 0, 1, 'float32', 2) as Tensor4D;
    const opt = createAdam(1e-4);
    const run =
      kind === 'forward'
        ? async () => {
            const out = restorer.predict(x);
            await out.data();
            out.dispose();
          }
        : async () => {
            await trainStep(restorer, opt, x, y);
          };
    try {
      if (probeOnly) {
        const t = performance.now();
        await run();
        return { median: performance.now() - t, reps: 0, warmup: 0 };
      }
      return await time(run, budget);
    } finally {
      tf.dispose([x, y]);
      opt.dispose();
    }
  };
  try {
    // A small probe predicts the full-size cost (first calls include one-off setup: an overestimate).
    const probeSize = Math.max(8, size / 2);
    const probe = await runAt(1, probeSize, budgetMs, true);
    const scale = (batch * size * size) / (probeSize * probeSize);
    if (probe.median * scale > budgetMs) {
      const r = await runAt(1, probeSize, budgetMs, false);
      const ms = r.median * scale;
      return {
        ms,
        reps: r.reps,
        measuredAt: { batch: 1, size: probeSize, ms: r.median },
        extrapolated: true,
        gflops: flops(1, probeSize) / r.median / 1e6,
      };
    }
    const r = await runAt(batch, size, budgetMs, false);
    return {
      ms: r.median,
      reps: r.reps,
      measuredAt: { batch, size, ms: r.median },
      extrapolated: false,
      gflops: flops(batch, size) / r.median / 1e6,
    };
  } finally {
    restorer.dispose();
  }
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const teacher = restorerComplexity(restorerPreset('teacher'));
  const results: unknown[] = [];
  for (const backend of args.backends) {
    if (!(await tf.setBackend(backend))) {
      results.push({ backend, error: 'backend failed to initialise' });
      continue;
    }
    await tf.ready();
    const hasFilterGrad = !!tf.getKernel('Conv2DBackpropFilter', backend);
    const presets = [];
    for (const name of args.presets) {
      const c = restorerComplexity(restorerPreset(name));
      const budgetMs = args.budgetS * 1000;
      const forward = await measure('forward', name, args.batch, args.size, budgetMs);
      const train = hasFilterGrad ? await measure('train', name, args.batch, args.size, budgetMs) : { error: `no Conv2DBackpropFilter kernel on ${backend}` };
      presets.push({
        name,
        params: c.params,
        flopsPerPixel: c.flopsPerPixel,
        flopsRatioToTeacher: c.flopsPerPixel / teacher.flopsPerPixel,
        paramsRatioToTeacher: c.params / teacher.params,
        forwardGflopPerBatch: forwardFlops(restorerPreset(name), args.batch, args.size, args.size) / 1e9,
        forward,
        trainStep: train,
      });
      process.stderr.write(`${backend} ${name}: forward ${forward.ms.toFixed(0)} ms\n`);
    }
    results.push({ backend, presets });
  }
  console.log(
    JSON.stringify(
      {
        tfjs: tf.version.tfjs,
        node: process.version,
        batch: args.batch,
        size: args.size,
        flopsNote: 'FLOPs = 2 x conv multiply-adds, forward only per pixel; a train step counts 3x forward',
        results,
      },
      null,
      2,
    ),
  );
}

await main();
