// The teacher's recipe: everything that defines a training run (stored in its checkpoint), and the
// pure functions of (recipe, step) that make exact resumption possible: the batch, the learning
// rate and the loss. The trainer that runs it is teacher.ts.

import { tf } from '../tf';
import { makePairBatch, resolveSource, type CleanSourceName, type SourceOption } from '../data/pairs';
import { deadLeavesSource, mixedSource, sceneSourceWith, type CleanSource } from '../data/clean';
import { deriveSeed, Rng } from '../data/rng';
import { WEATHER_TYPES, type WeatherType } from '../data/weather';
import { checkInputSize, restorerPreset, validateRestorerConfig, type RestorerConfig, type RestorerPresetName } from '../models/restorer-config';
import { defineParams, type ParamValues } from '../run/params';
import { scheduledRate } from './schedule';
import { l1Loss } from './supervised';
import { ssimTensor } from '../metrics/tensor-metrics';

export interface TeacherRecipe {
  /**
   * What the network learns: to restore weather (degraded -> clean), or to reconstruct clean
   * images (clean -> clean: the clean-image autoencoder, docs/autoencoder.md). Absent in older
   * runs: 'restore'.
   */
  task?: RecipeTask;
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
   * Share of pairs whose weather comes from the wider training ranges (dense haze near 10 dB,
   * fine and coarse snow, the heaviest rain; SampledParamSpec.wide). Absent in older runs: 0.
   */
  extremeShare?: number;
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

export type RecipeTask = 'restore' | 'autoencode';

/** What each task trains by default and what the trained model is called. */
export const RECIPE_TASKS = {
  restore: { model: 'teacher', name: 'weatherkd_teacher', command: 'weatherkd train-teacher' },
  autoencode: { model: 'autoencoder', name: 'weatherkd_autoencoder', command: 'weatherkd train-autoencoder' },
} as const satisfies Record<RecipeTask, { model: RestorerPresetName; name: string; command: string }>;

export interface TeacherInit {
  /** The --init argument: a shipped model's name or a folder. */
  model: string;
  /** What that model's metadata says of its own training, when it says it. */
  steps: number | null;
  wallTimeMs: number | null;
  recipe: unknown;
}

/**
 * The recipe settings a new run may change: `weatherkd train-teacher` derives its flags, checks
 * and help from these rows (as distillation runs do from RUN_PARAMS); defaultTeacherRecipe holds
 * the same defaults.
 */
export const TEACHER_PARAMS = defineParams({
  batch: { type: 'int', min: 1, max: 1024, default: 8, label: 'Batch', help: 'pairs per step' },
  patch: { type: 'int', min: 8, max: 1024, default: 64, label: 'Patch', help: 'training patch side, a multiple of 8' },
  lr: { type: 'number', min: 1e-7, max: 1, default: 3e-4, log: true, label: 'Learning rate', help: 'peak learning rate' },
  warmupSteps: { type: 'int', min: 0, max: 1_000_000, default: 200, label: 'Warm-up', help: 'warm-up steps (by default 5% of the steps, at most 200)' },
  seed: { type: 'int', min: 0, max: 2 ** 32 - 1, default: 1, label: 'Seed', help: 'seed of the initial weights and of the batches' },
  identityShare: {
    type: 'number',
    min: 0,
    max: 1,
    default: 0,
    label: 'Identity share',
    help: 'share of pairs whose input is already clean, half made pale and flat',
  },
  paleSkyShare: { type: 'number', min: 0, max: 1, default: 0, label: 'Pale-sky share', help: 'share of scenes with a pale, low-contrast sky' },
  farDepth: {
    type: 'number',
    min: 0,
    max: 1,
    default: 1,
    label: 'Far depth',
    help: "clip each image's depth at a level drawn from [value, 1], so haze leaves the sky partly visible",
  },
  litterShare: { type: 'number', min: 0, max: 1, default: 0, label: 'Litter share', help: 'share of scenes with fallen leaves and grass blades on the ground' },
  extremeShare: {
    type: 'number',
    min: 0,
    max: 1,
    default: 0,
    label: 'Extreme share',
    help: 'share of pairs whose weather is drawn from wider ranges: dense haze, fine and coarse snow, the heaviest rain',
  },
  ssimWeight: {
    type: 'number',
    min: 0,
    max: 10,
    default: 0,
    label: 'SSIM weight',
    help: 'add this times (1 - SSIM on Y) to the L1 loss, to keep fine texture',
  },
  weathers: { type: 'list', values: WEATHER_TYPES, default: [...WEATHER_TYPES] as WeatherType[], label: 'Weathers', help: 'weather types to train on' },
});

export type TeacherParams = ParamValues<typeof TEACHER_PARAMS>;

// Batch 8 of 64x64: a step of the teacher costs 3 x 5.9 GFLOP (forward + backward) and runs at
// about 1.4 steps/s (25 GFLOP/s) on WASM in Node, one thread. Larger patches would help haze,
// whose cue is global, but cost time in proportion; in a run of ~100 minutes more steps matter more.
export function defaultTeacherRecipe(steps = 7000, task: RecipeTask = 'restore'): TeacherRecipe {
  return {
    ...(task === 'restore' ? {} : { task }),
    model: RECIPE_TASKS[task].model,
    steps,
    batch: TEACHER_PARAMS.batch.default,
    patch: TEACHER_PARAMS.patch.default,
    // Measured on this network (no normalisation layers): 4e-3 diverges at once; a long run at
    // 1e-3 collapsed after a few hundred steps and never recovered; 3e-4 ran 6500 steps stably.
    lr: TEACHER_PARAMS.lr.default,
    warmupSteps: Math.min(TEACHER_PARAMS.warmupSteps.default, Math.max(1, Math.round(0.05 * steps))),
    finalLrFraction: 0.02,
    beta1: 0.9,
    beta2: 0.999,
    epsilon: 1e-8,
    seed: TEACHER_PARAMS.seed.default,
    source: 'mixed',
    weathers: [...TEACHER_PARAMS.weathers.default],
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
  for (const name of ['identityShare', 'paleSkyShare', 'litterShare', 'extremeShare', 'farDepth'] as const) {
    const v = recipe[name] ?? 0;
    if (!(v >= 0 && v <= 1)) throw new RangeError(`${name} must be in [0, 1], got ${v}`);
  }
  if (recipe.photos) {
    const { share, names } = recipe.photos;
    if (!(share >= 0 && share <= 1)) throw new RangeError(`photos.share must be in [0, 1], got ${share}`);
    if (names.length === 0) throw new RangeError('photos: no photos listed');
  }
  if (recipe.task !== undefined && !(recipe.task in RECIPE_TASKS)) throw new RangeError(`unknown task "${String(recipe.task)}"`);
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
  return tf.tidy(() =>
    l1Loss(predicted, clean).add(
      tf
        .scalar(1)
        .sub(ssimTensor(predicted, clean, 'y').mean())
        .mul(w),
    ),
  );
}

/** Learning rate of step s (0-based): linear warm-up to lr, then cosine decay to lr * final. */
export function learningRate(recipe: TeacherRecipe, s: number): number {
  const { lr, warmupSteps, steps, finalLrFraction } = recipe;
  return scheduledRate({ lr, steps, warmupSteps, finalFraction: finalLrFraction, kind: 'cosine' }, s);
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
  const pairs = makePairBatch({ n, size: patch, seed, weathers: recipe.weathers, source: recipeSource(recipe, photos), extremeShare: recipe.extremeShare });
  const y = pairs.clean.data;
  // The autoencoder reconstructs the clean image: its input is the clean image itself.
  const x = recipe.task === 'autoencode' ? y.slice() : pairs.degraded.data;
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
