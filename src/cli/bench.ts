// Training and inference speed per backend and model, as one JSON object on stdout.
//   npm run bench -- --json [--backends cpu,wasm] [--models teacher,student-10] [--steps 5]
// Timings are medians over `steps` repetitions after one warm-up; FLOPs count multiply-adds as 2
// and a training step as forward + input gradient + filter gradient (3x the forward).
import os from 'node:os';
import { parseArgs } from 'node:util';
import { tf } from '../core/tf';
import { selectBackend } from '../core/backend/select';
import { BATCH, BENCH_MODELS, benchModel, CONV_LAYER, PATCH, type Result, type Size } from '../core/bench/train-speed';

async function main(): Promise<void> {
  const { values } = parseArgs({
    args: process.argv.slice(2),
    options: {
      json: { type: 'boolean', default: false },
      backends: { type: 'string', default: 'cpu,wasm' },
      models: { type: 'string', default: BENCH_MODELS.join(',') },
      steps: { type: 'string', default: '5' },
    },
  });
  const reps = Math.max(1, Number(values.steps));
  const models = values.models!.split(',');
  for (const m of models) if (!BENCH_MODELS.includes(m)) throw new Error(`unknown model "${m}"`);
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
      const r = await benchModel(model, n, size);
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
      wasm_threads: false, // tfjs-backend-wasm runs single-threaded in Node (docs/performance.md#threads)
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
