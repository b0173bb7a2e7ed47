// Test helper: a small teacher trained in seconds, so the distillation tests need no shipped
// model. A student-10-sized restorer on one or two weather types learns a clear, repeatable
// improvement over the input within a couple of hundred steps on two CPU cores.

import { tf } from '../tf';
import { makePairBatch } from '../data/pairs';
import type { WeatherType } from '../data/weather';
import { createRestorer, type Restorer } from '../models/restorer';
import type { RestorerPresetName } from '../models/restorer-config';
import { Adam } from '../train/adam';
import { l1Loss } from '../train/supervised';
import { studentLearningRate } from './config';

export interface QuickTeacherOptions {
  weathers: WeatherType[];
  steps?: number;
  batch?: number;
  patch?: number;
  lr?: number;
  preset?: RestorerPresetName;
  seed?: number;
}

export async function trainQuickTeacher(o: QuickTeacherOptions): Promise<Restorer> {
  const { steps = 150, batch = 8, patch = 32, lr = 2e-3, preset = 'student-10', seed = 11 } = o;
  const teacher = createRestorer(preset, { seed, name: 'quick_teacher' });
  const adam = new Adam(teacher.trainableWeights);
  const schedule = { lr, steps, warmupSteps: Math.ceil(steps / 20), lrSchedule: 'cosine' as const };
  for (let s = 0; s < steps; s++) {
    // A domain of its own: never the batches the students under test draw.
    const b = makePairBatch({ n: batch, size: patch, seed: seed * 100_003 + s, weathers: o.weathers, domain: 'quick-teacher' });
    const x = tf.tensor4d(b.degraded.data, [batch, patch, patch, 3]);
    const y = tf.tensor4d(b.clean.data, [batch, patch, patch, 3]);
    const { value, grads } = tf.variableGrads(() => l1Loss(teacher.predict(x), y), teacher.trainableWeights);
    adam.apply(grads, studentLearningRate(schedule, s));
    tf.dispose([x, y, value, ...Object.values(grads)]);
  }
  adam.dispose();
  return teacher;
}
