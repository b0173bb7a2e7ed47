// D4IR, data-free distillation through degradation-prompt diffusion (docs/methods.md; Wang, Luo,
// Xie, Qu, 2024; reconstructed). Four phases:
//   adapter    a prompt adapter learns degradation prompts from unpaired degraded "web" images,
//              contrastively, without labels (models/prompt-adapter.ts);
//   diffusion  a small DDPM learns degraded "web" images, conditioned on their prompts
//              (models/diffusion.ts);
//   synthesis  unpaired clean "web" images are noised part-way and denoised under the prompt of
//              a degraded web image (SDEdit): content from the clean image, weather from the
//              prompt. The teacher restores each synthesised image; the pairs go to a bank;
//   distill    pixel-wise KD on the bank: L1(S(x~), T(x~)).
// The teacher's training pairs are never used. Adapter and diffusion model are kept in the
// context's cache and reused by later runs with the same settings.

import { tf, type Tensor4D } from '../tf';
import type { RGBBatch, RGBImage } from '../data/image';
import { batchFromImages, batchItem, cropImage, resizeBilinear } from '../data/image';
import { deriveSeed, Rng } from '../data/rng';
import type { WeatherType } from '../data/weather';
import { chanceAccuracy, knnAccuracy, project2d } from '../metrics/embeddings';
import { scoreTensors } from '../metrics/tensor-metrics';
import { ConditionalDiffusion, DEFAULT_DIFFUSION } from '../models/diffusion';
import { contrastiveLoss, DEFAULT_PROMPT_ADAPTER, PromptAdapter } from '../models/prompt-adapter';
import { readVariables, stateField, writeVariables } from '../run/checkpoint';
import type { RunConfig } from '../run/config';
import { USER_LABEL } from '../run/data';
import type { ParamValues } from '../run/params';
import { Adam, type AdamState } from '../train/adam';
import {
  cachedModelOptions,
  l1Loss,
  loadAdam,
  describeStored,
  loadCached,
  restoreOrNull,
  storeCached,
  optimize,
  readImages,
  relativeError,
  samplesFromBatches,
  studentAdam,
  studentLosses,
  teacherTarget,
} from './common';
import {
  defineMethod,
  type Artifact,
  type DistillMethod,
  type EmbeddingProjection,
  type DataProvider,
  type MethodContext,
  type MethodPhase,
  type MethodState,
  type StepInfo,
  type StepResult,
  type TrainingPreview,
  type TrainingSample,
} from './method';

const OPTIONS = {
  adapterSteps: {
    type: 'int',
    min: 1,
    max: 100_000,
    default: 600,
    label: 'Adapter steps',
    help: 'Contrastive training steps of the prompt adapter (skipped when an identical adapter is cached).',
  },
  diffusionSteps: {
    type: 'int',
    min: 1,
    max: 1_000_000,
    default: 1000,
    label: 'Diffusion steps',
    help: 'Training steps of the conditional diffusion model (skipped when an identical one is cached).',
  },
  strength: {
    type: 'number',
    min: 0.05,
    max: 1,
    default: 0.4,
    label: 'Strength s',
    help: 'How far clean images are noised before denoising under a prompt (SDEdit): low keeps the content and adds little weather, high adds more weather and loses content.',
  },
  guidance: {
    type: 'number',
    min: 1,
    max: 20,
    default: 3,
    label: 'Guidance w',
    help: "Classifier-free guidance of the sampler: 1 is the plain conditional model, larger values follow the prompt's weather more strongly (and may overshoot).",
  },
  samplerSteps: {
    type: 'int',
    min: 2,
    max: 1000,
    default: 20,
    label: 'DDIM steps',
    help: 'Sampler steps for the full chain; a synthesis at strength s takes about s times as many.',
  },
  bankSize: {
    type: 'int',
    min: 1,
    max: 4096,
    default: 128,
    label: 'Synthesised images',
    help: 'Images synthesised (and restored by the teacher) before KD; the student trains on random batches of them.',
  },
  ...cachedModelOptions(
    'models',
    'Load the adapter and the diffusion model from an earlier run with the same settings instead of training them again.',
    'Seed of the adapter and the diffusion model (not the run seed, so that runs differing only in their student share them).',
  ),
} as const;

type D4IROptions = ParamValues<typeof OPTIONS>;

/** Side of the web images the adapter and the diffusion model train on, and of their crops. */
const POOL_SIZE = 64;
const CROP = 32;
const ADAPTER_BATCH = 32;
const DIFFUSION_BATCH = 12;
const TEMPERATURE = 0.1;
const ADAPTER_LR = 1e-3;
const DIFFUSION_LR = 5e-4;
/** Labelled degraded images for the projection and the kNN score (labels used for display only). */
const PROBE_PER_WEATHER = 12;
const CACHE_VERSION = 2;

export const d4irMethod = defineMethod({
  id: 'd4ir',
  label: 'D4IR (degradation-prompt diffusion)',
  plain:
    "The student never sees the teacher's training pairs. Instead the method learns, from loose collections of weather photos and of clear photos, what each kind of weather looks like, and uses a small diffusion model to paint that weather onto clear photos. The teacher cleans these made-up weather photos, and the student learns to copy it on them.",
  summary: 'Unpaired web images: a prompt adapter and a conditional diffusion model synthesise training data for pixel KD.',
  description: [
    'D4IR distils without the teacher\'s training data. It uses two unpaired "web" pools instead: degraded photos (no clean versions, no weather labels) and clean photos (no degraded versions). Here both pools are synthetic images drawn from seed domains of their own, apart from the teacher\'s pairs and from the evaluation set; photos you add under "Web pools" join them (about half of each batch).',
    '1. Prompt adapter. A small encoder maps an image to a 16-dimensional unit vector, its degradation prompt. It is trained contrastively without labels: two crops from different places of one degraded image share its weather but not its content, so they are pulled together, and crops of other images are pushed away (InfoNCE, temperature 0.1). The 2-D projection shows the prompts of labelled images the adapter never trained on, coloured by their true weather; the kNN accuracy says how well weather types separate (chance is one type in N).',
    '2. Conditional diffusion. A small U-Net DDPM (noise prediction, cosine schedule, 1000 steps) learns the degraded pool, conditioned through FiLM on the prompt of another crop of the same image. 15% of the training items see a null prompt, so sampling can use classifier-free guidance (weight w): a small model trained briefly otherwise barely listens to its prompt. Its samples from pure noise (20 DDIM steps) show what it believes each prompt looks like.',
    "3. Synthesis. A clean web image is noised to t = s T and denoised under the prompt of a random degraded web image (SDEdit with DDIM): the content comes from the clean image, the weather from the prompt. Two measures tell how well it works: SSIM of the synthesised image to its clean source (content kept) and the teacher's restoration of it against the clean source; and the prompt distance (1 - cosine between the adapter's embedding of the synthesised image and the prompt) next to the clean source's own distance to that prompt (weather transferred when it shrinks).",
    '4. Pixel-wise KD. The student learns L1(S(x~), T(x~)) on random batches of the synthesised images.',
    'Reconstructed from the abstract: the paper uses Stable Diffusion with a learned prompt; we use a 0.3 M-parameter DDPM trained inside the playground, at 32 px crops, and a prompt vector rather than text-embedding tokens. The adapter and the diffusion model are cached (IndexedDB in the page, a folder on the command line) and reused by later runs with the same settings: turn "Reuse cached models" off to train them again. The paper\'s claim to check: its students come closer to KD with the original data than a GAN generator (DFL) does.',
  ].join('\n\n'),
  provenance: 'reconstructed',
  paper: {
    title: 'Data-free Distillation with Degradation-prompt Diffusion for Multi-weather Image Restoration',
    authors: 'Wang, Luo, Xie, Qu',
    venue: 'arXiv',
    year: 2024,
  },
  data: 'unpaired',
  teachers: ['restorer'],
  losses: [
    {
      id: 'a',
      title: 'Prompt adapter: contrastive loss (InfoNCE)',
      terms: { 'A.infonce': 'InfoNCE: falls as two crops of one degraded image get closer prompts than crops of other images.' },
    },
    {
      id: 'd',
      title: 'Diffusion: noise-prediction error',
      terms: { 'D.noise_mse': 'Mean squared error of the noise the diffusion model predicts in a noised degraded crop.' },
    },
    {
      id: 's',
      title: 'Synthesis: SSIM to the clean source, prompt distances (per batch)',
      terms: {
        'S.ssim_to_source': 'SSIM of a synthesised image to the clean image it was made from: how much content survives.',
        'S.prompt_distance': "1 - cosine between the synthesised image's prompt and the prompt it was made under: falls as the weather transfers.",
        'S.source_prompt_distance': 'The same distance for the clean source itself: the starting point to compare with.',
      },
    },
    studentLosses({
      total: "The student's loss, equal to kd.",
      kd: "L1(S(x~), T(x~)): how far the student's restoration of a synthesised image is from the teacher's.",
    }),
  ],
  options: OPTIONS,
  create: (options, config): DistillMethod => new D4IR(options, config),
});

/**
 * Two crops of each image from different places (top-left quadrant against bottom-right,
 * jittered). With `shuffleColours`, each crop's RGB channels are permuted at random: crops of one
 * photo share its palette, a shortcut the contrastive task would otherwise learn instead of the
 * weather, while the weather itself (grey haze, white flakes, bright streaks) is nearly colourless
 * and survives the permutation.
 */
export function cropPairs(batch: RGBBatch, crop: number, rng: Rng, shuffleColours = false): [RGBBatch, RGBBatch] {
  const a: RGBImage[] = [];
  const b: RGBImage[] = [];
  const room = batch.width - crop;
  for (let i = 0; i < batch.n; i++) {
    const img = batchItem(batch, i);
    const first = [rng.int(0, room / 2 + 1), rng.int(0, room / 2 + 1)];
    const second = [rng.int(room / 2, room + 1), rng.int(room / 2, room + 1)];
    const [p, q] = rng.bool() ? [first, second] : [second, first];
    a.push(cropImage(img, p[0], p[1], crop, crop));
    b.push(cropImage(img, q[0], q[1], crop, crop));
    if (shuffleColours) for (const c of [a[i], b[i]]) permuteChannels(c, PERMUTATIONS[rng.int(0, 6)]);
  }
  return [batchFromImages(a), batchFromImages(b)];
}

const PERMUTATIONS = [
  [0, 1, 2],
  [0, 2, 1],
  [1, 0, 2],
  [1, 2, 0],
  [2, 0, 1],
  [2, 1, 0],
] as const;

function permuteChannels(img: RGBImage, perm: readonly number[]): void {
  const d = img.data;
  for (let i = 0; i < d.length; i += 3) {
    const px = [d[i], d[i + 1], d[i + 2]];
    for (let c = 0; c < 3; c++) d[i + c] = px[perm[c]];
  }
}

/** The bank of synthesised images and the teacher's restorations of them, on the CPU (memory on the backend stays flat). */
interface Bank {
  size: number;
  inputs: Float32Array;
  targets: Float32Array;
  filled: number;
  /** The weather of the degraded web image whose prompt made each entry ('user' for the user's photos). */
  prompts: string[];
}

class D4IR implements DistillMethod {
  readonly info = d4irMethod;
  readonly phases: MethodPhase[];
  private adapter: PromptAdapter | null = null;
  private diffusion: ConditionalDiffusion | null = null;
  private adapterAdam: Adam | null = null;
  private diffusionAdam: Adam | null = null;
  private studentAdam: Adam | null = null;
  private bank: Bank | null = null;
  private probe: { x: Tensor4D; labels: (WeatherType | 'user')[] } | null = null;
  private projection: EmbeddingProjection | null = null;
  private lastPairs: [RGBBatch, RGBBatch] | null = null;
  private lastSynth: TrainingSample[] = [];
  private keys = { adapter: '', diffusion: '' };
  private modelData: DataProvider | null = null;
  private phase = '';

  constructor(
    private readonly o: D4IROptions,
    private readonly config: RunConfig,
  ) {
    const batches = Math.ceil(o.bankSize / config.batch);
    this.phases = [
      { id: 'adapter', label: 'Prompt adapter (contrastive, unlabelled degraded pool)', steps: o.adapterSteps, trainsStudent: false },
      { id: 'diffusion', label: 'Conditional diffusion (degraded pool)', steps: o.diffusionSteps, trainsStudent: false },
      { id: 'synthesis', label: 'Synthesis from the clean pool (SDEdit under prompts)', steps: batches, trainsStudent: false },
      { id: 'distill', label: 'Pixel KD on the synthesised images', steps: config.steps, trainsStudent: true },
    ];
  }

  /** Adapter and diffusion draws follow the model seed, not the run's: a cached model is the one this run would train. */
  private seed(...keys: (string | number)[]): number {
    return deriveSeed(this.o.modelSeed, 'd4ir', ...keys);
  }

  private pools(ctx: MethodContext): DataProvider {
    return (this.modelData ??= ctx.data.reseeded(this.seed('data')));
  }

  async init(ctx: MethodContext): Promise<void> {
    // What each cached model depends on: change any of it and the model is trained afresh.
    const { o, config } = this;
    const adapterDesc = {
      v: CACHE_VERSION,
      seed: o.modelSeed,
      weathers: config.weathers,
      source: config.source,
      userPhotos: ctx.data.userDegradedFingerprint,
      steps: o.adapterSteps,
      net: DEFAULT_PROMPT_ADAPTER,
    };
    const adapterKey = `d4ir-adapter-${deriveSeed(0, JSON.stringify(adapterDesc)).toString(16)}`;
    const diffusionDesc = { adapterKey, steps: o.diffusionSteps, net: DEFAULT_DIFFUSION };
    this.keys = { adapter: adapterKey, diffusion: `d4ir-diffusion-${deriveSeed(0, JSON.stringify(diffusionDesc)).toString(16)}` };
    const probe = this.pools(ctx).webDegraded('d4ir-probe', 0, PROBE_PER_WEATHER * this.config.weathers.length, POOL_SIZE);
    this.probe = { x: ctx.data.tensor(probe.images), labels: probe.weather };
    const stored = await loadCached(ctx, this.o.reuse, this.keys.adapter);
    const adapter = stored && restoreOrNull(() => PromptAdapter.fromStored(stored));
    this.adapter = adapter ?? new PromptAdapter(DEFAULT_PROMPT_ADAPTER, this.seed('adapter-init'));
    if (adapter) {
      this.phases[0] = { ...this.phases[0], steps: 0, reused: describeStored('prompt adapter', stored!) };
      await this.updateProjection();
    } else {
      this.adapterAdam = new Adam(this.adapter.variables);
    }
    // A cached diffusion model is only valid with the adapter it was trained with (its key includes the adapter's).
    const storedDiffusion = adapter ? await loadCached(ctx, this.o.reuse, this.keys.diffusion) : null;
    const diffusion = storedDiffusion && restoreOrNull(() => ConditionalDiffusion.fromStored(storedDiffusion));
    this.diffusion = diffusion ?? new ConditionalDiffusion({ ...DEFAULT_DIFFUSION, promptDim: this.adapter.config.dim }, this.seed('diffusion-init'));
    if (diffusion) this.phases[1] = { ...this.phases[1], steps: 0, reused: describeStored('diffusion model', storedDiffusion!) };
    else this.diffusionAdam = new Adam(this.diffusion.variables);
    this.studentAdam = studentAdam(ctx.student);
  }

  async beginPhase(ctx: MethodContext, phase: MethodPhase): Promise<void> {
    this.phase = phase.id;
    if (phase.id === 'diffusion' && this.adapterAdam) {
      // The adapter is done: freeze it, keep it.
      this.adapterAdam.dispose();
      this.adapterAdam = null;
      await this.updateProjection();
      await storeCached(ctx, this.keys.adapter, await this.adapter!.save({ steps: this.o.adapterSteps, knnAccuracy: this.projection!.score.value }));
    }
    if (phase.id === 'synthesis') {
      if (this.diffusionAdam) {
        this.diffusionAdam.dispose();
        this.diffusionAdam = null;
        await storeCached(ctx, this.keys.diffusion, await this.diffusion!.save({ steps: this.o.diffusionSteps, adapter: this.keys.adapter }));
      }
      const patch = this.config.patch;
      const size = phase.steps * this.config.batch;
      this.bank = { size, inputs: new Float32Array(size * patch * patch * 3), targets: new Float32Array(size * patch * patch * 3), filled: 0, prompts: [] };
    }
  }

  async step(ctx: MethodContext, info: StepInfo): Promise<StepResult> {
    switch (info.phase.id) {
      case 'adapter':
        return this.adapterStep(ctx, info.phaseStep);
      case 'diffusion':
        return this.diffusionStep(ctx, info.phaseStep);
      case 'synthesis':
        return this.synthesisStep(ctx, info.phaseStep);
      default:
        return this.distillStep(ctx, info.studentStep);
    }
  }

  private async adapterStep(ctx: MethodContext, s: number): Promise<StepResult> {
    const pool = this.pools(ctx).webDegraded('d4ir-adapter', s, ADAPTER_BATCH, POOL_SIZE);
    const pairs = cropPairs(pool.images, CROP, new Rng(this.seed('adapter-crops', s)), true);
    this.lastPairs = pairs;
    const [a, b] = pairs.map((p) => ctx.data.tensor(p));
    try {
      const { losses } = await optimize(
        this.adapter!.variables,
        this.adapterAdam!,
        ADAPTER_LR,
        () => {
          const infonce = contrastiveLoss(this.adapter!.embed(a), this.adapter!.embed(b), TEMPERATURE);
          return { total: infonce, terms: {} };
        },
        'adapter loss',
      );
      return { losses: { 'A.infonce': losses.total } };
    } finally {
      tf.dispose([a, b]);
    }
  }

  private async diffusionStep(ctx: MethodContext, s: number): Promise<StepResult> {
    const pool = this.pools(ctx).webDegraded('d4ir-diffusion', s, DIFFUSION_BATCH, POOL_SIZE);
    const [target, other] = cropPairs(pool.images, CROP, new Rng(this.seed('diffusion-crops', s))).map((p) => ctx.data.tensor(p));
    // Conditioned on another crop's prompt: the prompt carries the weather, not this crop's content.
    const prompt = this.adapter!.embed(other);
    try {
      const { losses } = await optimize(
        this.diffusion!.variables,
        this.diffusionAdam!,
        DIFFUSION_LR,
        () => ({
          total: this.diffusion!.loss(target, prompt, this.seed('diffusion-noise', s)),
          terms: {},
        }),
        'diffusion loss',
      );
      return { losses: { 'D.noise_mse': losses.total } };
    } finally {
      tf.dispose([target, other, prompt]);
    }
  }

  private async synthesisStep(ctx: MethodContext, s: number): Promise<StepResult> {
    const { batch: n, patch } = this.config;
    const cleanBatch = ctx.data.webClean('d4ir-synthesis', s, n, patch);
    const clean = ctx.data.tensor(cleanBatch);
    const refs = ctx.data.webDegraded('d4ir-prompts', s, n, POOL_SIZE);
    const refX = ctx.data.tensor(refs.images);
    const prompt = this.adapter!.embed(refX);
    let synth: Tensor4D | null = null;
    let restored: Tensor4D | null = null;
    try {
      synth = await this.diffusion!.edit(clean, this.o.strength, this.o.samplerSteps, prompt, ctx.seed('d4ir-synthesis', s), this.o.guidance, (done, total) =>
        ctx.substep(done, total, `synthesising batch ${s + 1}: DDIM step`),
      );
      restored = teacherTarget(ctx.teachers.restorer!, synth);
      const [contentScores, restoredScores] = [await scoreTensors(synth, clean), await scoreTensors(restored, clean)];
      const distances = tf.tidy(() => {
        const dist = (x: Tensor4D) => tf.mean(tf.sub(1, tf.sum(tf.mul(this.adapter!.embed(x), prompt), 1)));
        return tf.stack([dist(synth!), dist(clean)]);
      });
      const [promptDistance, sourceDistance] = (await distances.data()) as Float32Array;
      distances.dispose();
      const bank = this.bank!;
      const [x, t] = [await synth.data(), await restored.data()] as Float32Array[];
      const per = patch * patch * 3;
      const room = Math.min(n, bank.size - bank.filled);
      bank.inputs.set(x.subarray(0, room * per), bank.filled * per);
      bank.targets.set(t.subarray(0, room * per), bank.filled * per);
      bank.filled += room;
      bank.prompts.push(...refs.weather.slice(0, room));
      // The gallery from what is already on the CPU; the prompt image shrunk to the patch size so the columns line up.
      const k = Math.min(this.config.previewCount, n);
      const asBatch = (data: Float32Array) => ({ n, width: patch, height: patch, data });
      const refSmall = batchFromImages(Array.from({ length: k }, (_, i) => resizeBilinear(batchItem(refs.images, i), patch, patch)));
      this.lastSynth = samplesFromBatches(
        asBatch(x),
        [asBatch(t), cleanBatch, refSmall],
        refs.weather.map((w) => `prompt from ${w}`),
        k,
      );
      const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
      return {
        losses: {
          'S.ssim_to_source': mean(contentScores.map((c) => c.ssim)),
          'S.prompt_distance': promptDistance,
          'S.source_prompt_distance': sourceDistance,
        },
        stats: { teacherPsnrToSource: mean(restoredScores.map((c) => c.psnr)), synthPsnrToSource: mean(contentScores.map((c) => c.psnr)) },
      };
    } finally {
      tf.dispose([clean, refX, prompt, ...(synth ? [synth] : []), ...(restored ? [restored] : [])]);
    }
  }

  private async distillStep(ctx: MethodContext, studentStep: number): Promise<StepResult> {
    const bank = this.bank!;
    const { batch: n, patch } = this.config;
    const rng = new Rng(ctx.seed('d4ir-batch', studentStep));
    const per = patch * patch * 3;
    const xs = new Float32Array(n * per);
    const ts = new Float32Array(n * per);
    for (let i = 0; i < n; i++) {
      const j = rng.int(0, bank.filled);
      xs.set(bank.inputs.subarray(j * per, (j + 1) * per), i * per);
      ts.set(bank.targets.subarray(j * per, (j + 1) * per), i * per);
    }
    const flip = rng.bool();
    const [x, t] = tf.tidy(() =>
      [xs, ts].map((d) => {
        const b = tf.tensor4d(d, [n, patch, patch, 3]);
        return flip ? tf.reverse(b, 2) : b;
      }),
    ) as Tensor4D[];
    try {
      const { losses, stats } = await optimize(ctx.student.trainableWeights, this.studentAdam!, ctx.studentLr(studentStep), () => {
        const s = ctx.student.predict(x);
        const kd = l1Loss(s, t);
        return { total: kd, terms: { kd }, stats: { relative: relativeError(s, x, t) } };
      });
      return { losses, stats };
    } finally {
      tf.dispose([x, t]);
    }
  }

  async saveState(): Promise<MethodState> {
    // Copies: the bank goes on filling after this.
    const bank = this.bank && copyBank(this.bank);
    return {
      phase: this.phase,
      adapter: await readVariables(this.adapter!.variables),
      adapterAdam: this.adapterAdam ? await this.adapterAdam.getState() : null,
      diffusion: await readVariables(this.diffusion!.variables),
      diffusionAdam: this.diffusionAdam ? await this.diffusionAdam.getState() : null,
      studentAdam: await this.studentAdam!.getState(),
      bank,
    };
  }

  async loadState(_ctx: MethodContext, state: MethodState): Promise<void> {
    this.phase = stateField<string>(state, 'phase');
    writeVariables(this.adapter!.variables, stateField(state, 'adapter'), 'prompt adapter');
    writeVariables(this.diffusion!.variables, stateField(state, 'diffusion'), 'diffusion model');
    // An optimizer exists while its model trains; init may have found the model in the cache since.
    const optimizer = (current: Adam | null, saved: AdamState | null, variables: tf.Variable[]): Adam | null => {
      current?.dispose();
      if (!saved) return null;
      const adam = new Adam(variables);
      adam.setState(saved);
      return adam;
    };
    this.adapterAdam = optimizer(this.adapterAdam, stateField(state, 'adapterAdam'), this.adapter!.variables);
    this.diffusionAdam = optimizer(this.diffusionAdam, stateField(state, 'diffusionAdam'), this.diffusion!.variables);
    loadAdam(this.studentAdam!, state, 'studentAdam');
    const bank = stateField<Bank | null>(state, 'bank');
    this.bank = bank && copyBank(bank);
    await this.updateProjection();
  }

  /** Embeds the labelled probe images: the projection and the kNN score. */
  private async updateProjection(): Promise<void> {
    const { x, labels } = this.probe!;
    const z = this.adapter!.embed(x);
    const flat = (await z.data()) as Float32Array;
    z.dispose();
    const dim = this.adapter!.config.dim;
    const rows = labels.map((_, i) => flat.subarray(i * dim, (i + 1) * dim));
    // The user's photos are drawn (where do they land?) but not scored: their weather is unknown.
    const known = labels.map((_, i) => i).filter((i) => labels[i] !== USER_LABEL);
    const knownLabels = known.map((i) => labels[i]);
    this.projection = {
      caption: 'Degradation prompts of held-out degraded images (PCA), coloured by their true weather, which the adapter never sees',
      points: project2d(rows, labels),
      score: {
        label: 'kNN accuracy (k = 5)',
        value: knnAccuracy(
          known.map((i) => rows[i]),
          knownLabels,
          5,
        ),
        chance: chanceAccuracy(knownLabels),
      },
    };
  }

  async trainingPreview(ctx: MethodContext): Promise<TrainingPreview | null> {
    if (this.phase === 'adapter') {
      await this.updateProjection();
      if (!this.lastPairs) return null;
      const k = Math.min(this.config.previewCount, this.lastPairs[0].n);
      return {
        caption:
          "Prompt adapter: two crops of one degraded image share its weather (a positive pair; colour channels shuffled per crop, so the palette gives nothing away); the other images' crops are negatives",
        inputLabel: 'crop A',
        targetLabels: ['crop B'],
        samples: Array.from({ length: k }, (_, i) => ({ input: batchItem(this.lastPairs![0], i), targets: [batchItem(this.lastPairs![1], i)] })),
        projection: this.projection!,
      };
    }
    if (this.phase === 'diffusion') return { ...(await this.diffusionPreview(ctx)), projection: this.projection! };
    if (this.lastSynth.length) {
      return {
        caption:
          "Synthesised training images: clean web images noised part-way and denoised under the prompt of a degraded web image; the student learns the teacher's restoration of them",
        inputLabel: 'x~ (synthesised)',
        targetLabels: ['T(x~) (teacher)', 'clean source', 'prompt image'],
        samples: this.lastSynth,
        ...(this.projection ? { projection: this.projection } : {}),
      };
    }
    return null;
  }

  /** One sample from pure noise and one edit of a fixed clean image per weather's first probe image. */
  private async diffusionPreview(ctx: MethodContext): Promise<TrainingPreview> {
    const { x, labels } = this.probe!;
    const first = this.config.weathers
      .map((w) => labels.indexOf(w))
      .filter((i) => i >= 0)
      .slice(0, this.config.previewCount);
    const k = first.length;
    const refs = tf.gather(x, first) as Tensor4D;
    const prompt = this.adapter!.embed(refs);
    const clean = ctx.data.tensor(ctx.data.webClean('d4ir-preview', 0, 1, CROP));
    const cleanK = tf.tile(clean, [k, 1, 1, 1]) as Tensor4D;
    const seed = this.seed('preview');
    const sampled = await this.diffusion!.sample([k, CROP, CROP, 3], this.o.samplerSteps, prompt, seed, this.o.guidance);
    const edited = await this.diffusion!.edit(cleanK, this.o.strength, this.o.samplerSteps, prompt, seed + 1, this.o.guidance);
    try {
      const [refImgs, sampleImgs, editImgs, cleanImgs] = await Promise.all([readImages(refs), readImages(sampled), readImages(edited), readImages(cleanK)]);
      return {
        caption:
          'Conditional diffusion while it trains: for the prompt of each image on the left, a sample from pure noise and an edit of the same clean image (strength s)',
        inputLabel: 'prompt image',
        targetLabels: ['sample from noise', `edit (s = ${this.o.strength})`, 'clean image edited'],
        samples: refImgs.map((img, i) => ({ input: img, targets: [sampleImgs[i], editImgs[i], cleanImgs[i]], weather: labels[first[i]] })),
      };
    } finally {
      tf.dispose([refs, prompt, clean, cleanK, sampled, edited]);
    }
  }

  /** The synthesised bank the student learned from: each image and the teacher's restoration of it. */
  async artifacts(): Promise<Artifact[]> {
    const bank = this.bank;
    if (!bank || bank.filled === 0) return [];
    const { patch } = this.config;
    const [inputs, targets] = [bank.inputs, bank.targets].map((data) => ({ n: bank.filled, width: patch, height: patch, data }));
    return [
      {
        name: 'bank',
        title: "Synthesised training pairs: SDEdit images and the teacher's restorations of them",
        kind: 'pairs',
        inputLabel: 'x~ (synthesised)',
        targetLabel: 'T(x~) (teacher)',
        pairs: Array.from({ length: bank.filled }, (_, i) => ({
          stem: String(i).padStart(4, '0'),
          input: batchItem(inputs, i),
          target: batchItem(targets, i),
          caption: `synthesised under the prompt of a ${bank.prompts[i] ?? 'web'} image`,
        })),
      },
    ];
  }

  dispose(): void {
    for (const m of [this.adapterAdam, this.diffusionAdam, this.studentAdam, this.adapter, this.diffusion]) m?.dispose();
    this.adapterAdam = this.diffusionAdam = this.studentAdam = null;
    this.adapter = null;
    this.diffusion = null;
    if (this.probe) this.probe.x.dispose();
    this.probe = null;
    this.bank = null;
  }
}

function copyBank(b: Bank): Bank {
  return { ...b, inputs: b.inputs.slice(), targets: b.targets.slice(), prompts: [...b.prompts] };
}
