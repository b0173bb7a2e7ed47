// Supervised training of the teacher restorer on synthetic pairs of every weather type, with a
// checkpoint that resumes exactly. Framework-free: the CLI drives it in Node (and writes the
// checkpoint files), a worker could drive it in the page.
//
// Exact resumption rests on three things: the batch of step s is a pure function of
// (recipe.seed, s); the learning rate is a pure function of (recipe, s); and the checkpoint holds
// the float32 weights and Adam moments bit for bit plus Adam's integer step count.

import { tf } from '../tf';
import { makeEvalSet } from '../data/pairs';
import type { CleanSource } from '../data/clean';
import { userImageSource } from '../data/photo-source';
import { batchItem, type RGBImage } from '../data/image';
import type { WeatherType } from '../data/weather';
import { psnr } from '../metrics/image-metrics';
import { serializeRestorer, deserializeRestorer, type RestorerFiles } from '../models/io';
import { createRestorer, type Restorer } from '../models/restorer';
import { sameConfig } from '../models/restorer-config';
import { Adam, packAdamMoments, unpackAdamMoments } from './adam';
import { checkRecipe, learningRate, RECIPE_TASKS, recipeConfig, teacherBatch, teacherLoss, type TeacherRecipe } from './teacher-recipe';

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

export interface TeacherStepResult {
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
    const restorer = initial ?? createRestorer(config, { seed: recipe.seed, name: RECIPE_TASKS[recipe.task ?? 'restore'].name });
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
  async trainStep(): Promise<TeacherStepResult> {
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
        trainedBy: RECIPE_TASKS[state.recipe.task ?? 'restore'].command,
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
