// TripleD, distribution-aware dataset distillation (Su, Wu, Zheng, Jia, 2025; docs/methods.md#tripled;
// reconstructed from the abstract). It does not distil a teacher: it shrinks the training set.
//   scorer   a small CNN learns to estimate each pair's complexity (models/complexity-scorer.ts)
//            on the full finite training set; cached like D4IR's models;
//   adjust   the whole set is scored and a fraction kept by complexity; a small CNN then adjusts
//            the kept inputs so that their features match the full set's (MMD), while an L1 term
//            keeps them close to the originals. Targets stay the real clean images;
//   easy     the student trains on the low-complexity half of the condensed set;
//   full     then on all of it, each pair drawn more often the worse the student does on it.

import { tf, type Tensor4D } from '../tf';
import type { RGBBatch, RGBImage } from '../data/image';
import { deriveSeed, Rng } from '../data/rng';
import type { TrainSet } from '../data/train-set';
import { ComplexityScorer, complexityTargets, DEFAULT_COMPLEXITY_SCORER } from '../models/complexity-scorer';
import { applyConv, ParamSet, type Conv } from '../models/param-set';
import { readVariables, stateField, writeVariables } from '../run/checkpoint';
import type { RunConfig } from '../run/config';
import type { ParamValues } from '../run/params';
import { Adam, type AdamState } from '../train/adam';
import {
  cachedModelOptions,
  describeStored,
  l1Loss,
  loadAdam,
  loadCached,
  optimize,
  readImages,
  relativeError,
  restoreOrNull,
  storeCached,
  studentAdam,
  studentLosses,
} from './common';
import {
  defineMethod,
  type Artifact,
  type DistillMethod,
  type MethodContext,
  type MethodPhase,
  type MethodState,
  type ScoreHistogram,
  type StepInfo,
  type StepResult,
  type TrainingPreview,
} from './method';

const OPTIONS = {
  keep: {
    type: 'number',
    min: 0.001,
    max: 1,
    default: 0.02,
    label: 'Kept fraction',
    help: 'Share of the full training set kept in the condensed set (the paper reports about 90% of full-data performance from a few percent).',
  },
  selection: {
    type: 'enum',
    values: ['spread', 'top', 'random'] as const,
    default: 'spread' as 'spread' | 'top' | 'random',
    label: 'Selection',
    help: 'spread keeps pairs at evenly spaced levels of complexity, simple to complex (TripleD as we read it); top keeps the most complex ones; random a random subset of the same size (the baseline).',
  },
  adjustSteps: {
    type: 'int',
    min: 0,
    max: 100_000,
    default: 100,
    label: 'Adjustment steps',
    help: 'Steps of distribution adjustment of the kept inputs; 0 keeps them as they are (the ablation).',
  },
  fidelity: {
    type: 'number',
    min: 0,
    max: 1000,
    default: 5,
    label: 'Fidelity weight',
    help: 'Weight of L1(adjusted, original), which keeps the adjusted inputs close to the real ones (and so consistent with their clean targets).',
  },
  easyShare: {
    type: 'number',
    min: 0,
    max: 1,
    default: 0.5,
    label: 'Easy stage share',
    help: "Share of the student's steps in stage 1, on the low-complexity half of the condensed set; stage 2 trains on all of it (see the uncertainty share).",
  },
  uncertainty: {
    type: 'number',
    min: 0,
    max: 1,
    default: 0.5,
    label: 'Uncertainty share',
    help: "Share of stage 2's draws weighted by the student's current loss on each pair (the rest uniform over the condensed set).",
  },
  scorerSteps: {
    type: 'int',
    min: 1,
    max: 100_000,
    default: 300,
    label: 'Scorer steps',
    help: 'Training steps of the complexity scorer (skipped when an identical one is cached).',
  },
  ...cachedModelOptions(
    'scorer',
    'Load the complexity scorer from an earlier run on the same training set instead of training it again.',
    'Seed of the scorer, the selection and the adjustment network (not the run seed, so runs differing only in their student condense the same set).',
  ),
} as const;

type TripleDOptions = ParamValues<typeof OPTIONS>;

const SCORER_BATCH = 32;
const SCORER_LR = 1e-3;
const ADJUST_LR = 1e-3;
const ADJUST_WIDTH = 16;
const CHUNK = 64;
/** Steps between refreshes of the student's per-pair losses in stage 2. */
const UNCERTAINTY_EVERY = 25;
/** Bandwidths of the MMD's Gaussian kernels, as multiples of the full set's median squared feature distance. */
const KERNEL_SCALES = [0.25, 1, 4];
const HISTOGRAM_BINS = 24;
const CACHE_VERSION = 1;
const SELECTION_NOTE = { spread: 'spread over the levels of complexity', top: 'the most complex', random: 'at random' } as const;

export const tripledMethod = defineMethod({
  id: 'tripled',
  label: 'TripleD (distribution-aware dataset distillation)',
  plain:
    'Instead of a teacher, this method shrinks the training data. It scores every training pair by how complex it is, keeps a small fraction (2%), and gently adjusts the kept photos so that, together, they look like the whole set. The student then learns from the easier half first, and from the harder photos after.',
  summary: 'Condenses the training set: keeps 2% chosen by complexity, adjusts them to match the full set, then trains easy-to-hard.',
  description: [
    'TripleD does not distil a teacher: it distils the data. From a finite paired training set (the "full" set: 2000 fixed synthetic pairs unless you set "Training set" or give your own pairs) it keeps a small fraction, 2% by default, and trains the student on that alone. Scratch with the same training set is the full-data reference.',
    "1. Complexity scoring. A small CNN learns, from each degraded input, three facts of its pair: the entropy of the clean image's luminance histogram, the energy of its gradients, and how far the weather moved the input from the clean image. Each is standardised over the set; an image's complexity is their mean. The scorer is then frozen, and its pooled features are the space in which sets are compared.",
    '2. Selection. By default the kept pairs are spread evenly over the levels of complexity, from simple to complex (the middle pair of each of k equal strata of the ranking), so that both training stages have pairs to learn from; "top" keeps the most complex pairs instead, "random" a random subset of the same size (the baseline). The histogram shows the whole set\'s scores and the kept part.',
    "3. Distribution adjustment. A three-layer CNN adds a small correction to each kept input, trained so that the kept set's features match the full set's (maximum mean discrepancy, Gaussian kernels) while an L1 term keeps each input close to its original. The clean targets are never changed: the pair stays consistent because the inputs move only a little. The run reports the distance of the kept set to the full set before and after, and that of a random subset of the same size.",
    "4. Two-stage training. The student first learns from the low-complexity half of the condensed set, then from all of it, drawing each pair more often the higher the student's current loss on it (our measure of uncertainty, refreshed every 25 steps).",
    "Reconstructed from the abstract; our choices: the scorer (the paper uses a pretrained ViT whose features estimate entropy), the three complexity measures, the spread selection, MMD as the distribution distance, adjusting inputs only, and the loss-weighted second stage. The condensed set is a run artifact: shown below the run, downloadable, and written by `weatherkd distill --out DIR` to DIR/subset/, which `--train-pairs DIR/subset` trains on again. The paper's claim to check: about 90% of the full-data gain from a small fraction of the data.",
  ].join('\n\n'),
  provenance: 'reconstructed',
  paper: {
    title: 'TripleD: Distribution-aware Dataset Distillation for Efficient Image Restoration',
    authors: 'Su, Wu, Zheng, Jia',
    venue: 'arXiv 2504.14826',
    year: 2025,
    url: 'https://arxiv.org/abs/2504.14826',
  },
  data: 'subset',
  teachers: [],
  losses: [
    studentLosses({ total: "L1(S(x~), y): how far the student's restoration of a condensed input is from its clean image." }),
    {
      id: 'scorer',
      title: 'Complexity scorer',
      terms: { 'C.mse': "Mean squared error of the scorer's three standardised complexity estimates (entropy, gradients, degradation)." },
    },
    {
      id: 'adjust',
      title: 'Distribution adjustment',
      terms: {
        'A.mmd': "Maximum mean discrepancy between the kept inputs' features and the full set's: 0 when the two sets look alike to the scorer.",
        'A.fidelity': 'Mean absolute change of the kept inputs from their originals (L1).',
      },
    },
  ],
  options: OPTIONS,
  create: (options, config): DistillMethod => new TripleD(options, config),
});

/** The full set on the CPU, 8 bits per value (2000 pairs at 64 px take 49 MB). */
export interface SetStore {
  n: number;
  side: number;
  degraded: Uint8Array;
  clean: Uint8Array;
  weather: string[];
  /** Standardised complexity measures, [n, 3]. */
  targets: Float32Array;
}

interface Scored {
  complexity: Float32Array;
  /** [n, d], standardised. */
  features: Float32Array;
  mean: Float32Array;
  std: Float32Array;
}

interface Distances {
  before: number;
  after: number | null;
  random: number;
}

/** The condensed set: positions into the full set, sorted by complexity (highest first). */
interface Subset {
  indices: number[];
  complexity: number[];
}

class TripleD implements DistillMethod {
  readonly info = tripledMethod;
  readonly phases: MethodPhase[];
  private set: TrainSet | null = null;
  private store: SetStore | null = null;
  private scorer: ComplexityScorer | null = null;
  private scorerAdam: Adam | null = null;
  private scorerKey = '';
  /** Complexity of every pair of the full set and their features, standardised with the set's mean and spread, once scored. */
  private scored: Scored | null = null;
  /** The full set's features on the backend, their standardisation, and the MMD's kernel widths and full-set term. */
  private reference: { features: tf.Tensor2D; mean: tf.Tensor2D; std: tf.Tensor2D; selfTerm: number; widths: number[] } | null = null;
  private subset: Subset | null = null;
  private randomIndices: number[] = [];
  private adjuster: { params: ParamSet; convs: Conv[]; adam: Adam } | null = null;
  /** The kept inputs, adjusted (fixed once the student trains). */
  private inputs: Float32Array | null = null;
  private distances: Distances | null = null;
  private uncertainty: Float32Array | null = null;
  private studentAdam: Adam | null = null;
  private last: { x: RGBBatch; y: RGBBatch; positions: number[] } | null = null;

  constructor(
    private readonly o: TripleDOptions,
    private readonly config: RunConfig,
  ) {
    const easy = Math.round(config.steps * o.easyShare);
    this.phases = [
      { id: 'scorer', label: 'Complexity scorer (full training set)', steps: o.scorerSteps, trainsStudent: false },
      { id: 'adjust', label: 'Selection and distribution adjustment', steps: o.adjustSteps, trainsStudent: false },
      { id: 'easy', label: 'Stage 1: the simpler half of the condensed set', steps: easy, trainsStudent: true },
      { id: 'full', label: 'Stage 2: the whole condensed set, uncertain pairs more often', steps: config.steps - easy, trainsStudent: true },
    ];
  }

  private seed(...keys: (string | number)[]): number {
    return deriveSeed(this.o.modelSeed, 'tripled', ...keys);
  }

  private get keptCount(): number {
    return Math.max(1, Math.min(this.store!.n, Math.round(this.o.keep * this.store!.n)));
  }

  async init(ctx: MethodContext): Promise<void> {
    const set = ctx.data.finiteTrainSet();
    this.set = set;
    const desc = {
      v: CACHE_VERSION,
      set: set.fingerprint,
      patch: this.config.patch,
      steps: this.o.scorerSteps,
      seed: this.o.modelSeed,
      net: DEFAULT_COMPLEXITY_SCORER,
    };
    this.scorerKey = `tripled-scorer-${deriveSeed(0, JSON.stringify(desc)).toString(16)}`;
    const stored = await loadCached(ctx, this.o.reuse, this.scorerKey);
    const scorer = stored && restoreOrNull(() => ComplexityScorer.fromStored(stored));
    this.scorer = scorer ?? new ComplexityScorer(DEFAULT_COMPLEXITY_SCORER, this.seed('scorer-init'));
    if (scorer) this.phases[0] = { ...this.phases[0], steps: 0, reused: describeStored('complexity scorer', stored!) };
    else this.scorerAdam = new Adam(this.scorer.variables);
    this.studentAdam = studentAdam(ctx.student);
  }

  async beginPhase(ctx: MethodContext, phase: MethodPhase): Promise<void> {
    if (phase.id === 'scorer') {
      const set = this.set!;
      this.store = await readSetStore(set, this.config.patch, (done) => ctx.substep(done, set.size, 'reading the full training set'));
    }
    if (phase.id === 'adjust') {
      if (this.scorerAdam) {
        this.scorerAdam.dispose();
        this.scorerAdam = null;
        await storeCached(ctx, this.scorerKey, await this.scorer!.save({ steps: this.o.scorerSteps, set: this.set!.fingerprint }));
      }
      await this.scoreSet(ctx);
      this.select();
      this.startAdjuster();
      this.distances = { before: await this.distance(this.subset!.indices), after: null, random: await this.distance(this.randomIndices) };
    }
    if (phase.id === 'easy') await this.finishAdjustment();
  }

  async step(ctx: MethodContext, info: StepInfo): Promise<StepResult> {
    if (info.phase.id === 'scorer') return this.scorerStep(info.phaseStep);
    if (info.phase.id === 'adjust') return this.adjustStep();
    return this.studentStep(ctx, info);
  }

  private async scorerStep(s: number): Promise<StepResult> {
    const store = this.store!;
    const rng = new Rng(this.seed('scorer-batch', s));
    const positions = Array.from({ length: Math.min(SCORER_BATCH, store.n) }, () => rng.int(0, store.n));
    const x = flipped(storeBatch(store, positions, 'degraded'), rng);
    const t = tf.tensor2d(
      positions.flatMap((p) => Array.from(store.targets.subarray(3 * p, 3 * p + 3))),
      [positions.length, 3],
    );
    try {
      const { losses } = await optimize(
        this.scorer!.variables,
        this.scorerAdam!,
        SCORER_LR,
        () => ({ total: scorerLoss(this.scorer!, x, t), terms: {} }),
        'scorer loss',
      );
      return { losses: { 'C.mse': losses.total } };
    } finally {
      tf.dispose([x, t]);
    }
  }

  /** Complexity and standardised features of every pair of the full set. */
  private async scoreSet(ctx: MethodContext): Promise<void> {
    const store = this.store!;
    const d = this.scorer!.featureDim;
    const complexity = new Float32Array(store.n);
    const features = new Float32Array(store.n * d);
    for (let start = 0; start < store.n; start += CHUNK) {
      await ctx.substep(start, store.n, 'scoring the full training set');
      const positions = range(start, Math.min(store.n, start + CHUNK));
      const x = storeBatch(store, positions, 'degraded');
      const [f, c] = tf.tidy(() => {
        const feats = this.scorer!.features(x);
        return [feats, tf.mean(this.scorer!.head(feats), 1)];
      });
      features.set((await f.data()) as Float32Array, start * d);
      complexity.set((await c.data()) as Float32Array, start);
      tf.dispose([x, f, c]);
    }
    // Standardised per dimension, so that no feature dominates the distances.
    const mean = new Float32Array(d);
    const std = new Float32Array(d);
    for (let j = 0; j < d; j++) {
      let m = 0;
      for (let i = 0; i < store.n; i++) m += features[i * d + j];
      m /= store.n;
      let v = 0;
      for (let i = 0; i < store.n; i++) v += (features[i * d + j] - m) ** 2;
      [mean[j], std[j]] = [m, Math.sqrt(v / store.n) + 1e-6];
      for (let i = 0; i < store.n; i++) features[i * d + j] = (features[i * d + j] - m) / std[j];
    }
    this.scored = { complexity, features, mean, std };
    this.buildReference();
  }

  private buildReference(): void {
    const { features, mean, std } = this.scored!;
    const n = this.store!.n;
    const d = this.scorer!.featureDim;
    this.disposeReference();
    const ref = tf.tensor2d(features, [n, d]);
    // Kernel widths from the median squared distance between pairs of (up to 512) full-set features.
    const sample = Math.min(n, 512);
    const d2 = tf.tidy(() => squaredDistances(tf.slice(ref, [0, 0], [sample, d]), tf.slice(ref, [0, 0], [sample, d])));
    const values = Array.from(d2.dataSync())
      .filter((_, i) => Math.floor(i / sample) !== i % sample)
      .sort((a, b) => a - b);
    d2.dispose();
    const median = Math.max(values[Math.floor(values.length / 2)] ?? 1, 1e-6);
    const widths = KERNEL_SCALES.map((k) => k * median);
    const selfTerm = tf.tidy(() => meanKernel(ref, ref, widths, true).dataSync()[0]);
    this.reference = { features: ref, mean: tf.tensor2d(mean, [1, d]), std: tf.tensor2d(std, [1, d]), selfTerm, widths };
  }

  private disposeReference(): void {
    if (this.reference) tf.dispose([this.reference.features, this.reference.mean, this.reference.std]);
    this.reference = null;
  }

  /** Keeps a fraction by complexity (or at random); the random subset of the same size is the distances' baseline. */
  private select(): void {
    const { complexity } = this.scored!;
    const n = this.store!.n;
    const k = this.keptCount;
    const rng = new Rng(this.seed('random-subset'));
    const shuffled = range(0, n);
    for (let i = n - 1; i > 0; i--) {
      const j = rng.int(0, i + 1);
      [shuffled[i], shuffled[j]] = [shuffled[j], shuffled[i]];
    }
    this.randomIndices = shuffled.slice(0, k);
    const byComplexity = range(0, n).sort((a, b) => complexity[b] - complexity[a] || a - b);
    const kept =
      this.o.selection === 'random'
        ? [...this.randomIndices].sort((a, b) => complexity[b] - complexity[a] || a - b)
        : this.o.selection === 'top'
          ? byComplexity.slice(0, k)
          : // The middle of each of k equal strata of the complexity ranking.
            range(0, k).map((j) => byComplexity[Math.floor(((j + 0.5) * n) / k)]);
    this.subset = { indices: kept, complexity: kept.map((i) => complexity[i]) };
  }

  private startAdjuster(): void {
    const params = new ParamSet(this.seed('adjuster-init'));
    const convs = [
      params.conv('adjust0', 3, 3, ADJUST_WIDTH),
      params.conv('adjust1', 3, ADJUST_WIDTH, ADJUST_WIDTH),
      // Zero-initialised: the adjustment starts as the identity.
      params.conv('adjust2', 3, ADJUST_WIDTH, 3, { gain: 0 }),
    ];
    this.adjuster = { params, convs, adam: new Adam(params.variables) };
  }

  private adjust(x: Tensor4D): Tensor4D {
    return tf.tidy(() => {
      const [a, b, c] = this.adjuster!.convs;
      const h = tf.leakyRelu(applyConv(b, tf.leakyRelu(applyConv(a, tf.sub(x, 0.5)), 0.2)), 0.2);
      return tf.clipByValue(tf.add(x, applyConv(c, h)), 0, 1) as Tensor4D;
    });
  }

  /** The kept inputs as they are now: originals, or adjusted once the adjuster exists. */
  private keptInputs(): Tensor4D {
    const x = storeBatch(this.store!, this.subset!.indices, 'degraded');
    if (!this.adjuster) return x;
    const out = this.adjust(x);
    x.dispose();
    return out;
  }

  private async adjustStep(): Promise<StepResult> {
    const x = storeBatch(this.store!, this.subset!.indices, 'degraded');
    const ref = this.reference!;
    try {
      const { losses } = await optimize(
        this.adjuster!.params.variables,
        this.adjuster!.adam,
        ADJUST_LR,
        () => {
          const adjusted = this.adjust(x);
          const mmd = mmd2(this.standardised(adjusted), ref.features, ref.selfTerm, ref.widths);
          const fidelity = l1Loss(adjusted, x);
          return { total: tf.add(mmd, tf.mul(fidelity, this.o.fidelity)) as tf.Scalar, terms: { 'A.mmd': mmd, 'A.fidelity': fidelity } };
        },
        'adjustment loss',
      );
      return { losses: { 'A.mmd': losses['A.mmd'], 'A.fidelity': losses['A.fidelity'] } };
    } finally {
      x.dispose();
    }
  }

  /** Scorer features of images, standardised like the full set's. */
  private standardised(x: Tensor4D): tf.Tensor2D {
    const { mean, std } = this.reference!;
    return tf.tidy(() => tf.div(tf.sub(this.scorer!.features(x), mean), std) as tf.Tensor2D);
  }

  /** MMD² between the full set and the pairs at `positions` (their original inputs). */
  private async distance(positions: readonly number[], inputs?: Tensor4D): Promise<number> {
    const ref = this.reference!;
    const x = inputs ?? storeBatch(this.store!, positions, 'degraded');
    const m = tf.tidy(() => mmd2(this.standardised(x), ref.features, ref.selfTerm, ref.widths));
    const value = (await m.data())[0];
    tf.dispose([m, ...(inputs ? [] : [x])]);
    return value;
  }

  /** Fixes the adjusted inputs the student will train on, and measures how far they moved the distance. */
  private async finishAdjustment(): Promise<void> {
    const adjusted = this.keptInputs();
    this.distances!.after = await this.distance(this.subset!.indices, adjusted);
    this.inputs = (await adjusted.data()) as Float32Array;
    adjusted.dispose();
    if (this.adjuster) {
      this.adjuster.adam.dispose();
      this.adjuster.params.dispose();
      this.adjuster = null;
    }
  }

  private async studentStep(ctx: MethodContext, info: StepInfo): Promise<StepResult> {
    const k = this.subset!.indices.length;
    const rng = new Rng(ctx.seed('tripled-batch', info.studentStep));
    let draw: () => number;
    if (info.phase.id === 'easy') {
      // Sorted by complexity, highest first: the easy half is the tail.
      const easyFrom = Math.floor(k / 2);
      draw = () => rng.int(easyFrom, k);
    } else {
      if (info.phaseStep % UNCERTAINTY_EVERY === 0 || !this.uncertainty) this.uncertainty = await this.studentLosses(ctx);
      const u = this.uncertainty;
      const total = u.reduce((a, b) => a + b, 0) || 1;
      const share = this.o.uncertainty;
      const weights = Array.from(u, (v) => (1 - share) / k + (share * v) / total);
      draw = () => rng.weighted(weights);
    }
    const positions = Array.from({ length: this.config.batch }, draw);
    const xb = this.subsetBatch(positions, 'input');
    const yb = this.subsetBatch(positions, 'target');
    const flipH = rng.bool();
    const flipV = rng.bool();
    const [x, y] = [xb, yb].map((b) =>
      tf.tidy(() => {
        let t: Tensor4D = tf.tensor4d(b.data, [b.n, b.height, b.width, 3]);
        if (flipH) t = tf.reverse(t, 2);
        if (flipV) t = tf.reverse(t, 1);
        return t;
      }),
    );
    try {
      const { losses, stats } = await optimize(ctx.student.trainableWeights, this.studentAdam!, ctx.studentLr(info.studentStep), () => {
        const out = ctx.student.predict(x);
        return { total: l1Loss(out, y), terms: {}, stats: { relative: relativeError(out, x, y) } };
      });
      this.last = { x: xb, y: yb, positions };
      return { losses, stats };
    } finally {
      tf.dispose([x, y]);
    }
  }

  /** Images of the condensed set at positions into it (inputs adjusted, targets clean), on the CPU. */
  private subsetBatch(positions: readonly number[], which: 'input' | 'target'): RGBBatch {
    const { side } = this.store!;
    const per = side * side * 3;
    const data = new Float32Array(positions.length * per);
    positions.forEach((p, i) => {
      if (which === 'input') data.set(this.inputs!.subarray(p * per, (p + 1) * per), i * per);
      else data.set(fromBytes(this.store!.clean, this.subset!.indices[p], per), i * per);
    });
    return { n: positions.length, width: side, height: side, data };
  }

  /** The student's L1 loss on each pair of the condensed set: its uncertainty there. */
  private async studentLosses(ctx: MethodContext): Promise<Float32Array> {
    const k = this.subset!.indices.length;
    const out = new Float32Array(k);
    for (let start = 0; start < k; start += CHUNK) {
      const positions = range(start, Math.min(k, start + CHUNK));
      const [xb, yb] = [this.subsetBatch(positions, 'input'), this.subsetBatch(positions, 'target')];
      const l = tf.tidy(() => {
        const x = tf.tensor4d(xb.data, [xb.n, xb.height, xb.width, 3]);
        const y = tf.tensor4d(yb.data, [yb.n, yb.height, yb.width, 3]);
        return tf.mean(tf.abs(tf.sub(ctx.student.predict(x), y)), [1, 2, 3]);
      });
      out.set((await l.data()) as Float32Array, start);
      l.dispose();
    }
    return out;
  }

  private histogram(): ScoreHistogram | undefined {
    if (!this.scored || !this.subset) return undefined;
    const c = this.scored.complexity;
    let lo = Infinity;
    let hi = -Infinity;
    for (const v of c) [lo, hi] = [Math.min(lo, v), Math.max(hi, v)];
    const bin = (v: number) => Math.min(HISTOGRAM_BINS - 1, Math.floor(((v - lo) / (hi - lo || 1)) * HISTOGRAM_BINS));
    const counts = new Array<number>(HISTOGRAM_BINS).fill(0);
    const kept = new Array<number>(HISTOGRAM_BINS).fill(0);
    for (const v of c) counts[bin(v)] += 1;
    for (const v of this.subset.complexity) kept[bin(v)] += 1;
    return {
      caption: `Complexity of the ${c.length} pairs of the full set; the ${this.subset.indices.length} kept (${SELECTION_NOTE[this.o.selection]}) are dark`,
      counts,
      kept,
      lo,
      hi,
    };
  }

  async trainingPreview(): Promise<TrainingPreview | null> {
    const count = this.config.previewCount;
    const store = this.store!;
    const per = store.side * store.side * 3;
    const image = (data: Float32Array): RGBImage => ({ width: store.side, height: store.side, data });
    const histogram = this.histogram();
    if (!this.subset) {
      const positions = range(0, Math.min(count, store.n));
      return {
        caption: 'The full training set the complexity scorer learns from: degraded inputs and clean targets',
        inputLabel: 'x (degraded)',
        targetLabels: ['y (clean)'],
        samples: positions.map((p) => ({
          input: image(fromBytes(store.degraded, p, per)),
          targets: [image(fromBytes(store.clean, p, per))],
          weather: store.weather[p],
        })),
      };
    }
    const { indices, complexity } = this.subset;
    if (!this.last) {
      const shown = range(0, Math.min(count, indices.length));
      const adjusted = this.keptInputs();
      const inputs = await readImages(adjusted, shown.length);
      adjusted.dispose();
      return {
        caption: `The condensed set, most complex first, as the adjustment changes it (distance to the full set: ${this.distances ? this.distances.before.toFixed(3) : '?'} before, random subset ${this.distances?.random.toFixed(3) ?? '?'})`,
        inputLabel: 'x~ (adjusted)',
        targetLabels: ['x (original)', 'y (clean)'],
        samples: shown.map((p) => ({
          input: inputs[p],
          targets: [image(fromBytes(store.degraded, indices[p], per)), image(fromBytes(store.clean, indices[p], per))],
          weather: `${store.weather[indices[p]]}, complexity ${complexity[p].toFixed(2)}`,
        })),
        ...(histogram ? { histogram } : {}),
      };
    }
    const { x, y, positions } = this.last;
    const k = Math.min(count, x.n);
    const item = (b: RGBBatch, i: number) => image(b.data.slice(i * per, (i + 1) * per));
    return {
      caption: 'What the student trains on now: condensed inputs and their clean images',
      inputLabel: 'x~ (condensed)',
      targetLabels: ['y (clean)'],
      samples: range(0, k).map((i) => ({
        input: item(x, i),
        targets: [item(y, i)],
        weather: `${store.weather[indices[positions[i]]]}, complexity ${complexity[positions[i]].toFixed(2)}`,
      })),
      ...(histogram ? { histogram } : {}),
    };
  }

  report(): Record<string, unknown> {
    if (!this.subset || !this.store) return {};
    const round = (v: number | null) => (v === null ? null : Number(v.toFixed(5)));
    return {
      subset: {
        size: this.subset.indices.length,
        of: this.store.n,
        set: this.set!.origin,
        selection: this.o.selection,
        adjusted: this.o.adjustSteps > 0,
        distance: this.distances && { before: round(this.distances.before), after: round(this.distances.after), random: round(this.distances.random) },
      },
    };
  }

  async artifacts(): Promise<Artifact[]> {
    if (!this.subset || !this.inputs || !this.scored) return [];
    const store = this.store!;
    const per = store.side * store.side * 3;
    const image = (data: Float32Array): RGBImage => ({ width: store.side, height: store.side, data });
    const rank = new Map(
      range(0, store.n)
        .sort((a, b) => this.scored!.complexity[b] - this.scored!.complexity[a] || a - b)
        .map((p, r) => [p, r + 1]),
    );
    const { indices, complexity } = this.subset;
    return [
      {
        name: 'subset',
        title: `The condensed training set: ${indices.length} of ${store.n} pairs, most complex first`,
        kind: 'pairs',
        inputLabel: 'x~ (condensed input)',
        targetLabel: 'y (clean)',
        originalLabel: 'x (original input)',
        pairs: indices.map((p, i) => ({
          stem: this.set!.stem(p),
          input: image(this.inputs!.slice(i * per, (i + 1) * per)),
          target: image(fromBytes(store.clean, p, per)),
          original: image(fromBytes(store.degraded, p, per)),
          caption: `complexity ${complexity[i].toFixed(3)} (rank ${rank.get(p)} of ${store.n}), ${store.weather[p]}`,
        })),
      },
      {
        name: 'scores',
        title: 'Complexity scores of the full training set, what was kept, and the distribution distances',
        kind: 'json',
        data: {
          ...this.report(),
          measures: ['entropy', 'gradients', 'degradation'],
          kept: indices.map((p, i) => ({ stem: this.set!.stem(p), complexity: Number(complexity[i].toFixed(5)) })),
          complexity: Array.from(this.scored.complexity, (v) => Number(v.toFixed(5))),
          histogram: this.histogram(),
        },
      },
    ];
  }

  async saveState(): Promise<MethodState> {
    return {
      scorer: await readVariables(this.scorer!.variables),
      scorerAdam: this.scorerAdam ? await this.scorerAdam.getState() : null,
      scored: this.scored && copyScored(this.scored),
      subset: this.subset && { indices: [...this.subset.indices], complexity: [...this.subset.complexity] },
      randomIndices: [...this.randomIndices],
      adjuster: this.adjuster && { values: await readVariables(this.adjuster.params.variables), adam: await this.adjuster.adam.getState() },
      inputs: this.inputs && this.inputs.slice(),
      distances: this.distances && { ...this.distances },
      uncertainty: this.uncertainty && this.uncertainty.slice(),
      studentAdam: await this.studentAdam!.getState(),
    };
  }

  async loadState(_ctx: MethodContext, state: MethodState): Promise<void> {
    // The set is a pure function of the run's settings: read again, not kept in the checkpoint.
    this.store = await readSetStore(this.set!, this.config.patch, async () => {});
    writeVariables(this.scorer!.variables, stateField(state, 'scorer'), 'complexity scorer');
    this.scorerAdam?.dispose();
    this.scorerAdam = null;
    const scorerAdam = stateField<AdamState | null>(state, 'scorerAdam');
    if (scorerAdam) {
      this.scorerAdam = new Adam(this.scorer!.variables);
      this.scorerAdam.setState(scorerAdam);
    }
    const scored = stateField<Scored | null>(state, 'scored');
    this.scored = scored && copyScored(scored);
    if (this.scored) this.buildReference();
    const subset = stateField<Subset | null>(state, 'subset');
    this.subset = subset && { indices: [...subset.indices], complexity: [...subset.complexity] };
    this.randomIndices = [...stateField<number[]>(state, 'randomIndices')];
    const adjuster = stateField<{ values: Parameters<typeof writeVariables>[1]; adam: AdamState } | null>(state, 'adjuster');
    if (adjuster) {
      this.startAdjuster();
      writeVariables(this.adjuster!.params.variables, adjuster.values, 'adjustment network');
      this.adjuster!.adam.setState(adjuster.adam);
    }
    const inputs = stateField<Float32Array | null>(state, 'inputs');
    this.inputs = inputs && inputs.slice();
    const distances = stateField<Distances | null>(state, 'distances');
    this.distances = distances && { ...distances };
    const uncertainty = stateField<Float32Array | null>(state, 'uncertainty');
    this.uncertainty = uncertainty && uncertainty.slice();
    loadAdam(this.studentAdam!, state, 'studentAdam');
  }

  dispose(): void {
    for (const m of [this.scorerAdam, this.studentAdam, this.scorer, this.adjuster?.adam, this.adjuster?.params]) m?.dispose();
    this.scorerAdam = this.studentAdam = this.scorer = null;
    this.adjuster = null;
    this.disposeReference();
    this.store = null;
    this.last = null;
  }
}

const copyScored = (s: Scored): Scored => ({ complexity: s.complexity.slice(), features: s.features.slice(), mean: s.mean.slice(), std: s.std.slice() });

const range = (from: number, to: number): number[] => Array.from({ length: Math.max(0, to - from) }, (_, i) => from + i);

/** The scorer's training loss: mean squared error of its standardised estimates t [n, 3]. */
export function scorerLoss(scorer: ComplexityScorer, x: Tensor4D, t: tf.Tensor2D): tf.Scalar {
  return tf.tidy(() => tf.mean(tf.square(tf.sub(scorer.head(scorer.features(x)), t))) as tf.Scalar);
}

/** Reads every pair of the set once (at the run's patch size) into 8-bit arrays, with the standardised complexity measures. */
export async function readSetStore(set: TrainSet, side: number, progress: (done: number) => Promise<void>): Promise<SetStore> {
  const per = side * side * 3;
  const degraded = new Uint8Array(set.size * per);
  const clean = new Uint8Array(set.size * per);
  const weather: string[] = [];
  const raw = new Float64Array(set.size * 3);
  for (let i = 0; i < set.size; i++) {
    if (i % 16 === 0) await progress(i);
    const p = set.pair(i, side);
    toBytes(p.degraded.data, degraded, i * per);
    toBytes(p.clean.data, clean, i * per);
    weather.push(p.weather);
    raw.set(complexityTargets(p.degraded, p.clean), 3 * i);
  }
  await progress(set.size);
  const targets = new Float32Array(set.size * 3);
  for (let j = 0; j < 3; j++) {
    let mean = 0;
    for (let i = 0; i < set.size; i++) mean += raw[3 * i + j];
    mean /= set.size;
    let v = 0;
    for (let i = 0; i < set.size; i++) v += (raw[3 * i + j] - mean) ** 2;
    const std = Math.sqrt(v / set.size) || 1;
    for (let i = 0; i < set.size; i++) targets[3 * i + j] = (raw[3 * i + j] - mean) / std;
  }
  return { n: set.size, side, degraded, clean, weather, targets };
}

function toBytes(src: Float32Array, dst: Uint8Array, offset: number): void {
  for (let i = 0; i < src.length; i++) dst[offset + i] = Math.round(Math.min(1, Math.max(0, src[i])) * 255);
}

function fromBytes(src: Uint8Array, item: number, per: number): Float32Array {
  const out = new Float32Array(per);
  for (let i = 0; i < per; i++) out[i] = src[item * per + i] / 255;
  return out;
}

/** Pairs of the store at `positions` as a tensor [n, side, side, 3]. */
export function storeBatch(store: SetStore, positions: readonly number[], which: 'degraded' | 'clean'): Tensor4D {
  const per = store.side * store.side * 3;
  const data = new Float32Array(positions.length * per);
  positions.forEach((p, i) => data.set(fromBytes(store[which], p, per), i * per));
  return tf.tensor4d(data, [positions.length, store.side, store.side, 3]);
}

function flipped(x: Tensor4D, rng: Rng): Tensor4D {
  if (!rng.bool()) return x;
  const out = tf.reverse(x, 2) as Tensor4D;
  x.dispose();
  return out;
}

/** Squared Euclidean distances between the rows of a [n, d] and b [m, d]: [n, m]. */
function squaredDistances(a: tf.Tensor2D, b: tf.Tensor2D): tf.Tensor2D {
  return tf.tidy(() => {
    const aa = tf.sum(tf.square(a), 1, true);
    const bb = tf.reshape(tf.sum(tf.square(b), 1), [1, -1]);
    return tf.relu(tf.sub(tf.add(aa, bb), tf.mul(tf.matMul(a, b, false, true), 2))) as tf.Tensor2D;
  });
}

/** Mean Gaussian kernel value over pairs of rows (leaving out i = j when `distinct`), averaged over the widths. */
function meanKernel(a: tf.Tensor2D, b: tf.Tensor2D, widths: readonly number[], distinct: boolean): tf.Scalar {
  return tf.tidy(() => {
    const d2 = squaredDistances(a, b);
    let k: tf.Tensor = tf.zerosLike(d2);
    for (const w of widths) k = tf.add(k, tf.exp(tf.div(d2, -w)));
    k = tf.div(k, widths.length);
    const n = a.shape[0];
    if (!distinct) return tf.mean(k) as tf.Scalar;
    if (n < 2) return tf.scalar(0);
    // The diagonal (every kernel is 1 there) left out: an unbiased estimate.
    return tf.div(tf.sub(tf.sum(k), n), n * (n - 1)) as tf.Scalar;
  });
}

/** Squared maximum mean discrepancy between feature sets a and ref, given ref's own mean kernel. */
function mmd2(a: tf.Tensor2D, ref: tf.Tensor2D, refSelf: number, widths: readonly number[]): tf.Scalar {
  return tf.tidy(() => tf.sub(tf.add(meanKernel(a, a, widths, true), refSelf), tf.mul(meanKernel(a, ref, widths, false), 2)) as tf.Scalar);
}
