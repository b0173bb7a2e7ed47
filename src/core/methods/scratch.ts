// Scratch (docs/methods.md): the student trained on the paired data alone, L1(S(x), y). The
// reference "with original data" that every distillation method is compared with.

import { tf } from '../tf';
import type { TrainBatch } from '../data/train-set';
import type { Adam } from '../train/adam';
import { l1Loss, loadAdam, optimize, relativeError, samplesFromBatches, studentAdam, studentLosses } from './common';
import type { RunConfig } from '../run/config';
import {
  defineMethod,
  type DistillMethod,
  type MethodState,
  type MethodContext,
  type MethodPhase,
  type StepInfo,
  type StepResult,
  type TrainingPreview,
} from './method';

export const scratchMethod = defineMethod({
  id: 'scratch',
  label: 'Scratch (paired data)',
  plain:
    'The small network learns on its own, from pairs of weather photos and their clean versions. Each step it looks at a batch of weather images, makes its best guess at the clean picture, and is corrected by how far off it was. No teacher is involved. This is the baseline every other method has to beat.',
  summary: 'The student alone on paired (degraded, clean) data: L1(S(x), y). No teacher.',
  description: [
    "The student is trained like any restoration network, on paired synthetic data: each step draws a fresh batch of (degraded x, clean y) pairs from the same distribution as the teacher's training data and minimises L1(S(x), y).",
    'This is the reference "with original data": no teacher is involved, so it tells how much a distillation method gains (or loses) over plain supervised training of the same small network.',
    "Design choices: L1 rather than L2, as in most restoration work; Adam with the run's warm-up and cosine schedule; the student starts as the identity (zero-initialised output over a global residual), so its starting score equals the input's.",
  ].join('\n\n'),
  provenance: 'reference',
  data: 'paired',
  teachers: [],
  losses: [studentLosses({ total: "L1(S(x), y): how far, on average per pixel, the student's restoration is from the clean image." })],
  options: {},
  create: (_options, config): DistillMethod => new Scratch(config),
});

class Scratch implements DistillMethod {
  readonly info = scratchMethod;
  readonly phases: MethodPhase[];
  private adam: Adam | null = null;
  private last: TrainBatch | null = null;

  constructor(config: RunConfig) {
    this.phases = [{ id: 'train', label: 'Supervised training', steps: config.steps, trainsStudent: true }];
  }

  async init(ctx: MethodContext): Promise<void> {
    this.adam = studentAdam(ctx.student);
  }

  async step(ctx: MethodContext, info: StepInfo): Promise<StepResult> {
    const pairs = ctx.data.pairs('student', info.studentStep);
    const x = ctx.data.tensor(pairs.degraded);
    const y = ctx.data.tensor(pairs.clean);
    try {
      const { losses, stats } = await optimize(ctx.student.trainableWeights, this.adam!, ctx.studentLr(info.studentStep), () => {
        const out = ctx.student.predict(x);
        return { total: l1Loss(out, y), terms: {}, stats: { relative: relativeError(out, x, y) } };
      });
      this.last = pairs;
      return { losses, stats };
    } finally {
      tf.dispose([x, y]);
    }
  }

  async trainingPreview(ctx: MethodContext): Promise<TrainingPreview | null> {
    if (!this.last) return null;
    return {
      caption: 'Paired training data: the degraded input x and its clean image y',
      inputLabel: 'x (degraded)',
      targetLabels: ['y (clean)'],
      samples: samplesFromBatches(this.last.degraded, [this.last.clean], this.last.weather, ctx.config.previewCount),
    };
  }

  async saveState(): Promise<MethodState> {
    return { adam: await this.adam!.getState() };
  }

  async loadState(_ctx: MethodContext, state: MethodState): Promise<void> {
    loadAdam(this.adam!, state, 'adam');
  }

  dispose(): void {
    this.adam?.dispose();
    this.adam = null;
    this.last = null;
  }
}
