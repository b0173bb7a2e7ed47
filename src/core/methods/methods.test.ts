// Every method learns: in a short run its losses fall and the student beats the untrained one
// (the identity) on the fixed evaluation set. Settings chosen for speed and reliability on two
// CPU cores: one weather type, 32 px patches, the 5% student, and a small teacher trained in the
// test (400 steps, seconds). Snow, because its flakes are local, additive and content-independent:
// what a student learns on other content (a generator's samples, for DFL) carries over to the
// evaluation scenes. Haze, whose removal depends on the scene's depth and colours, does not carry
// over reliably from generated content with a teacher this weak (measured: DFL +/-1 dB by seed).

import { beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../tf';
import { createRestorer, type Restorer } from '../models/restorer';
import { resolveRunConfig } from '../run/config';
import { runDistillation } from '../run/loop';
import { trainQuickTeacher } from '../run/test-teacher';
import { METHODS } from './registry';

let teacher: Restorer;
// Untrained (seeded): random convolutional features still tell images apart, which is all DCKD's
// and SLKD's feature terms need here; their real runs use the shipped, trained autoencoder.
let autoencoder: Restorer;

beforeAll(async () => {
  await tf.setBackend('wasm');
  teacher = await trainQuickTeacher({ weathers: ['snow'], steps: 400 });
  autoencoder = createRestorer('autoencoder', { seed: 2 });
});

const mean = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

describe.each([
  // [method, student steps, method options]
  ['scratch', 150, {}],
  ['kd', 150, {}],
  ['dfl', 200, {}],
  // Small adapter and diffusion budgets: the synthesised images are rough, but KD on them must still help.
  ['d4ir', 150, { adapterSteps: 100, diffusionSteps: 150, bankSize: 48 }],
  ['dckd', 150, {}],
  ['slkd', 150, {}],
  // 2% of the default 2,000-pair set: the student learns from 40 pairs. One stage: stage 1 draws the
  // easiest pairs and stage 2 the hardest most often, so a relative error across them does not
  // compare like with like (tripled.test.ts checks the stages).
  ['tripled', 150, { scorerSteps: 100, adjustSteps: 20, easyShare: 0 }],
] as const)('%s', (method, steps, methodOptions) => {
  // Generous: d4ir trains an adapter and a diffusion model first, and CI machines are shared.
  it('losses fall and the student beats the untrained one', { timeout: 300_000 }, async () => {
    const config = resolveRunConfig(
      {
        method,
        steps,
        lr: 2e-3,
        weathers: ['snow'],
        evalEvery: steps,
        evalSet: { weathers: ['snow'], count: 8, size: 32 },
        methodOptions: methodOptions as Record<string, number>,
      },
      METHODS,
      'quick',
    );
    const result = await runDistillation({ config, teachers: { restorer: teacher, autoencoder } });
    try {
      expect(result.status, result.error?.message).toBe('completed');
      // The relative error (L1 to the target over the input's own L1 to it) rather than the raw
      // loss: each step draws a fresh batch, whose difficulty swings the raw loss more than
      // a short run's progress does.
      const relative = result.history.steps.filter((s) => s.studentStep > 0 && s.stats).map((s) => s.stats!.relative);
      expect(relative).toHaveLength(steps);
      // The first step scores the identity (exactly 1): the first five are where the run starts.
      const first = mean(relative.slice(0, 5));
      const last = mean(relative.slice(-20));
      expect(last, `relative error: first 5 steps ${first.toFixed(3)}, last 20 ${last.toFixed(3)}`).toBeLessThan(0.85 * first);
      const untrained = result.eval.untrained!.mean.psnr;
      const student = result.eval.student!.mean.psnr;
      const teacherPsnr = result.eval.teacher!.mean.psnr;
      expect(student, `student ${student.toFixed(2)} dB, untrained ${untrained.toFixed(2)}, teacher ${teacherPsnr.toFixed(2)}`).toBeGreaterThan(
        untrained + 0.3,
      );
    } finally {
      result.studentModel.dispose();
    }
  });
});
