// DFL, data-free adversarial distillation (docs/methods.md; Wang, Huang, Luo, Qu, ISCAS 2024;
// reconstructed from the abstract). A generator G(z, weather) makes degraded-looking images; the
// student learns to match the teacher on them while the generator seeks images where they
// disagree. No real image is used for training.

import { tf, type Tensor4D } from '../tf';
import type { FeatureExtractor } from '../models/feature-extractor';
import { restorerEncoder } from '../models/feature-extractor';
import { DEFAULT_GENERATOR, disposeGeneratorInputs, WeatherGenerator, type GeneratorInputs } from '../models/weather-generator';
import { readVariables, stateField, writeVariables } from '../run/checkpoint';
import type { RunConfig } from '../run/config';
import type { ParamValues } from '../run/params';
import { Adam } from '../train/adam';
import {
  contrastiveRegularization,
  l1Loss,
  loadAdam,
  optimize,
  PreviewSlot,
  relativeError,
  studentAdam,
  studentLosses,
  teacherTarget,
  totalVariation,
  type LossTerms,
  type OptimizeResult,
} from './common';
import {
  defineMethod,
  type DistillMethod,
  type MethodContext,
  type MethodPhase,
  type MethodState,
  type StepInfo,
  type StepResult,
  type TrainingPreview,
} from './method';

const OPTIONS = {
  generatorWarmup: {
    type: 'int',
    min: 0,
    max: 100_000,
    default: 30,
    label: 'Generator warm-up',
    help: 'Generator steps before the student starts. The untrained student is the identity, so these steps teach G to make images the teacher changes: degradations.',
  },
  studentStepsPerGenerator: {
    type: 'int',
    min: 1,
    max: 1000,
    default: 5,
    label: 'Student steps per G step',
    help: 'k: student updates between two generator updates.',
  },
  generatorLr: {
    type: 'number',
    min: 1e-6,
    max: 0.1,
    default: 1e-3,
    log: true,
    label: 'Generator lr',
    help: 'Adam learning rate of the generator (beta1 0.5, as usual for GANs).',
  },
  crWeight: {
    type: 'number',
    min: 0,
    max: 10,
    default: 0.1,
    log: true,
    label: 'lambda_cr',
    help: "Weight of contrastive regularisation on the teacher's encoder features (0 turns it off and saves about half of each student step).",
  },
  degradationMargin: {
    type: 'number',
    min: 0,
    max: 0.5,
    default: 0.03,
    label: 'Degradation margin',
    help: 'Samples are penalised while the teacher changes them by less than this mean absolute amount times their severity: it must find something to remove, more in heavier weather.',
  },
  degradationWeight: {
    type: 'number',
    min: 0,
    max: 100,
    default: 0,
    label: 'Degradation weight',
    help: 'Weight of the degradation-margin term in the generator loss. Off by default: it made the student learn to darken every image (see the description).',
  },
  consistencyWeight: {
    type: 'number',
    min: 0,
    max: 100,
    default: 1,
    label: 'Teacher consistency weight',
    help: "Weight of L1(T(G(z)), J) + L1(T(J), J): the teacher should restore a sample to the generator's clean base J and leave J itself alone, so what it removes is weather it knows, not odd content.",
  },
  diversityWeight: {
    type: 'number',
    min: 0,
    max: 100,
    default: 0.1,
    label: 'Diversity weight',
    help: 'Weight of the mode-seeking term: two codes of the same family must give different images.',
  },
  priorWeight: {
    type: 'number',
    min: 0,
    max: 100,
    default: 1,
    label: 'Image prior weight',
    help: "Weight of the statistics prior on the generator's clean base (mean, contrast, clipped pixels, total variation in natural ranges).",
  },
} as const;

type DflOptions = ParamValues<typeof OPTIONS>;

export const dflMethod = defineMethod({
  id: 'dfl',
  label: 'DFL: data-free adversarial KD',
  plain:
    'Here the student never sees a real photo. A second small network, the generator, invents weather images, and it is rewarded for finding images on which the student still disagrees with the teacher. The student then learns to agree with the teacher on them. The two play this game until the invented images teach the student something useful.',
  summary: 'A weather generator and the student play a game: no real images, only the teacher.',
  description: [
    'Data-free learning (Wang, Huang, Luo and Qu, ISCAS 2024). Reconstructed: only the abstract was available, so what follows is our reading of it, and the regularisers are our design.',
    "A generator G turns noise z and a weather type into degraded-looking images. Training alternates k student steps, minimising L1(S(G(z)), T(G(z))) + lambda_cr CR, with one generator step maximising the teacher-student discrepancy, L_G = -log(1 + L1(S(G(z)), T(G(z)))), plus regularisers. CR is contrastive regularisation in the AECR-Net form, sum_i w_i L1(phi_i(S(x)), phi_i(T(x))) / L1(phi_i(S(x)), phi_i(x)) with w = [1/32, 1/16, 1/8, 1/4, 1] shallow to deep: the student's output is pulled towards the teacher's and pushed away from the degraded input.",
    "Our choices, and why. (1) phi is the frozen teacher's encoder (VGG weights are not available in the browser; the teacher's encoder is a restoration-aware extractor), with the deepest weights kept when it has fewer than five levels. The denominator gets an epsilon of a tenth of the teacher-to-input feature distance: our student starts as the identity, exactly on the negative, where a tiny epsilon would make CR explode. (2) The generator predicts the layers weather is made of, not free pixels: a clean base J (grey structure plus a bounded amount of colour), a smooth transmission t and an airlight A (haze: J t + A (1 - t)), and an occlusion layer with its grey level (streaks, flakes, drops), composed by the physical models the data synthesis uses. The weather one-hot conditions the network and gates the layers (haze has no occluders, snow has white ones), and a severity drawn uniformly per image scales them, so samples cover light to heavy weather, are weather-shaped by construction, and are always in [0, 1]. (3) The generator's regularisers: an optional hinge, off by default (see below), keeping the teacher's correction |G(z) - T(G(z))| of each sample above a margin proportional to its severity; teacher consistency, L1(T(G(z)), J) + L1(T(J), J): the teacher restores the sample to its base and leaves the base alone, so what it removes is weather it knows rather than content it has never seen (without this term the adversary drifts to saturated, poster-like images on which the teacher behaves arbitrarily, and the student learns that); a mode-seeking term -log(0.01 + |G(z1) - G(z2)|) over pairs of codes of the same family (against mode collapse, after MSGAN); and a statistics prior on J (mean, contrast, clipped pixels and total variation in natural ranges). An adversary goes to the edge of whatever it is allowed: these terms draw that edge near weather photographs. (4) A short generator warm-up before the student starts: with the identity student, L_G rewards exactly the images the teacher changes. (5) Batches have a fixed size and the families rotate through the batch, pairs (i, i + B/2) sharing a family for the diversity term.",
    'Why the degradation margin is off by default (measured with student-10, 150 steps, on the stage-8 teacher; untrained student 21.05 dB). The margin hinge rewards samples the teacher changes a lot; the adversary meets it the cheapest way, with images the teacher darkens, and the student learns to darken every image whatever the weather (on the evaluation images by 0.075 on average with one margin for all samples, 0.043 with the margin scaled by severity, where the teacher changes haze, snow and raindrop images by about 0.015). Ablating each regulariser at seed 3: all on, 20.15 dB; without contrastive regularisation, 20.25; without the margin, 21.29. Without the margin over seeds 1, 2, 3: 21.21, 21.12, 21.29, mean 21.21 dB, above the untrained student on every seed, and light rain is no longer ruined (24.0 against 19.8 dB). The warm-up already makes the generator find images the teacher changes, so the margin is not needed for that. The gain is small, +0.16 dB, against +0.47 for kd on the same budget (3 seeds): the student mostly keeps the identity on real weather. Giving part of each batch as the clean bases J did not help reliably (+0.06 dB with a quarter of the batch, -1.4 dB with half). The margin stays an option (degradationWeight, degradationMargin) so the ablation can be rerun.',
    "What to expect: the student learns from the teacher alone, so it cannot beat it, and it carries over to real weather only as far as the generated samples resemble it. Measured with small teachers on two CPU cores: local, additive weather (snow) carries over well; haze, whose removal depends on scene depth and colours, carries over poorly from generated content. The training gallery shows G(z) and T(G(z)); the generator's losses have a chart of their own.",
  ].join('\n\n'),
  provenance: 'reconstructed',
  paper: {
    title: 'Data-free learning for multi-weather image restoration',
    authors: 'Wang, Huang, Luo, Qu',
    venue: 'ISCAS',
    year: 2024,
  },
  data: 'data-free',
  teachers: ['restorer'],
  losses: [
    studentLosses({
      total: "The student's loss: kd + lambda_cr cr.",
      kd: "L1(S(G(z)), T(G(z))): how far the student's restoration of a generated image is from the teacher's.",
      cr: "Contrastive regularisation: in the teacher encoder's features, distance to the teacher's output over distance to the degraded input (lower: closer to the teacher, further from the weather).",
    }),
    {
      id: 'generator',
      title: 'Generator losses',
      terms: {
        G: "The generator's loss, the weighted sum of the terms below (it falls as it finds images the student gets wrong).",
        'G.adversarial': '-log(1 + discrepancy): the generator is rewarded for images where student and teacher disagree.',
        'G.discrepancy': "L1(S(G(z)), T(G(z))): the disagreement itself, on the generator's batch.",
        'G.correction': 'L1(G(z), T(G(z))): how much the teacher changes a generated image; it must stay above the margin (there must be weather to remove).',
        'G.consistency': 'L1(T(G(z)), J): the teacher should restore a sample to the clean base J it was made from.',
        'G.fixedPoint': 'L1(T(J), J): the teacher should leave the clean base itself alone.',
        'G.diversity': 'Mode seeking: falls as two codes of the same weather give more different images.',
        'G.prior': "How far the clean base's brightness, contrast, clipping and smoothness stray from natural photographs.",
      },
    },
  ],
  options: OPTIONS,
  create: (options, config): DistillMethod => new DataFreeLearning(options, config),
});

class DataFreeLearning implements DistillMethod {
  readonly info = dflMethod;
  readonly phases: MethodPhase[];
  private generator: WeatherGenerator | null = null;
  private extractor: FeatureExtractor | null = null;
  private studentOpt: Adam | null = null;
  private generatorOpt: Adam | null = null;
  private readonly preview: PreviewSlot;

  constructor(
    private readonly options: DflOptions,
    private readonly config: RunConfig,
  ) {
    this.phases = [
      ...(options.generatorWarmup > 0 ? [{ id: 'generator-warmup', label: 'Generator warm-up', steps: options.generatorWarmup, trainsStudent: false }] : []),
      { id: 'distill', label: 'Adversarial distillation', steps: config.steps, trainsStudent: true },
    ];
    this.preview = new PreviewSlot(config.previewCount);
  }

  async init(ctx: MethodContext): Promise<void> {
    this.generator = new WeatherGenerator({ ...DEFAULT_GENERATOR, size: this.config.patch, weathers: this.config.weathers }, ctx.seed('generator-init'));
    if (this.options.crWeight > 0) this.extractor = restorerEncoder(ctx.teachers.restorer!);
    this.studentOpt = studentAdam(ctx.student);
    this.generatorOpt = new Adam(this.generator.variables, { beta1: 0.5, beta2: 0.999 });
  }

  async step(ctx: MethodContext, info: StepInfo): Promise<StepResult> {
    if (info.phase.id === 'generator-warmup') {
      return { losses: await this.generatorStep(ctx, `warmup-${info.phaseStep}`, info.phaseStep) };
    }
    const { losses, stats } = await this.studentStep(ctx, info.studentStep);
    if ((info.studentStep + 1) % this.options.studentStepsPerGenerator === 0) {
      Object.assign(losses, await this.generatorStep(ctx, `adversarial-${info.studentStep}`, info.studentStep));
    }
    return { losses, stats };
  }

  /** Families of a batch: pairs (i, i + B/2) share one, and they rotate from step to step. */
  private families(key: number): number[] {
    const n = this.config.batch;
    const half = Math.max(1, Math.floor(n / 2));
    const k = this.config.weathers.length;
    return Array.from({ length: n }, (_, i) => ((i % half) + key) % k);
  }

  private sample(ctx: MethodContext, key: string, rotation: number): GeneratorInputs {
    return this.generator!.sample(this.families(rotation), ctx.seed('dfl-z', key));
  }

  private async studentStep(ctx: MethodContext, s: number): Promise<OptimizeResult> {
    const inputs = this.sample(ctx, `student-${s}`, s);
    const x = tf.tidy(() => this.generator!.generate(inputs).image);
    disposeGeneratorInputs(inputs);
    const t = teacherTarget(ctx.teachers.restorer!, x);
    try {
      const result = await optimize(
        ctx.student.trainableWeights,
        this.studentOpt!,
        ctx.studentLr(s),
        (): LossTerms => {
          const out = ctx.student.predict(x);
          const kd = l1Loss(out, t);
          const stats = { relative: relativeError(out, x, t) };
          if (!this.extractor) return { total: kd, terms: { kd }, stats };
          const cr = contrastiveRegularization(this.extractor, out, t, x);
          return { total: tf.add(kd, tf.mul(cr, this.options.crWeight)), terms: { kd, cr }, stats };
        },
        'student loss',
      );
      this.preview.set(x, [t], inputs.weatherNames);
      return result;
    } finally {
      tf.dispose([x, t]);
    }
  }

  private async generatorStep(ctx: MethodContext, key: string, rotation: number): Promise<Record<string, number>> {
    const inputs = this.sample(ctx, `generator-${key}`, rotation);
    const o = this.options;
    try {
      const { losses } = await optimize(
        this.generator!.variables,
        this.generatorOpt!,
        o.generatorLr,
        (): LossTerms => {
          const g = this.generator!.generate(inputs);
          const x = g.image;
          const n = x.shape[0];
          // One teacher pass for the sample and its clean base.
          const [t, tBase] = tf.split(ctx.teachers.restorer!.predict(tf.concat([x, g.base], 0)), [n, n], 0) as [Tensor4D, Tensor4D];
          const s = ctx.student.predict(x);
          const discrepancy = l1Loss(s, t);
          const adversarial = tf.neg(tf.log1p(discrepancy)) as tf.Scalar;
          // How much the teacher changes each sample: below its margin, nothing to restore. The
          // margin scales with the sample's severity, so light weather stays light: with one margin
          // for all, every sample was heavy, and the student learnt to darken every image.
          const perImage = tf.mean(tf.abs(tf.sub(x, t)), [1, 2, 3]);
          const correction = tf.mean(perImage) as tf.Scalar;
          const margins = tf.mul(inputs.severity.reshape([n]), o.degradationMargin);
          const degradation = tf.div(tf.mean(tf.relu(tf.sub(margins, perImage))), Math.max(o.degradationMargin, 1e-6)) as tf.Scalar;
          // The sample is a (degraded, clean) pair in the teacher's eyes: it restores x to the base,
          // and leaves the base alone. So what it removes is the weather layer, not odd content.
          const consistency = l1Loss(t, g.base);
          const fixedPoint = l1Loss(tBase, g.base);
          const diversity = diversityLoss(x);
          const prior = imagePrior(g.base);
          const total = tf.addN([
            adversarial,
            tf.mul(degradation, o.degradationWeight),
            tf.mul(tf.add(consistency, fixedPoint), o.consistencyWeight),
            tf.mul(diversity, o.diversityWeight),
            tf.mul(prior, o.priorWeight),
          ]) as tf.Scalar;
          return { total, terms: { adversarial, discrepancy, correction, consistency, fixedPoint, diversity, prior } };
        },
        'generator loss',
      );
      // Generator terms are named apart from the student's, so both curves share one step record.
      return Object.fromEntries(Object.entries(losses).map(([k, v]) => [k === 'total' ? 'G' : `G.${k}`, v]));
    } finally {
      disposeGeneratorInputs(inputs);
    }
  }

  async saveState(): Promise<MethodState> {
    return {
      generator: await readVariables(this.generator!.variables),
      generatorOpt: await this.generatorOpt!.getState(),
      studentOpt: await this.studentOpt!.getState(),
    };
  }

  async loadState(_ctx: MethodContext, state: MethodState): Promise<void> {
    writeVariables(this.generator!.variables, stateField(state, 'generator'), 'generator');
    loadAdam(this.generatorOpt!, state, 'generatorOpt');
    loadAdam(this.studentOpt!, state, 'studentOpt');
  }

  async trainingPreview(): Promise<TrainingPreview | null> {
    const samples = await this.preview.read();
    return (
      samples && {
        caption: "Generated samples G(z, weather) and the teacher's restorations T(G(z)), which the student learns to reproduce",
        inputLabel: 'G(z) (generated)',
        targetLabels: ['T(G(z)) (teacher)'],
        samples,
      }
    );
  }

  dispose(): void {
    this.generator?.dispose();
    this.extractor?.dispose();
    this.studentOpt?.dispose();
    this.generatorOpt?.dispose();
    this.generator = null;
    this.extractor = null;
    this.studentOpt = null;
    this.generatorOpt = null;
    this.preview.clear();
  }
}

/**
 * Mode seeking (after MSGAN): images i and i + B/2 share a family but not a code; the term falls
 * as they differ more. The latent distance is left out (nearly constant for Gaussian codes of this
 * size), and the log gives a bounded, well-scaled gradient (differences are at most 1).
 */
function diversityLoss(x: Tensor4D): tf.Scalar {
  return tf.tidy(() => {
    const [n, h, w, c] = x.shape;
    const half = Math.floor(n / 2);
    if (half === 0) return tf.scalar(0);
    const a = tf.slice(x, [0, 0, 0, 0], [half, h, w, c]);
    const b = tf.slice(x, [half, 0, 0, 0], [half, h, w, c]);
    return tf.neg(tf.log(tf.add(tf.mean(tf.abs(tf.sub(a, b))), 0.01))) as tf.Scalar;
  });
}

/**
 * Statistics prior on the generator's clean base, per image: mean in [0.2, 0.8], standard
 * deviation in [0.08, 0.3] (neither flat nor poster-like), few pixels near black or white, and
 * total variation below 0.12 (natural images are piecewise smooth; the weather layers, not the
 * base, carry the high frequencies). An adversary goes to the edge of whatever set it is allowed:
 * these bounds draw that edge near natural photographs.
 */
function imagePrior(base: Tensor4D): tf.Scalar {
  return tf.tidy(() => {
    const { mean, variance } = tf.moments(base, [1, 2, 3]);
    const std = tf.sqrt(tf.add(variance, 1e-8));
    const band = tf.add(tf.relu(tf.sub(0.2, mean)), tf.relu(tf.sub(mean, 0.8)));
    const contrast = tf.add(tf.relu(tf.sub(0.08, std)), tf.relu(tf.sub(std, 0.3)));
    const clipped = tf.mean(tf.add(tf.relu(tf.sub(0.03, base)), tf.relu(tf.sub(base, 0.97))));
    const tv = tf.relu(tf.sub(totalVariation(base), 0.12));
    return tf.addN([tf.mean(tf.add(band, contrast)), tf.mul(clipped, 10), tv]) as tf.Scalar;
  });
}
