// SLKD, the dual-teacher student (Zhang and Yan, ICASSP 2025, and the longer Drones 2025 version;
// docs/methods.md#slkd). Reconstructed: the structure (two teachers, degradation removal learning
// on encoder features, image reconstruction learning on decoder features, BRISQUE- and PIQE-style
// statistics, scale conversion modules) follows the papers' text; the extractors' details, the
// levels used and which weight goes with which term are our choices, said in the description.

import { tf, type Tensor4D } from '../tf';
import { applyConv, ParamSet, type Conv } from '../models/param-set';
import type { RestorerFeatures } from '../models/restorer';
import type { RunConfig } from '../run/config';
import { stateField } from '../run/checkpoint';
import { Adam } from '../train/adam';
import { greyMapImages, l1Loss, loadAdam, optimize, PreviewSlot, relativeError, studentLosses } from './common';
import { brisqueFeatures, mscn, piqeFeatures } from './iqa-features';
import {
  defineMethod,
  type DistillMethod,
  type MethodContext,
  type MethodPhase,
  type MethodState,
  type StepInfo,
  type StepResult,
  type TrainingPreview,
  previewDue,
} from './method';

const OPTIONS = {
  recWeight: { type: 'number', min: 0, max: 100, default: 1, label: 'Reconstruction weight', help: 'Weight of L1(S(x), y), the pull towards the clean image.' },
  kdWeight: {
    type: 'number',
    min: 0,
    max: 100,
    default: 0.5,
    label: 'KD weight',
    help: "Weight of L1(S(x), T_A(x)), the pull towards the restoring teacher's output.",
  },
  drlWeight: {
    type: 'number',
    min: 0,
    max: 100,
    default: 0.1,
    label: 'Degradation-removal weight',
    help: "Weight of the BRISQUE-style match of the student's encoder features with the restoring teacher's.",
  },
  irlWeight: {
    type: 'number',
    min: 0,
    max: 100,
    default: 0.1,
    label: 'Reconstruction-learning weight',
    help: "Weight of the PIQE-style match of the student's decoder features with the autoencoder's on the clean image.",
  },
  block: {
    type: 'int',
    min: 2,
    max: 64,
    default: 16,
    label: 'PIQE block',
    help: 'Side in pixels of the blocks of the PIQE-style statistics at full resolution (halved at each coarser level).',
  },
} as const;

export const slkdMethod = defineMethod({
  id: 'slkd',
  label: 'SLKD (simultaneous learning, two teachers)',
  plain:
    "The student has two teachers. One removes weather; the student copies how its inner layers see the degraded photo. The other knows only clean images; the student's later layers learn to look like it does on the clean photo. Image-quality statistics decide what each comparison pays attention to.",
  summary: 'Paired data and two teachers: one that removes weather, one that knows clean images.',
  description: [
    "Simultaneous learning knowledge distillation: the student learns from two teachers at once (Zhang and Yan, ICASSP 2025). Teacher A, the restorer, shows how to remove the weather: the student's encoder features on the degraded image must carry the same degradation statistics as teacher A's. Teacher B, the clean-image autoencoder, shows what clean images look like inside a network: the student's decoder features on the degraded image must carry the same quality statistics as teacher B's decoder features on the clean image. Both comparisons go through hand-made quality statistics rather than raw features, so the student may keep its own, narrower features.",
    "L = w_rec L1(S(x), y) + w_kd L1(S(x), T_A(x)) + w_drl DRL + w_irl IRL. Degradation removal learning: DRL = the mean over the encoder levels of L1(B(M_l(e_l^S(x))), B(e_l^A(x))), with B the BRISQUE-style extractor: MSCN coefficients (f - mu) / (sigma + C) over a 7x7 Gaussian window (sigma 7/6), and the local mean and variance of the products of neighbouring coefficients in the four directions (0,1), (1,0), (1,1), (1,-1). Image reconstruction learning: IRL = the mean over the decoder levels of L1(P(N_l(d_l^S(x))), P(d_l^B(y))), with P the PIQE-style extractor: per block (16 px at full resolution, halved per level), the block's variance and the gradient energy on its border ring and inside it. M_l and N_l are the scale conversion modules, 1x1 convolutions to the teacher's channels, trained with the student.",
    'Reconstructed from the abstract and the journal version (Drones 2025, 9(3):209): the two teachers and their inputs, the two learning terms on encoder and decoder features, the BRISQUE and PIQE statistics, the scale conversion modules, and the output terms. The journal gives the trade-off weights 0.5, 0.1 and 0.1 without pairing them with terms: we give 0.5 to the output KD term and 0.1 to each feature term (the feature terms are auxiliary; the output term is what logits KD uses at full weight), and expose all four as options.',
    "Our choices: every encoder level for DRL and every decoder level for IRL; C = 0.01 (features have no fixed range); BRISQUE's fitted distribution parameters replaced by local means and variances, which stay differentiable; no resizing in the conversion modules, since the student and both teachers share the restorer family's levels (see its model card), so only the channels differ.",
    'The claims to test: a student with over 80% fewer FLOPs and parameters than the teacher at a small PSNR cost (ours have 90% and 95% fewer), and SLKD above logits KD at the same student and steps.',
  ].join('\n\n'),
  provenance: 'reconstructed',
  paper: {
    title:
      'Simultaneous Learning Knowledge Distillation for Image Restoration: Efficient Model Compression for Drones (journal version of the ICASSP 2025 paper)',
    authors: 'Zhang (and Yan, ICASSP)',
    venue: 'Drones 9(3):209',
    year: 2025,
    url: 'https://doi.org/10.3390/drones9030209',
  },
  data: 'paired',
  teachers: ['restorer', 'autoencoder'],
  losses: [
    studentLosses({
      total: 'The weighted sum the student minimises.',
      rec: "L1(S(x), y): how far the student's restoration is from the clean image.",
      kd: "L1(S(x), T_A(x)): how far the student's restoration is from the restoring teacher's.",
    }),
    {
      id: 'features',
      title: 'Feature statistics',
      terms: {
        drl: "Degradation removal: how far the BRISQUE-style statistics of the student's encoder features are from the restoring teacher's.",
        irl: "Image reconstruction: how far the PIQE-style statistics of the student's decoder features are from the autoencoder's on the clean image.",
      },
    },
  ],
  options: OPTIONS,
  create: (options, config): DistillMethod => new Slkd(options, config),
});

type SlkdOptions = { readonly [K in keyof typeof OPTIONS]: number };

/**
 * Block side of the PIQE-style statistics for a feature map of side `size` at level `level`:
 * halved per level (the same image area), at least 2, and halved again until it divides `size`.
 */
export function piqeBlock(block: number, level: number, size: number): number {
  let b = Math.max(2, block >> level);
  while (b > 1 && size % b !== 0) b = Math.floor(b / 2);
  return b;
}

class Slkd implements DistillMethod {
  readonly info = slkdMethod;
  readonly phases: MethodPhase[];
  private params: ParamSet | null = null;
  private encoderModules: Conv[] = [];
  private decoderModules: Conv[] = [];
  private adam: Adam | null = null;
  private preview: PreviewSlot;

  constructor(
    private readonly o: SlkdOptions,
    private readonly config: RunConfig,
  ) {
    this.phases = [{ id: 'distill', label: 'Distillation from two teachers', steps: config.steps, trainsStudent: true }];
    this.preview = new PreviewSlot(config.previewCount);
  }

  async init(ctx: MethodContext): Promise<void> {
    const s = ctx.student.config.widths;
    const a = ctx.teachers.restorer!.config.widths;
    const b = ctx.teachers.autoencoder!.config.widths;
    for (const [name, m] of [
      ['restorer', ctx.teachers.restorer!],
      ['autoencoder', ctx.teachers.autoencoder!],
    ] as const) {
      if (m.config.levels !== ctx.student.config.levels) {
        throw new Error(`SLKD pairs the student's levels with the ${name}'s: the student has ${ctx.student.config.levels}, the ${name} ${m.config.levels}`);
      }
    }
    this.params = new ParamSet(ctx.seed('slkd-modules'));
    this.encoderModules = s.map((w, l) => this.params!.conv(`enc${l}`, 1, w, a[l], { gain: 1 }));
    this.decoderModules = s.slice(0, -1).map((w, l) => this.params!.conv(`dec${l}`, 1, w, b[l], { gain: 1 }));
    this.adam = new Adam([...ctx.student.trainableWeights, ...this.params.variables], { beta1: 0.9, beta2: 0.999, epsilon: 1e-8 });
  }

  async step(ctx: MethodContext, info: StepInfo): Promise<StepResult> {
    const s = info.studentStep;
    const pairs = ctx.data.pairs('student', s);
    const x = ctx.data.tensor(pairs.degraded);
    const y = ctx.data.tensor(pairs.clean);
    // The teachers' features are constants: computed once, outside the tape.
    const a = ctx.teachers.restorer!.forwardWithFeatures(x);
    const b = ctx.teachers.autoencoder!.forwardWithFeatures(y);
    const t = tf.tidy(() => tf.clipByValue(a.output, 0, 1) as Tensor4D);
    const targetsA = a.encoder.map((f) => brisqueFeatures(f));
    const targetsB = b.decoder.map((f, l) => piqeFeatures(f, piqeBlock(this.o.block, l, f.shape[1])));
    const variables = [...ctx.student.trainableWeights, ...this.params!.variables];
    try {
      const { losses, stats } = await optimize(variables, this.adam!, ctx.studentLr(s), () => {
        const st = ctx.student.forwardWithFeatures(x);
        const rec = l1Loss(st.output, y);
        const kd = l1Loss(st.output, t);
        const drl = tf.mean(tf.stack(st.encoder.map((f, l) => l1Loss(brisqueFeatures(applyConv(this.encoderModules[l], f)), targetsA[l])))) as tf.Scalar;
        const irl = tf.mean(
          tf.stack(st.decoder.map((f, l) => l1Loss(piqeFeatures(applyConv(this.decoderModules[l], f), piqeBlock(this.o.block, l, f.shape[1])), targetsB[l]))),
        ) as tf.Scalar;
        const total = tf.addN([
          tf.mul(rec, this.o.recWeight),
          tf.mul(kd, this.o.kdWeight),
          tf.mul(drl, this.o.drlWeight),
          tf.mul(irl, this.o.irlWeight),
        ]) as tf.Scalar;
        return { total, terms: { rec, kd, drl, irl }, stats: { relative: relativeError(st.output, x, t) } };
      });
      // Its columns cost extra passes: built only for the steps the loop shows.
      if (previewDue(this.config.previewEvery, info.totalStep + 1)) this.setPreview(ctx, x, y, t, a, b);
      return { losses, stats };
    } finally {
      tf.dispose([x, y, t, ...targetsA, ...targetsB, ...features(a), ...features(b)]);
    }
  }

  /** Columns: S(x), T_A(x), y, then the extractor maps at full resolution, as grey images. */
  private setPreview(ctx: MethodContext, x: Tensor4D, y: Tensor4D, t: Tensor4D, a: RestorerFeatures, b: RestorerFeatures): void {
    const size = x.shape[1];
    const columns = tf.tidy(() => {
      const st = ctx.student.forwardWithFeatures(x);
      const mscnMap = (f: Tensor4D) => greyMapImages(tf.mean(tf.abs(mscn(f)), 3, true) as Tensor4D, size);
      const piqeMap = (f: Tensor4D) => {
        const c = f.shape[3];
        // The first c channels of the PIQE statistics are the block variances.
        return greyMapImages(tf.mean(tf.slice(piqeFeatures(f, piqeBlock(this.o.block, 0, size)), [0, 0, 0, 0], [-1, -1, -1, c]), 3, true) as Tensor4D, size);
      };
      return [
        tf.clipByValue(st.output, 0, 1) as Tensor4D,
        mscnMap(applyConv(this.encoderModules[0], st.encoder[0])),
        mscnMap(a.encoder[0]),
        piqeMap(applyConv(this.decoderModules[0], st.decoder[0])),
        piqeMap(b.decoder[0]),
      ];
    });
    const [out, ...maps] = columns;
    this.preview.set(x, [out, t, y, ...maps], null);
    tf.dispose(columns);
  }

  async trainingPreview(): Promise<TrainingPreview | null> {
    const samples = await this.preview.read();
    return (
      samples && {
        caption:
          "Paired data and two teachers: the student's restoration, teacher A's and the clean image; then the extractor maps at full resolution: the MSCN magnitude of the student's (converted) and teacher A's encoder features, and the block variance of the student's (converted) and teacher B's decoder features.",
        inputLabel: 'x (degraded)',
        targetLabels: ['S(x)', 'T_A(x)', 'y (clean)', 'MSCN student', 'MSCN teacher A', 'PIQE student', 'PIQE teacher B'],
        samples,
      }
    );
  }

  async saveState(): Promise<MethodState> {
    return {
      adam: await this.adam!.getState(),
      modules: await Promise.all(this.params!.variables.map(async (v) => (await v.data()) as Float32Array)),
    };
  }

  async loadState(_ctx: MethodContext, state: MethodState): Promise<void> {
    const values = stateField<Float32Array[]>(state, 'modules');
    const vars = this.params!.variables;
    if (values.length !== vars.length || values.some((v, i) => v.length !== vars[i].size))
      throw new Error("the SLKD state's modules do not fit this student and teachers");
    tf.tidy(() => vars.forEach((v, i) => v.assign(tf.tensor(values[i], v.shape))));
    loadAdam(this.adam!, state, 'adam');
  }

  dispose(): void {
    this.adam?.dispose();
    this.adam = null;
    this.params?.dispose();
    this.params = null;
    this.preview.clear();
  }
}

function features(f: RestorerFeatures): Tensor4D[] {
  return [f.output, ...f.encoder, ...f.decoder];
}
