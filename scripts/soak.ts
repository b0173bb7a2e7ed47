// Soak test: runs each distillation method for many steps at a tiny size and prints, as JSON
// lines, the tensors and bytes alive every --every steps (and GPU bytes where the backend reports
// them). Flat numbers mean no step leaks; a checkpoint is taken every second, as runs do.
//   npx tsx scripts/soak.ts [--methods scratch,kd,dfl,d4ir] [--steps 10000] [--every 1000] [--backend wasm]
// Every method of the registry by default. The teacher is an untrained student-10 (not the
// identity): memory, not learning, is what is measured.
import { parseArgs } from 'node:util';
import { tf } from '../src/core/tf';
import { METHODS } from '../src/core/methods/registry';
import { createRestorer } from '../src/core/models/restorer';
import { resolveRunConfig } from '../src/core/run/config';
import { packCheckpoint } from '../src/core/run/checkpoint';
import { runDistillation } from '../src/core/run/loop';

const { values } = parseArgs({
  options: {
    methods: { type: 'string', default: METHODS.map((m) => m.id).join(',') },
    steps: { type: 'string', default: '10000' },
    every: { type: 'string', default: '1000' },
    backend: { type: 'string', default: 'wasm' },
  },
});
/** Keeps the preparation phases of the multi-phase methods short: the student steps are soaked. */
const SHORT: Readonly<Record<string, Record<string, number>>> = {
  dfl: { generatorWarmup: 20, studentStepsPerGenerator: 2 },
  d4ir: { adapterSteps: 200, diffusionSteps: 200, bankSize: 8, samplerSteps: 4 },
};

await tf.setBackend(values.backend);
await tf.ready();
const steps = Number(values.steps);
const every = Number(values.every);
const teacher = createRestorer({ ...createRestorer('student-10').config, zeroInitOutput: false }, { seed: 5 });
for (const method of values.methods.split(',')) {
  const config = resolveRunConfig(
    {
      method,
      steps,
      student: 'student-5',
      batch: 2,
      patch: 16,
      weathers: ['haze', 'rain'],
      evalEvery: steps,
      previewEvery: every,
      previewCount: 2,
      evalSet: { count: 1, size: 16, weathers: ['haze', 'rain'] },
      methodOptions: SHORT[method] ?? {},
    },
    METHODS,
    'quick',
  );
  const before = tf.memory();
  const t0 = performance.now();
  const result = await runDistillation({
    config,
    teachers: { restorer: teacher },
    // A checkpoint every second, packed as the CLI writes it: saving must not leak either.
    checkpoints: { everySeconds: 1, save: async (cp) => void packCheckpoint(cp) },
    onEvent: (e) => {
      if (e.type !== 'step' || e.record.totalStep % every !== 0) return;
      const m = tf.memory() as tf.MemoryInfo & { numBytesInGPU?: number };
      const line = {
        method,
        phase: e.record.phase,
        step: e.record.totalStep,
        tensors: m.numTensors,
        bytes: m.numBytes,
        ...(m.numBytesInGPU !== undefined ? { gpuBytes: m.numBytesInGPU } : {}),
      };
      console.log(JSON.stringify(line));
    },
  });
  result.studentModel.dispose();
  const after = tf.memory();
  console.log(
    JSON.stringify({
      method,
      status: result.status,
      error: result.error?.message ?? null,
      steps: result.totalSteps,
      seconds: Math.round((performance.now() - t0) / 1000),
      tensorsBefore: before.numTensors,
      tensorsAfter: after.numTensors,
      bytesBefore: before.numBytes,
      bytesAfter: after.numBytes,
    }),
  );
}
teacher.dispose();
