// DCKD, dynamic contrastive knowledge distillation (Zhou et al., AAAI 2025; docs/methods.md#dckd).
// Read in the paper and its official code: the loss, the EMA and history students, the noisy
// negatives, the per-level contrastive ratio and the codebook distribution mapping. Ours: the
// frozen encoder is the project's clean autoencoder (docs/autoencoder.md) instead of a VQGAN, its
// codebook is fitted by k-means at the start of the run, and the history interval scales with the
// run's length.

import { tf, type Tensor4D } from '../tf';
import { Rng } from '../data/rng';
import { createRestorer, type Restorer } from '../models/restorer';
import type { RunConfig } from '../run/config';
import { stateField } from '../run/checkpoint';
import { Adam } from '../train/adam';
import { codeMapImages, contrastiveWeights, l1Loss, loadAdam, optimize, PreviewSlot, relativeError, studentAdam, studentLosses, teacherTarget } from './common';
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
  kdWeight: { type: 'number', min: 0, max: 100, default: 1, label: 'KD weight', help: "Weight of L1(S(x), T(x)), the pull towards the teacher's output." },
  dclWeight: {
    type: 'number',
    min: 0,
    max: 100,
    default: 0.1,
    label: 'Contrastive weight',
    help: "Weight of the dynamic contrastive loss: closer to the teacher's output than to the history student's, in the autoencoder's features.",
  },
  ceWeight: {
    type: 'number',
    min: 0,
    max: 100,
    default: 0.001,
    label: 'Distribution weight',
    help: "Weight of the cross-entropy between the student's and the teacher's codebook distributions.",
  },
  lcWeight: {
    type: 'number',
    min: 0,
    max: 100,
    default: 0,
    label: 'Label-consistency weight',
    help: "Weight of L1(S(x), T'(x)), the teacher's output on a flipped or transposed input, turned back. 0 is DCKD; 1 gives the paper's DCKD*.",
  },
  emaDecay: { type: 'number', min: 0, max: 0.99999, default: 0.999, label: 'EMA decay', help: 'Per-step decay of the EMA copy of the student.' },
  historyEvery: {
    type: 'int',
    min: 0,
    max: 100_000,
    default: 0,
    label: 'History interval',
    help: "Steps between history updates. 0 scales the paper's stages to the run: the interval grows in three stages, 1, 2 and 3 times steps/250.",
  },
  codes: {
    type: 'int',
    min: 2,
    max: 1024,
    default: 64,
    label: 'Codebook size',
    help: "Codes fitted by k-means to the autoencoder's bottleneck features of clean images.",
  },
} as const;

/** Noisy copies of the input per sample, and with the history's output on the input itself: 5 negatives. */
export const NOISY_COPIES = 4;
const NOISE_SIGMA = [1 / 255, 30 / 255] as const;
const CODEBOOK_BATCHES = 4;
const KMEANS_ITERATIONS = 12;

export const dckdMethod = defineMethod({
  id: 'dckd',
  label: 'DCKD (dynamic contrastive KD)',
  plain:
    'The student learns from real pairs and from the teacher, like KD, and one more thing: it is pushed away from its own earlier, worse answers. A frozen network that knows clean images measures how close the student is to the teacher and how far from its past self. As training goes on, its past self gets better, so the push keeps asking for more.',
  summary: "Paired data: pulled to the teacher, pushed away from its own past self's outputs, in a frozen encoder's features.",
  description: [
    "Dynamic contrastive knowledge distillation (Zhou et al., AAAI 2025). On paired data, the student is pulled towards the clean image and the teacher's output, as in logits KD, and two terms are added. The dynamic contrastive loss compares images in the feature space of a frozen encoder: the student's output S(x) (the anchor) must be closer to the teacher's output T(x) (the positive) than to five negatives, the outputs of a slowly updated history student on x and on four noisy copies of x. As the student improves its history improves too, so the negatives stay hard: that is what makes the contrast dynamic. The distribution mapping term matches, at every position of the encoder's bottleneck, the student's soft assignment to a codebook with the teacher's.",
    'L = w_rec L1(S(x), y) + w_kd L1(S(x), T(x)) + w_dcl sum_l w_l d_ap,l / (d_an,l + 1e-7) + w_ce CE(p_T, p_S), with w_l = 1/16, 1/8, 1/4, 1 over our four encoder levels (the paper: 1/32 ... 1 over five), d_ap,l = mean |f_l(S(x)) - f_l(T(x))| and d_an,l = the sum over the negatives of mean |f_l(S(x)) - f_l(n_k)|. An EMA copy of the student (decay 0.999 per step) feeds the history copy, which every s steps becomes 0.1 history + 0.9 EMA. The noisy copies add Gaussian noise with sigma drawn per sample from U[1, 30]/255, the same on every channel (grey) with probability 0.5, clipped to [0, 1].',
    'Verified against the paper and its official code (super-SSS/DCKD): the loss and its default weights 1, 1, 0.1 and 0.001, the EMA decay, the history update, the negatives and the noise, the per-level ratio and its weights, and the logits max(d) - d over squared distances to the codes. The optional label-consistency term (w_lc, off by default) gives the paper\'s "DCKD*": the teacher\'s output on a randomly flipped (horizontally, vertically) or transposed input, each with probability 0.5, turned back; we read the code\'s "inversion" as the vertical flip, since a restorer cannot be asked to restore a colour-inverted image.',
    "Our choices: the frozen encoder is the project's clean-image autoencoder (see its model card), not a 1,024-code VQGAN, which would not fit in a page; its codebook (64 codes by default) is fitted by k-means to its bottleneck features of clean training images at the start of each run, so the 1x1 projection into the codebook's space is the identity. The paper's history interval grows in three stages (1,000, 2,000 and 3,000 steps over 250,000): we keep three stages, each a third of the run, with intervals of 1, 2 and 3 times steps/250 (at least 1). The official code applies a softmax and then a cross-entropy that applies log-softmax again; we apply it once (CE of the teacher's soft assignment against the student's log-softmax), which keeps the term's gradient as the paper writes it.",
    'The claim to test: DCKD above logits KD and scratch at the same student and steps (the paper, Rain100L: teacher 39.08 dB, scratch 37.47, logits KD 37.17, DCKD 38.02).',
  ].join('\n\n'),
  provenance: 'verified',
  paper: {
    title: 'Dynamic Contrastive Knowledge Distillation for Efficient Image Restoration',
    authors: 'Zhou et al.',
    venue: 'AAAI',
    year: 2025,
    url: 'https://github.com/super-SSS/DCKD',
  },
  data: 'paired',
  teachers: ['restorer', 'autoencoder'],
  losses: [
    studentLosses({
      total: 'The weighted sum the student minimises.',
      rec: "L1(S(x), y): how far the student's restoration is from the clean image.",
      kd: "L1(S(x), T(x)): how far the student's restoration is from the teacher's.",
      lc: "L1(S(x), T'(x)): the distance to the teacher's output on a flipped or transposed input (DCKD* only).",
    }),
    {
      id: 'contrast',
      title: 'Contrastive and distribution terms',
      terms: {
        dcl: "The contrastive ratio: distance to the teacher's output over the summed distances to the five negatives, in the encoder's features. Falls as the student moves away from its own past.",
        ce: "Cross-entropy between the teacher's and the student's soft assignments to the codebook, per bottleneck position.",
      },
    },
  ],
  options: OPTIONS,
  create: (options, config): DistillMethod => new Dckd(options, config),
});

type DckdOptions = { readonly [K in keyof typeof OPTIONS]: number };

/**
 * Steps between history updates at student step `step` of a `total`-step run: `every` when set,
 * else three stages of a third of the run each, with intervals 1, 2 and 3 times total/250 (the
 * paper's 1,000, 2,000 and 3,000 over 250,000 steps), at least 1.
 */
export function historyInterval(step: number, total: number, every = 0): number {
  if (every > 0) return every;
  const stage = Math.min(2, Math.floor((3 * step) / total));
  return Math.max(1, Math.round(((stage + 1) * total) / 250));
}

/** ema <- decay ema + (1 - decay) w, in place. */
export function emaUpdate(ema: readonly tf.Variable[], weights: readonly tf.Tensor[], decay: number): void {
  tf.tidy(() => ema.forEach((e, i) => e.assign(tf.add(tf.mul(e, decay), tf.mul(weights[i], 1 - decay)))));
}

/** history <- 0.1 history + 0.9 ema, in place (the official code's update). */
export function historyUpdate(history: readonly tf.Variable[], ema: readonly tf.Tensor[]): void {
  tf.tidy(() => history.forEach((h, i) => h.assign(tf.add(tf.mul(h, 0.1), tf.mul(ema[i], 0.9)))));
}

/**
 * `copies` noisy versions of each image of x ([n, h, w, 3]), copy-major ([copies * n, h, w, 3]):
 * Gaussian noise with sigma drawn per sample from U[1, 30]/255, grey (one value for the three
 * channels) with probability 0.5, clipped to [0, 1]. Returns the draws too, for the tests.
 */
export function noisyCopies(x: Tensor4D, copies: number, seed: number): { noisy: Tensor4D; sigma: number[]; grey: boolean[] } {
  const [n, h, w] = x.shape;
  const rng = new Rng(seed);
  const sigma: number[] = [];
  const grey: boolean[] = [];
  for (let i = 0; i < copies * n; i++) {
    sigma.push(rng.uniform(NOISE_SIGMA[0], NOISE_SIGMA[1]));
    grey.push(rng.bool(0.5));
  }
  const noisy = tf.tidy(() => {
    const colour = tf.randomNormal([copies * n, h, w, 3], 0, 1, 'float32', rng.int(0, 2 ** 31 - 1));
    const mono = tf.tile(tf.randomNormal([copies * n, h, w, 1], 0, 1, 'float32', rng.int(0, 2 ** 31 - 1)), [1, 1, 1, 3]);
    const isGrey = tf.tensor4d(
      grey.map((g) => (g ? 1 : 0)),
      [copies * n, 1, 1, 1],
    );
    const noise = tf.mul(tf.add(tf.mul(mono, isGrey), tf.mul(colour, tf.sub(1, isGrey))), tf.tensor4d(sigma, [copies * n, 1, 1, 1]));
    const base = tf.concat(Array.from({ length: copies }, () => x));
    return tf.clipByValue(tf.add(base, noise), 0, 1) as Tensor4D;
  });
  return { noisy, sigma, grey };
}

/**
 * The dynamic contrastive loss: sum_l w_l d_ap / (d_an + 1e-7), d_ap = mean |f_l(a) - f_l(p)|,
 * d_an = sum over the k negatives of mean |f_l(a) - f_l(n_k)|. `fAnchor[l]` is [n, ...];
 * `fConst[l]` holds the positives then the negatives, copy-major: [(1 + k) n, ...].
 */
export function dynamicContrastiveLoss(
  fAnchor: readonly tf.Tensor[],
  fConst: readonly tf.Tensor[],
  k: number,
  weights = contrastiveWeights(fAnchor.length),
): tf.Scalar {
  return tf.tidy(() => {
    let sum: tf.Scalar = tf.scalar(0);
    fAnchor.forEach((a, l) => {
      const parts = tf.split(fConst[l], 1 + k, 0);
      const dAp = tf.mean(tf.abs(tf.sub(a, parts[0])));
      const dAn = tf.addN(parts.slice(1).map((q) => tf.mean(tf.abs(tf.sub(a, q)))));
      sum = tf.add(sum, tf.mul(tf.div(dAp, tf.add(dAn, 1e-7)), weights[l]));
    });
    return sum;
  });
}

/** Squared distances [positions, K] of features [n, h, w, c] to a codebook [K, c]. */
export function codeDistances(features: tf.Tensor, codebook: tf.Tensor2D): tf.Tensor2D {
  return tf.tidy(() => {
    const c = codebook.shape[1];
    const f = tf.reshape(features, [-1, c]) as tf.Tensor2D;
    const ff = tf.sum(tf.square(f), 1, true);
    const cc = tf.reshape(tf.sum(tf.square(codebook), 1), [1, -1]);
    return tf.relu(tf.add(tf.sub(ff, tf.mul(tf.matMul(f, codebook, false, true), 2)), cc)) as tf.Tensor2D;
  });
}

/** Logits max(d) - d per position (DCKD's distribution mapping). */
function codeLogits(features: tf.Tensor, codebook: tf.Tensor2D): tf.Tensor2D {
  return tf.tidy(() => {
    const d = codeDistances(features, codebook);
    return tf.sub(tf.max(d, 1, true), d) as tf.Tensor2D;
  });
}

/** CE(p_teacher, p_student) averaged over positions; softmax once (see the description). */
export function distributionLoss(fStudent: tf.Tensor, fTeacher: tf.Tensor, codebook: tf.Tensor2D): tf.Scalar {
  return tf.tidy(() => {
    const pt = tf.softmax(codeLogits(fTeacher, codebook));
    const logPs = tf.logSoftmax(codeLogits(fStudent, codebook));
    return tf.neg(tf.mean(tf.sum(tf.mul(pt, logPs), 1))) as tf.Scalar;
  });
}

/** k-means (Lloyd, seeded initial picks) on rows of `points` [N, c]; an empty cluster keeps its code. */
export function fitCodebook(points: tf.Tensor2D, k: number, iterations: number, seed: number): tf.Tensor2D {
  const count = points.shape[0];
  if (count < k) throw new RangeError(`a codebook of ${k} codes needs at least ${k} feature vectors, got ${count}`);
  const rng = new Rng(seed);
  const order = Array.from({ length: count }, (_, i) => i);
  for (let i = count - 1; i > 0; i--) {
    const j = rng.int(0, i);
    [order[i], order[j]] = [order[j], order[i]];
  }
  let codes = tf.gather(points, order.slice(0, k)) as tf.Tensor2D;
  for (let it = 0; it < iterations; it++) {
    const next = tf.tidy(() => {
      const assign = tf.oneHot(tf.argMin(codeDistances(points, codes), 1), k).toFloat();
      const sums = tf.matMul(assign, points, true, false);
      const counts = tf.reshape(tf.sum(assign, 0), [k, 1]);
      const empty = tf.equal(counts, 0);
      return tf.where(tf.broadcastTo(empty, sums.shape), codes, tf.div(sums, tf.maximum(counts, 1))) as tf.Tensor2D;
    });
    codes.dispose();
    codes = next;
  }
  return codes;
}

const flipOps = ['h', 'v', 't'] as const;
type FlipOp = (typeof flipOps)[number];

function applyFlips(x: Tensor4D, ops: readonly FlipOp[]): Tensor4D {
  return tf.tidy(() => ops.reduce<Tensor4D>((t, op) => (op === 'h' ? tf.reverse(t, 2) : op === 'v' ? tf.reverse(t, 1) : tf.transpose(t, [0, 2, 1, 3])), x));
}

class Dckd implements DistillMethod {
  readonly info = dckdMethod;
  readonly phases: MethodPhase[];
  private adam: Adam | null = null;
  private ema: tf.Variable[] = [];
  private history: Restorer | null = null;
  private codebook: tf.Tensor2D | null = null;
  private lastHistoryUpdate = 0;
  private preview: PreviewSlot;

  constructor(
    private readonly o: DckdOptions,
    private readonly config: RunConfig,
  ) {
    this.phases = [{ id: 'distill', label: 'Distillation on paired data', steps: config.steps, trainsStudent: true }];
    this.preview = new PreviewSlot(config.previewCount);
  }

  async init(ctx: MethodContext): Promise<void> {
    this.adam = studentAdam(ctx.student);
    const weights = ctx.student.trainableWeights;
    // tidy frees the clones; the variables survive it.
    this.ema = weights.map((w) => tf.tidy(() => tf.variable(w.clone(), false)));
    this.history = createRestorer(ctx.student.config, { name: 'dckd_history' });
    this.history.trainableWeights.forEach((h, i) => h.assign(weights[i]));
    this.codebook = this.fitCodebook(ctx);
  }

  /** k-means on the autoencoder's bottleneck features of a few batches of clean training images (well under a second). */
  private fitCodebook(ctx: MethodContext): tf.Tensor2D {
    const encoder = ctx.teachers.autoencoder!;
    const parts: tf.Tensor2D[] = [];
    for (let i = 0; i < CODEBOOK_BATCHES; i++) {
      const y = ctx.data.tensor(ctx.data.pairs('dckd-codebook', i).clean);
      parts.push(
        tf.tidy(() => {
          const f = encoder.encode(y).at(-1)!;
          return tf.reshape(f, [-1, f.shape[3]]) as tf.Tensor2D;
        }),
      );
      y.dispose();
    }
    const points = tf.concat(parts) as tf.Tensor2D;
    tf.dispose(parts);
    try {
      return fitCodebook(points, Math.min(this.o.codes, points.shape[0]), KMEANS_ITERATIONS, ctx.seed('dckd-codebook'));
    } finally {
      points.dispose();
    }
  }

  async step(ctx: MethodContext, info: StepInfo): Promise<StepResult> {
    const teacher = ctx.teachers.restorer!;
    const encoder = ctx.teachers.autoencoder!;
    const s = info.studentStep;
    const pairs = ctx.data.pairs('student', s);
    const x = ctx.data.tensor(pairs.degraded);
    const y = ctx.data.tensor(pairs.clean);
    const t = teacherTarget(teacher, x);
    const { noisy } = noisyCopies(x, NOISY_COPIES, ctx.seed('dckd-noise', s));
    const negatives = tf.tidy(() => tf.clipByValue(this.history!.predict(tf.concat([x, noisy])), 0, 1) as Tensor4D);
    // The positive's and the negatives' features are constants: one pass, outside the tape.
    const fConst = tf.tidy(() => encoder.encode(tf.concat([t, negatives]) as Tensor4D));
    const lcTarget = this.o.lcWeight > 0 ? this.flippedTeacher(teacher, x, ctx.seed('dckd-flips', s)) : null;
    const codebook = this.codebook!;
    try {
      const { losses, stats } = await optimize(ctx.student.trainableWeights, this.adam!, ctx.studentLr(s), () => {
        const out = ctx.student.predict(x);
        const fAnchor = encoder.encode(out);
        const rec = l1Loss(out, y);
        const kd = l1Loss(out, t);
        const dcl = dynamicContrastiveLoss(fAnchor, fConst, 1 + NOISY_COPIES);
        const deepest = fAnchor.length - 1;
        const [fTeacher] = tf.split(fConst[deepest], 2 + NOISY_COPIES, 0);
        const ce = distributionLoss(fAnchor[deepest], fTeacher, codebook);
        const terms: Record<string, tf.Scalar> = { rec, kd, dcl, ce };
        let total = tf.addN([tf.mul(rec, this.o.recWeight), tf.mul(kd, this.o.kdWeight), tf.mul(dcl, this.o.dclWeight), tf.mul(ce, this.o.ceWeight)]);
        if (lcTarget) {
          terms.lc = l1Loss(out, lcTarget);
          total = tf.add(total, tf.mul(terms.lc, this.o.lcWeight));
        }
        return { total: total as tf.Scalar, terms, stats: { relative: relativeError(out, x, t) } };
      });
      emaUpdate(this.ema, ctx.student.trainableWeights, this.o.emaDecay);
      if (s + 1 - this.lastHistoryUpdate >= historyInterval(s, this.config.steps, this.o.historyEvery)) {
        historyUpdate(this.history!.trainableWeights, this.ema);
        this.lastHistoryUpdate = s + 1;
      }
      // Its columns cost extra passes: built only for the steps the loop shows.
      if (previewDue(this.config.previewEvery, info.totalStep + 1)) this.setPreview(ctx, x, t, negatives, fConst);
      return { losses, stats: { ...stats, historyAge: s + 1 - this.lastHistoryUpdate } };
    } finally {
      tf.dispose([x, y, t, noisy, negatives, ...fConst, ...(lcTarget ? [lcTarget] : [])]);
    }
  }

  /** The teacher's output on x flipped or transposed (each with probability 0.5), turned back. */
  private flippedTeacher(teacher: Restorer, x: Tensor4D, seed: number): Tensor4D {
    const rng = new Rng(seed);
    const ops = flipOps.filter(() => rng.bool(0.5));
    return tf.tidy(() => applyFlips(teacherTarget(teacher, applyFlips(x, ops)), [...ops].reverse()));
  }

  private setPreview(ctx: MethodContext, x: Tensor4D, t: Tensor4D, negatives: Tensor4D, fConst: tf.Tensor[]): void {
    const n = x.shape[0];
    const columns = tf.tidy(() => {
      const out = tf.clipByValue(ctx.student.predict(x), 0, 1) as Tensor4D;
      const negs = tf.split(negatives, 1 + NOISY_COPIES, 0) as Tensor4D[];
      const fTeacher = tf.slice(fConst.at(-1)!, 0, n);
      const fStudent = ctx.teachers.autoencoder!.encode(out).at(-1)!;
      return [out, t, ...negs, ...codeMapImages([fTeacher, fStudent], this.codebook!, x.shape[1])];
    });
    // PreviewSlot keeps copies: set it outside the tidy, which would free them.
    this.preview.set(x, columns, null);
    tf.dispose(columns.filter((c) => c !== t));
  }

  async trainingPreview(): Promise<TrainingPreview | null> {
    const samples = await this.preview.read();
    return (
      samples && {
        caption:
          "The anchor S(x), the positive T(x), and the five negatives: the history student's outputs on x and on four noisy copies of x. Last, the codebook assignment maps of the teacher's and the student's outputs (one colour per code).",
        inputLabel: 'x (degraded)',
        targetLabels: [
          'S(x) anchor',
          'T(x) positive',
          'H(x)',
          ...Array.from({ length: NOISY_COPIES }, (_, i) => `H(x + n${i + 1})`),
          'codes of T(x)',
          'codes of S(x)',
        ],
        samples,
      }
    );
  }

  async saveState(): Promise<MethodState> {
    const read = async (ts: readonly tf.Tensor[]) => Promise.all(ts.map(async (v) => (await v.data()) as Float32Array));
    return {
      adam: await this.adam!.getState(),
      ema: await read(this.ema),
      history: await read(this.history!.trainableWeights),
      lastHistoryUpdate: this.lastHistoryUpdate,
    };
  }

  async loadState(_ctx: MethodContext, state: MethodState): Promise<void> {
    loadAdam(this.adam!, state, 'adam');
    const assign = (vars: readonly tf.Variable[], key: string) => {
      const values = stateField<Float32Array[]>(state, key);
      if (values.length !== vars.length || values.some((v, i) => v.length !== vars[i].size))
        throw new Error(`the DCKD state's ${key} does not fit this student`);
      tf.tidy(() => vars.forEach((v, i) => v.assign(tf.tensor(values[i], v.shape))));
    };
    assign(this.ema, 'ema');
    assign(this.history!.trainableWeights, 'history');
    this.lastHistoryUpdate = stateField<number>(state, 'lastHistoryUpdate');
  }

  dispose(): void {
    this.adam?.dispose();
    this.adam = null;
    tf.dispose(this.ema);
    this.ema = [];
    this.history?.dispose();
    this.history = null;
    this.codebook?.dispose();
    this.codebook = null;
    this.preview.clear();
  }
}
