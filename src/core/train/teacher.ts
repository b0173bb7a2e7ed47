// Supervised training of the teacher restorer on synthetic pairs of every weather type, with a
// checkpoint that resumes exactly. Framework-free: the CLI drives it in Node (and writes the
// checkpoint files), a worker could drive it in the page.
//
// Exact resumption rests on three things: the batch of step s is a pure function of
// (recipe.seed, s); the learning rate is a pure function of (recipe, s); and the checkpoint holds
// the float32 weights and Adam moments bit for bit plus Adam's integer step count.

import { tf } from '../tf';
import { makeEvalSet, makePairBatch, resolveSource, type CleanSourceName, type SourceOption } from '../data/pairs';
import { deadLeavesSource, mixedSource, sceneSourceWith, type CleanSource } from '../data/clean';
import { userImageSource } from '../data/photo-source';
import { batchItem, type RGBImage } from '../data/image';
import { deriveSeed, Rng } from '../data/rng';
import { WEATHER_TYPES, type WeatherType } from '../data/weather';
import { psnr } from '../metrics/image-metrics';
import { serializeRestorer, deserializeRestorer, type RestorerFiles } from '../models/io';
import { createRestorer, type Restorer } from '../models/restorer';
import {
  checkInputSize,
  restorerPreset,
  sameConfig,
  validateRestorerConfig,
  type RestorerConfig,
  type RestorerPresetName,
} from '../models/restorer-config';
import { Adam, packAdamMoments, unpackAdamMoments } from './adam';
import { l1Loss } from './supervised';
import { ssimTensor } from '../metrics/tensor-metrics';

/** Everything that defines a training run; stored in the checkpoint. */
export interface TeacherRecipe {
  /** Architecture: a preset name or a full config. */
  model: RestorerPresetName | RestorerConfig;
  /** Total optimizer steps; the cosine schedule ends here. */
  steps: number;
  batch: number;
  /** Square training patch side; a multiple of the model's size multiple. */
  patch: number;
  /** Peak learning rate, reached at the end of the linear warm-up. */
  lr: number;
  warmupSteps: number;
  /** The cosine decay ends at lr * finalLrFraction. */
  finalLrFraction: number;
  beta1: number;
  beta2: number;
  epsilon: number;
  /** Seeds the weight initialisation and the batch stream. */
  seed: number;
  source: CleanSourceName | 'mixed';
  weathers: WeatherType[];
  loss: 'l1';
  /**
   * Adds ssimWeight * (1 - SSIM on Y) to the L1 loss. L1 barely notices a network smoothing away
   * fine, low-contrast texture (grass, foliage); SSIM's structure term, normalised by the local
   * variance, does. Absent in older runs: 0.
   */
  ssimWeight?: number;
  /** The small validation set run at each checkpoint: per weather type. */
  validation: { count: number; size: number; seed: number };
  /**
   * Share of batch items whose input is their clean image (half of those first made pale and
   * flat): teaches the network to leave weather-free regions alone. Absent in older runs: 0.
   */
  identityShare?: number;
  /** Share of procedural scenes drawn with a pale, low-contrast sky. Absent in older runs: 0. */
  paleSkyShare?: number;
  /** Share of procedural scenes with leaves and grass blades on the ground. Absent in older runs: 0. */
  litterShare?: number;
  /**
   * Each clean image's depth is clipped at a level drawn from [farDepth, 1], so haze and veils
   * leave the far field (the sky) partly visible more often: a network that must invent a sky
   * from pure airlight learns to paint skies into every bright region. Absent in older runs: 1.
   */
  farDepth?: number;
  /**
   * Clean photos as a third source (random crops at random zoom, depth from a prior): `share` of
   * the scenes come from them. The trainer is handed the decoded photos; the recipe keeps where
   * they came from and their names, so a resumed run can check it got the same ones.
   */
  photos?: { dir: string; names: string[]; share: number };
  /** The model this run's weights started from, when it fine-tunes one (provenance only). */
  init?: TeacherInit;
}

export interface TeacherInit {
  /** The --init argument: a shipped model's name or a folder. */
  model: string;
  /** What that model's metadata says of its own training, when it says it. */
  steps: number | null;
  wallTimeMs: number | null;
  recipe: unknown;
}

// Batch 8 of 64x64: a step of the teacher costs 3 x 5.9 GFLOP (forward + backward) and runs at
// about 1.4 steps/s (25 GFLOP/s) on WASM in Node, one thread. Larger patches would help haze,
// whose cue is global, but cost time in proportion; in a run of ~100 minutes more steps matter more.
export function defaultTeacherRecipe(steps = 7000): TeacherRecipe {
  return {
    model: 'teacher',
    steps,
    batch: 8,
    patch: 64,
    // Measured on this network (no normalisation layers): 4e-3 diverges at once; a long run at
    // 1e-3 collapsed after a few hundred steps and never recovered; 3e-4 ran 6500 steps stably.
    lr: 3e-4,
    warmupSteps: Math.min(200, Math.max(1, Math.round(0.05 * steps))),
    finalLrFraction: 0.02,
    beta1: 0.9,
    beta2: 0.999,
    epsilon: 1e-8,
    seed: 1,
    source: 'mixed',
    weathers: [...WEATHER_TYPES],
    loss: 'l1',
    validation: { count: 2, size: 96, seed: 7 },
  };
}

export function recipeConfig(recipe: TeacherRecipe): RestorerConfig {
  return typeof recipe.model === 'string' ? restorerPreset(recipe.model) : validateRestorerConfig(recipe.model);
}

/** Throws with a readable message when a recipe cannot be trained. */
export function checkRecipe(recipe: TeacherRecipe): void {
  const int = (name: string, v: number, min: number) => {
    if (!Number.isInteger(v) || v < min) throw new RangeError(`${name} must be an integer >= ${min}, got ${v}`);
  };
  int('steps', recipe.steps, 1);
  int('batch', recipe.batch, 1);
  int('patch', recipe.patch, 1);
  int('warmupSteps', recipe.warmupSteps, 0);
  if (!(recipe.lr > 0 && recipe.lr < 1)) throw new RangeError(`lr must be in (0, 1), got ${recipe.lr}`);
  if (!(recipe.finalLrFraction >= 0 && recipe.finalLrFraction <= 1)) {
    throw new RangeError(`finalLrFraction must be in [0, 1], got ${recipe.finalLrFraction}`);
  }
  const ssimWeight = recipe.ssimWeight ?? 0;
  if (!(ssimWeight >= 0 && ssimWeight <= 10)) throw new RangeError(`ssimWeight must be in [0, 10], got ${ssimWeight}`);
  for (const name of ['identityShare', 'paleSkyShare', 'litterShare', 'farDepth'] as const) {
    const v = recipe[name] ?? 0;
    if (!(v >= 0 && v <= 1)) throw new RangeError(`${name} must be in [0, 1], got ${v}`);
  }
  if (recipe.photos) {
    const { share, names } = recipe.photos;
    if (!(share >= 0 && share <= 1)) throw new RangeError(`photos.share must be in [0, 1], got ${share}`);
    if (names.length === 0) throw new RangeError('photos: no photos listed');
  }
  if (recipe.weathers.length === 0) throw new RangeError('weathers must not be empty');
  for (const w of recipe.weathers) {
    if (!(WEATHER_TYPES as readonly string[]).includes(w)) throw new RangeError(`unknown weather type "${w}"`);
  }
  const config = recipeConfig(recipe);
  checkInputSize(config, recipe.patch, recipe.patch);
  checkInputSize(config, recipe.validation.size, recipe.validation.size);
}

/** The training loss of a predicted batch against its clean targets. */
export function teacherLoss(recipe: TeacherRecipe, predicted: tf.Tensor4D, clean: tf.Tensor4D): tf.Scalar {
  const w = recipe.ssimWeight ?? 0;
  if (w === 0) return l1Loss(predicted, clean);
  return tf.tidy(() => l1Loss(predicted, clean).add(tf.scalar(1).sub(ssimTensor(predicted, clean, 'y').mean()).mul(w)));
}

/** Learning rate of step s (0-based): linear warm-up to lr, then cosine decay to lr * final. */
export function learningRate(recipe: TeacherRecipe, s: number): number {
  const { lr, warmupSteps, steps, finalLrFraction } = recipe;
  if (s < warmupSteps) return (lr * (s + 1)) / warmupSteps;
  const span = Math.max(1, steps - warmupSteps - 1);
  const p = Math.min(1, (s - warmupSteps) / span);
  return lr * (finalLrFraction + (1 - finalLrFraction) * 0.5 * (1 + Math.cos(Math.PI * p)));
}

/** Seed of the batch of step s: every step draws fresh pairs, reproducibly. */
export function batchSeed(recipe: TeacherRecipe, s: number): number {
  return deriveSeed(recipe.seed, 'teacher-batch', s);
}

function recipeSource(recipe: TeacherRecipe, photos: CleanSource | undefined): SourceOption {
  const pale = recipe.paleSkyShare ?? 0;
  const litter = recipe.litterShare ?? 0;
  let source: SourceOption = recipe.source;
  if ((pale > 0 || litter > 0) && recipe.source !== 'dead-leaves') {
    const scenes = sceneSourceWith({ paleSkyShare: pale, litterShare: litter });
    source = recipe.source === 'scene' ? scenes : mixedSource([scenes, deadLeavesSource]);
  }
  if (recipe.photos && recipe.photos.share > 0) {
    if (!photos) throw new Error(`this recipe draws ${recipe.photos.share * 100}% of its scenes from photos, but none were given`);
    source = mixedSource([resolveSource(source), photos], [1 - recipe.photos.share, recipe.photos.share]);
  }
  const far = recipe.farDepth ?? 1;
  return far < 1 ? clipDepth(resolveSource(source), far) : source;
}

function clipDepth(source: CleanSource, lowest: number): CleanSource {
  return {
    name: source.name,
    generate(width, height, seed) {
      const sample = source.generate(width, height, seed);
      const cap = new Rng(deriveSeed(seed, 'far-depth')).uniform(lowest, 1);
      return { image: sample.image, depth: sample.depth.map((d) => Math.min(d, cap)) };
    },
  };
}

/**
 * Makes a clean image pale and flat in place: out = lo + c * x per channel, lo and c drawn so the
 * result is bright and low in contrast, like an overcast sky, a wet pavement or a white wall.
 */
function flatten(data: Float32Array, offset: number, length: number, rng: Rng): void {
  const c = rng.uniform(0.2, 0.6);
  const lo = rng.uniform(Math.max(0, 0.55 - 0.5 * c), 1 - c);
  const tint = [rng.uniform(-0.03, 0.03), rng.uniform(-0.03, 0.03), rng.uniform(-0.03, 0.03)];
  for (let i = 0; i < length; i++) {
    const v = lo + tint[i % 3] + c * data[offset + i];
    data[offset + i] = v < 0 ? 0 : v > 1 ? 1 : v;
  }
}

/**
 * The (degraded, clean) batch of step s, flat NHWC: a pure function of (recipe, s) and, when the
 * recipe uses photos, of the photo source.
 */
export function teacherBatch(recipe: TeacherRecipe, s: number, photos?: CleanSource): { x: Float32Array; y: Float32Array } {
  const { batch: n, patch } = recipe;
  const seed = batchSeed(recipe, s);
  const pairs = makePairBatch({ n, size: patch, seed, weathers: recipe.weathers, source: recipeSource(recipe, photos) });
  const x = pairs.degraded.data;
  const y = pairs.clean.data;
  const share = recipe.identityShare ?? 0;
  if (share > 0) {
    const len = patch * patch * 3;
    for (let i = 0; i < n; i++) {
      const rng = new Rng(deriveSeed(seed, 'identity', i));
      if (!rng.bool(share)) continue;
      if (rng.bool(0.5)) flatten(y, i * len, len, rng);
      x.set(y.subarray(i * len, (i + 1) * len), i * len);
    }
  }
  return { x, y };
}

export interface ValidationRecord {
  step: number;
  /** Mean RGB PSNR of the restored images (clamped to [0, 1]) per weather type, dB. */
  psnr: Partial<Record<WeatherType, number>>;
  /** The same for the degraded inputs: the bar to beat. */
  inputPsnr: Partial<Record<WeatherType, number>>;
  meanPsnr: number;
  meanInputPsnr: number;
  /** Mean RGB PSNR of the restored clean images against themselves: what the network harms. */
  identityPsnr?: number;
}

/** One stretch of training in one process. */
export interface SessionRecord {
  startedAt: string;
  fromStep: number;
  toStep: number;
  elapsedMs: number;
  backend: string;
  device: string;
}

export const TEACHER_CHECKPOINT_FORMAT = 'weatherkd-teacher-checkpoint';
export const TEACHER_CHECKPOINT_VERSION = 1;

/** The JSON part of a checkpoint (the weights and Adam moments travel as binary files). */
export interface TeacherState {
  format: typeof TEACHER_CHECKPOINT_FORMAT;
  version: number;
  recipe: TeacherRecipe;
  /** Steps completed. */
  step: number;
  /** Wall time of all sessions, ms. */
  elapsedMs: number;
  /** Loss of every completed step (6 significant digits). */
  losses: number[];
  validations: ValidationRecord[];
  sessions: SessionRecord[];
  /** Adam's step count and the layout of its moments in the binary file. */
  optimizer: { t: number; names: string[]; shapes: number[][] };
}

export interface TeacherCheckpoint {
  state: TeacherState;
  model: RestorerFiles;
  /** Adam's first moments, then second moments, float32, in `optimizer.shapes` order. */
  optimizerMoments: ArrayBuffer;
}

export interface SessionInfo {
  backend: string;
  device: string;
}

export interface StepResult {
  /** Steps completed, including this one. */
  step: number;
  loss: number;
  lr: number;
}

/** Thrown when a step's loss is not finite; the weights are left as they were before the step. */
export class DivergedError extends Error {
  override name = 'DivergedError';
}

const round6 = (v: number): number => Number(v.toPrecision(6));

export class TeacherTrainer {
  private readonly variables: tf.Variable[];
  private readonly session: SessionRecord;
  private readonly sessionStart = performance.now();
  private valSets: { weather: WeatherType; x: Float32Array; y: Float32Array }[] | null = null;
  private readonly photoSource: CleanSource | undefined;

  private constructor(
    readonly restorer: Restorer,
    private readonly adam: Adam,
    private readonly state: TeacherState,
    info: SessionInfo,
    photos: readonly RGBImage[] | undefined,
  ) {
    this.variables = restorer.trainableWeights;
    this.photoSource = photos && photos.length > 0 ? userImageSource(photos) : undefined;
    this.session = { startedAt: new Date().toISOString(), fromStep: state.step, toStep: state.step, elapsedMs: 0, ...info };
  }

  /**
   * A fresh run: weights initialised from recipe.seed, or taken over from `initial` (fine-tuning;
   * the trainer then owns it). The optimizer and the schedule start afresh either way.
   */
  static create(recipe: TeacherRecipe, info: SessionInfo, initial?: Restorer, photos?: readonly RGBImage[]): TeacherTrainer {
    checkRecipe(recipe);
    checkPhotos(recipe, photos);
    const config = recipeConfig(recipe);
    if (initial && !sameConfig(initial.config, config)) {
      throw new Error(`the initial model's architecture differs from the recipe's: ${JSON.stringify(initial.config)}`);
    }
    const restorer = initial ?? createRestorer(config, { seed: recipe.seed, name: 'weatherkd_teacher' });
    const adam = new Adam(restorer.trainableWeights, recipe);
    const state: TeacherState = {
      format: TEACHER_CHECKPOINT_FORMAT,
      version: TEACHER_CHECKPOINT_VERSION,
      recipe: structuredClone(recipe),
      step: 0,
      elapsedMs: 0,
      losses: [],
      validations: [],
      sessions: [],
      optimizer: { t: 0, names: [], shapes: [] },
    };
    return new TeacherTrainer(restorer, adam, state, info, photos);
  }

  /** Continues a run from a checkpoint, exactly where it stopped (given the same photos, if any). */
  static async resume(checkpoint: TeacherCheckpoint, info: SessionInfo, photos?: readonly RGBImage[]): Promise<TeacherTrainer> {
    const state = structuredClone(checkpoint.state);
    checkState(state);
    checkPhotos(state.recipe, photos);
    const restorer = await deserializeRestorer(checkpoint.model.modelJson, checkpoint.model.weightsBin);
    try {
      const adam = new Adam(restorer.trainableWeights, state.recipe);
      try {
        const { m, v } = unpackAdamMoments(checkpoint.optimizerMoments, state.optimizer.shapes);
        adam.setState({ ...state.optimizer, m, v });
      } catch (e) {
        adam.dispose();
        throw e;
      }
      return new TeacherTrainer(restorer, adam, state, info, photos);
    } catch (e) {
      restorer.dispose();
      throw e;
    }
  }

  get recipe(): Readonly<TeacherRecipe> {
    return this.state.recipe;
  }

  /** Steps completed. */
  get step(): number {
    return this.state.step;
  }

  get losses(): readonly number[] {
    return this.state.losses;
  }

  get validations(): readonly ValidationRecord[] {
    return this.state.validations;
  }

  /** Wall time of all sessions so far, ms. */
  get elapsedMs(): number {
    return this.state.elapsedMs + (performance.now() - this.sessionStart);
  }

  /**
   * Changes the total step count (e.g. to train on past the end). The cosine schedule stretches to
   * the new total, so later steps differ from a run planned with that total from the start.
   */
  setTotalSteps(steps: number): void {
    if (!Number.isInteger(steps) || steps < 1) throw new RangeError(`steps must be a positive integer, got ${steps}`);
    this.state.recipe.steps = steps;
  }

  /** One optimizer step on a fresh batch. */
  async trainStep(): Promise<StepResult> {
    const { recipe } = this.state;
    const s = this.state.step;
    const lr = learningRate(recipe, s);
    const { batch: n, patch } = recipe;
    const data = teacherBatch(recipe, s, this.photoSource);
    const x = tf.tensor4d(data.x, [n, patch, patch, 3]);
    const y = tf.tensor4d(data.y, [n, patch, patch, 3]);
    let loss: number;
    try {
      const { value, grads } = tf.variableGrads(() => teacherLoss(recipe, this.restorer.predict(x), y), this.variables);
      try {
        // Read the loss before updating, so a diverged step leaves the weights untouched.
        loss = (await value.data())[0];
        if (!Number.isFinite(loss)) {
          throw new DivergedError(`the loss is ${loss} at step ${s + 1}: training diverged (try a lower learning rate)`);
        }
        this.adam.apply(grads, lr);
      } finally {
        tf.dispose([value, ...Object.values(grads)]);
      }
    } finally {
      tf.dispose([x, y]);
    }
    this.state.step = s + 1;
    this.state.losses.push(round6(loss));
    this.session.toStep = this.state.step;
    return { step: this.state.step, loss, lr };
  }

  /** PSNR on the small fixed validation set; recorded in the state. */
  async validate(): Promise<ValidationRecord> {
    const { count, size, seed } = this.state.recipe.validation;
    this.valSets ??= this.state.recipe.weathers.map((weather) => {
      const b = makeEvalSet(weather, count, size, seed);
      return { weather, x: b.degraded.data, y: b.clean.data };
    });
    const record: ValidationRecord = { step: this.step, psnr: {}, inputPsnr: {}, meanPsnr: 0, meanInputPsnr: 0 };
    const restore = async (x: Float32Array): Promise<Float32Array> => {
      const input = tf.tensor4d(x, [count, size, size, 3]);
      const out = tf.tidy(() => tf.clipByValue(this.restorer.predict(input), 0, 1));
      const restored = (await out.data()) as Float32Array;
      tf.dispose([input, out]);
      return restored;
    };
    const batch = (data: Float32Array) => ({ n: count, width: size, height: size, data });
    const meanPsnr = (a: Float32Array, b: Float32Array): number => {
      let sum = 0;
      for (let i = 0; i < count; i++) sum += psnr(batchItem(batch(a), i), batchItem(batch(b), i));
      return sum / count;
    };
    let identity = 0;
    for (const { weather, x, y } of this.valSets) {
      record.psnr[weather] = round6(meanPsnr(await restore(x), y));
      record.inputPsnr[weather] = round6(meanPsnr(x, y));
      identity += meanPsnr(await restore(y), y);
    }
    record.identityPsnr = round6(identity / this.valSets.length);
    const mean = (r: Partial<Record<WeatherType, number>>) => {
      const v = Object.values(r) as number[];
      return round6(v.reduce((a, b) => a + b, 0) / v.length);
    };
    record.meanPsnr = mean(record.psnr);
    record.meanInputPsnr = mean(record.inputPsnr);
    this.state.validations = this.state.validations.filter((v) => v.step !== record.step);
    this.state.validations.push(record);
    return record;
  }

  /** A snapshot of the run: weights, optimizer and state (with this session's wall time). */
  async checkpoint(): Promise<TeacherCheckpoint> {
    const elapsedMs = this.elapsedMs;
    this.session.elapsedMs = Math.round(elapsedMs - this.state.elapsedMs);
    const adamState = await this.adam.getState();
    const state: TeacherState = {
      ...structuredClone(this.state),
      elapsedMs: Math.round(elapsedMs),
      sessions: [...this.state.sessions, { ...this.session }],
      optimizer: { t: adamState.t, names: adamState.names, shapes: adamState.shapes },
    };
    const model = await serializeRestorer(this.restorer, {
      info: {
        trainedBy: 'weatherkd train-teacher',
        step: state.step,
        elapsedMs: state.elapsedMs,
        recipe: state.recipe,
        backend: this.session.backend,
      },
    });
    return { state, model, optimizerMoments: packAdamMoments(adamState) };
  }

  dispose(): void {
    this.adam.dispose();
    this.restorer.dispose();
  }
}

function checkPhotos(recipe: TeacherRecipe, photos: readonly RGBImage[] | undefined): void {
  const listed = recipe.photos?.names.length ?? 0;
  if ((photos?.length ?? 0) !== listed) {
    throw new Error(`the recipe lists ${listed} photos, but ${photos?.length ?? 0} were given`);
  }
}

function checkState(state: TeacherState): void {
  if (state.format !== TEACHER_CHECKPOINT_FORMAT) throw new Error(`not a teacher checkpoint (format "${String(state.format)}")`);
  if (state.version > TEACHER_CHECKPOINT_VERSION) {
    throw new Error(`checkpoint version ${state.version} is newer than this build reads (${TEACHER_CHECKPOINT_VERSION})`);
  }
  checkRecipe(state.recipe);
  if (!Number.isInteger(state.step) || state.step < 0) throw new Error(`checkpoint step ${state.step} is invalid`);
  if (state.optimizer.t !== state.step) {
    throw new Error(`checkpoint is inconsistent: step ${state.step} but the optimizer made ${state.optimizer.t} updates`);
  }
  if (state.losses.length !== state.step) {
    throw new Error(`checkpoint is inconsistent: step ${state.step} but ${state.losses.length} losses recorded`);
  }
}
