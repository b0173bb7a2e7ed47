// Every method learns: in a short run its losses fall and the student beats the untrained one
// (the identity) on the fixed evaluation set. Settings chosen for speed and reliability on two
// CPU cores: one weather type (haze, a global degradation a tiny student learns quickly), 32 px
// patches, the 5% student, and a small teacher trained in the test (~400 steps, a few seconds).

import { beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../tf';
import type { Restorer } from '../models/restorer';
import { resolveRunConfig } from '../run/config';
import { runDistillation } from '../run/loop';
import { trainQuickTeacher } from '../run/test-teacher';
import { METHODS } from './registry';

let teacher: Restorer;

beforeAll(async () => {
  await tf.setBackend('wasm');
  teacher = await trainQuickTeacher({ weathers: ['haze'], steps: 400 });
});

const mean = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

describe.each([
  // [method, steps, loss term that must fall, method options]
  ['scratch', 150, 'total', {}],
  ['kd', 150, 'kd', {}],
  ['dfl', 200, 'kd', {}],
] as const)('%s', (method, steps, lossKey, methodOptions) => {
  it('losses fall and the student beats the untrained one', async () => {
    const config = resolveRunConfig(
      {
        method,
        steps,
        lr: 2e-3,
        weathers: ['haze'],
        evalEvery: steps,
        evalSet: { weathers: ['haze'], count: 8, size: 32 },
        methodOptions,
      },
      METHODS,
      'quick',
    );
    const result = await runDistillation({ config, teacher });
    try {
      expect(result.status, result.error?.message).toBe('completed');
      const losses = result.history.steps.filter((s) => s.phase !== 'generator-warmup').map((s) => s.losses[lossKey]);
      expect(losses).toHaveLength(steps);
      const first = mean(losses.slice(0, 20));
      const last = mean(losses.slice(-20));
      expect(last, `${lossKey}: first 20 steps ${first.toFixed(4)}, last 20 ${last.toFixed(4)}`).toBeLessThan(0.8 * first);
      const untrained = result.eval.untrained!.mean.psnr;
      const student = result.eval.student!.mean.psnr;
      const teacherPsnr = result.eval.teacher!.mean.psnr;
      expect(student, `student ${student.toFixed(2)} dB, untrained ${untrained.toFixed(2)}, teacher ${teacherPsnr.toFixed(2)}`).toBeGreaterThan(untrained + 0.5);
    } finally {
      result.studentModel.dispose();
    }
  });
});
