// Logits KD (docs/methods.md): on paired data, L = w_kd L1(S(x), T(x)) + w_rec L1(S(x), y). The
// reference "distillation with the original data"; for a restorer the "logits" are the restored
// pixels, so the KD term is a pixel L1 to the teacher's output.

import { tf } from '../tf';
import type { RunConfig } from '../run/config';
import type { Adam } from '../train/adam';
import { l1Loss, loadAdam, optimize, PreviewSlot, relativeError, studentAdam, studentLosses, teacherTarget } from './common';
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

const OPTIONS = {
  kdWeight: { type: 'number', min: 0, max: 100, default: 1, label: 'KD weight', help: "Weight of L1(S(x), T(x)), the pull towards the teacher's output." },
  recWeight: { type: 'number', min: 0, max: 100, default: 1, label: 'Reconstruction weight', help: 'Weight of L1(S(x), y), the pull towards the clean image.' },
} as const;

export const kdMethod = defineMethod({
  id: 'kd',
  label: 'Logits KD (paired data)',
  plain:
    "A large, already trained network (the teacher) shows the small one (the student) how it would clean each weather photo. The student tries to copy the teacher's answer and, at the same time, to match the real clean photo. Copying a good teacher is often easier than learning from the clean photos alone.",
  summary: 'Paired data plus the teacher: L1(S(x), T(x)) + L1(S(x), y).',
  description: [
    "Classic output distillation on the teacher's own kind of data. Each step draws fresh paired (degraded x, clean y) images; the teacher restores x, and the student is pulled both towards the teacher's restoration T(x) and towards the clean image y: L = w_kd L1(S(x), T(x)) + w_rec L1(S(x), y).",
    'This is a reference method ("with original data"), not one of the papers: it bounds what the data-free methods can hope for. The DCKD paper reports that this plain form can even fall below training from scratch (37.17 against 37.47 dB on Rain100L), which is one of the things this playground lets you check.',
    "Design choices: the teacher's output is clipped to [0, 1] (the image it would show) and computed outside the gradient tape, since the teacher is frozen; both weights default to 1, as in the DCKD paper's L_rec + L_kd.",
  ].join('\n\n'),
  provenance: 'reference',
  data: 'paired',
  teachers: ['restorer'],
  losses: [
    studentLosses({
      total: 'The weighted sum the student minimises: w_kd kd + w_rec rec.',
      kd: "L1(S(x), T(x)): how far the student's restoration is from the teacher's.",
      rec: "L1(S(x), y): how far the student's restoration is from the clean image.",
    }),
  ],
  options: OPTIONS,
  create: (options, config): DistillMethod => new LogitsKD(options.kdWeight, options.recWeight, config),
});

class LogitsKD implements DistillMethod {
  readonly info = kdMethod;
  readonly phases: MethodPhase[];
  private adam: Adam | null = null;
  private preview: PreviewSlot;

  constructor(
    private readonly kdWeight: number,
    private readonly recWeight: number,
    config: RunConfig,
  ) {
    this.phases = [{ id: 'distill', label: 'Distillation on paired data', steps: config.steps, trainsStudent: true }];
    this.preview = new PreviewSlot(config.previewCount);
  }

  async init(ctx: MethodContext): Promise<void> {
    this.adam = studentAdam(ctx.student);
  }

  async step(ctx: MethodContext, info: StepInfo): Promise<StepResult> {
    const teacher = ctx.teachers.restorer!;
    const pairs = ctx.data.pairs('student', info.studentStep);
    const x = ctx.data.tensor(pairs.degraded);
    const y = ctx.data.tensor(pairs.clean);
    const t = teacherTarget(teacher, x);
    try {
      const { losses, stats } = await optimize(ctx.student.trainableWeights, this.adam!, ctx.studentLr(info.studentStep), () => {
        const s = ctx.student.predict(x);
        const kd = l1Loss(s, t);
        const rec = l1Loss(s, y);
        return {
          total: tf.add(tf.mul(kd, this.kdWeight), tf.mul(rec, this.recWeight)),
          terms: { kd, rec },
          stats: { relative: relativeError(s, x, t) },
        };
      });
      this.preview.set(x, [t, y], pairs.weather);
      return { losses, stats };
    } finally {
      tf.dispose([x, y, t]);
    }
  }

  async trainingPreview(): Promise<TrainingPreview | null> {
    const samples = await this.preview.read();
    return (
      samples && {
        caption: "Paired training data: the student is pulled towards the teacher's restoration T(x) and the clean image y",
        inputLabel: 'x (degraded)',
        targetLabels: ['T(x) (teacher)', 'y (clean)'],
        samples,
      }
    );
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
    this.preview.clear();
  }
}
