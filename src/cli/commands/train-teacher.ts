// weatherkd train-teacher [--steps N] [--out DIR] [--resume DIR]: trains the teacher preset on
// synthetic pairs of every weather type, with a progress line on stderr and checkpoints that a
// later run continues from exactly (so one long training can span several runs). The training
// itself is in ../teacher-training.ts, loaded only when this command runs.

import { UsageError, defineCommand } from '../command';
import { backendOption } from '../common-options';
import { floatOption, intOption } from '../number-option';
import { WEATHER_TYPES, type WeatherType } from '../../core/data/weather';

export const DEFAULT_RUN_DIR = '.teacher-run';
// About 90 minutes on one core (WASM); stage 1 of the shipped teacher ran 6500 steps.
export const DEFAULT_STEPS = 7000;

/** Recipe settings a new run may set; a resumed run keeps its own. */
export interface RecipeFlags {
  batch?: number;
  patch?: number;
  lr?: number;
  warmup?: number;
  seed?: number;
  identityShare?: number;
  paleSkyShare?: number;
  farDepth?: number;
  litterShare?: number;
  ssimWeight?: number;
  /** The weather types batches are drawn from, uniformly (default: all). */
  weathers?: WeatherType[];
  /** A folder of clean photos, and the share of scenes drawn from it. */
  photos?: { dir: string; share: number };
}

export interface TrainTeacherArgs {
  /** Total steps to reach; undefined: DEFAULT_STEPS for a new run, the recipe's for a resumed one. */
  steps: number | undefined;
  outDir: string;
  resume: string | undefined;
  /** Start a new run from this model's weights (fine-tuning). */
  init: string | undefined;
  recipe: RecipeFlags;
  checkpointEverySteps: number;
  checkpointEveryMs: number;
  logEvery: number;
  backend: string;
}

/** Parses --weathers: known types, each at most once. */
function weatherList(value: string): WeatherType[] {
  const names = value
    .split(',')
    .map((w) => w.trim())
    .filter((w) => w !== '');
  if (names.length === 0) throw new UsageError('--weathers needs at least one weather type');
  for (const w of names) {
    if (!(WEATHER_TYPES as readonly string[]).includes(w)) {
      throw new UsageError(`--weathers: unknown weather type "${w}" (known: ${WEATHER_TYPES.join(', ')})`);
    }
  }
  if (new Set(names).size !== names.length) throw new UsageError('--weathers lists a weather type twice');
  return names as WeatherType[];
}

export const trainTeacherCommand = defineCommand({
  name: 'train-teacher',
  summary: 'train the teacher on synthetic pairs of every weather type (resumable)',
  positionals: [],
  description: [
    'Trains the "teacher" restorer preset with L1 loss and Adam (linear warm-up, then cosine decay)',
    'on synthetic (degraded, clean) pairs: every weather type (or those --weathers lists) and both',
    'clean sources (procedural scenes and dead leaves) mixed in every batch, fresh pairs at every',
    'step. A progress line goes to stderr. A checkpoint (weights, Adam moments, step, recipe,',
    'losses, validation PSNR) is written atomically to DIR/checkpoint every --checkpoint-every steps',
    'or --checkpoint-minutes, at the end, and on Ctrl-C or SIGTERM (a job started in the background',
    'ignores Ctrl-C: use "kill PID"). --resume DIR continues exactly where the run stopped, bit for',
    "bit, and goes on up to --steps in total. --init MODEL starts a new run from a trained model's weights",
    '(fine-tuning, e.g. with --identity-share, --pale-sky-share and --far-depth, which teach it to',
    'leave clean, pale regions alone); the run records the model it started from. --photos DIR adds',
    'clean photos (PNG, JPEG, WebP, BMP) as a source of scenes: random crops at random zoom, with a',
    'depth prior for haze; a resumed run reads them again from the same folder. Use the result',
    'with --model DIR in "restore" and "eval".',
  ].join('\n'),
  options: {
    steps: { type: 'string', valueName: 'N', description: `total steps to reach (default: ${DEFAULT_STEPS}, or the resumed run's)` },
    out: { type: 'string', valueName: 'DIR', description: `run folder (default: ${DEFAULT_RUN_DIR}, or the resumed one)` },
    resume: { type: 'string', valueName: 'DIR', description: 'continue the run saved in DIR' },
    batch: { type: 'string', valueName: 'N', description: 'pairs per step (new runs; default 8)' },
    patch: { type: 'string', valueName: 'PX', description: 'training patch side, a multiple of 8 (new runs; default 64)' },
    lr: { type: 'string', valueName: 'RATE', description: 'peak learning rate (new runs; default 0.0003)' },
    warmup: { type: 'string', valueName: 'N', description: 'warm-up steps (new runs; default 5% of the steps, at most 200)' },
    seed: { type: 'string', valueName: 'N', description: 'seed of the initial weights and of the batches (new runs; default 1)' },
    init: {
      type: 'string',
      valueName: 'MODEL',
      description: 'start from these weights (teacher or a folder) with a fresh optimizer and schedule: fine-tuning (new runs)',
    },
    'identity-share': {
      type: 'string',
      valueName: 'F',
      description: 'share of pairs whose input is already clean, half made pale and flat (new runs; default 0)',
    },
    'pale-sky-share': { type: 'string', valueName: 'F', description: 'share of scenes with a pale, low-contrast sky (new runs; default 0)' },
    'far-depth': {
      type: 'string',
      valueName: 'D',
      description: "clip each image's depth at a level drawn from [D, 1], so haze leaves the sky partly visible (new runs; default 1)",
    },
    'litter-share': { type: 'string', valueName: 'F', description: 'share of scenes with fallen leaves and grass blades on the ground (new runs; default 0)' },
    'ssim-weight': { type: 'string', valueName: 'W', description: 'add W x (1 - SSIM on Y) to the L1 loss, to keep fine texture (new runs; default 0)' },
    weathers: {
      type: 'string',
      valueName: 'LIST',
      description: `comma-separated weather types to train on (new runs; default all: ${WEATHER_TYPES.join(',')})`,
    },
    photos: { type: 'string', valueName: 'DIR', description: 'also draw scenes from the clean photos in DIR (new runs)' },
    'photo-share': { type: 'string', valueName: 'F', description: 'share of scenes drawn from --photos (default 0.5)' },
    'checkpoint-every': { type: 'string', valueName: 'N', default: '500', description: 'write a checkpoint every N steps' },
    'checkpoint-minutes': { type: 'string', valueName: 'M', default: '5', description: 'and at least every M minutes' },
    'log-every': { type: 'string', valueName: 'N', default: '10', description: 'progress line every N steps when stderr is not a terminal' },
    backend: backendOption('wasm'),
  },
  async run({ values }, io) {
    const recipe: RecipeFlags = {
      ...(values.batch !== undefined ? { batch: intOption('batch', values.batch, 1, 1024) } : {}),
      ...(values.patch !== undefined ? { patch: intOption('patch', values.patch, 8, 1024) } : {}),
      ...(values.lr !== undefined ? { lr: floatOption('lr', values.lr, 0, 1) } : {}),
      ...(values.warmup !== undefined ? { warmup: intOption('warmup', values.warmup, 0) } : {}),
      ...(values.seed !== undefined ? { seed: intOption('seed', values.seed, 0, 2 ** 32 - 1) } : {}),
      ...(values['identity-share'] !== undefined ? { identityShare: floatOption('identity-share', values['identity-share'], 0, 1) } : {}),
      ...(values['pale-sky-share'] !== undefined ? { paleSkyShare: floatOption('pale-sky-share', values['pale-sky-share'], 0, 1) } : {}),
      ...(values['far-depth'] !== undefined ? { farDepth: floatOption('far-depth', values['far-depth'], 0, 1) } : {}),
      ...(values['litter-share'] !== undefined ? { litterShare: floatOption('litter-share', values['litter-share'], 0, 1) } : {}),
      ...(values['ssim-weight'] !== undefined ? { ssimWeight: floatOption('ssim-weight', values['ssim-weight'], 0, 10) } : {}),
      ...(values.weathers !== undefined ? { weathers: weatherList(values.weathers) } : {}),
      ...(values.photos !== undefined
        ? { photos: { dir: values.photos, share: values['photo-share'] === undefined ? 0.5 : floatOption('photo-share', values['photo-share'], 0, 1) } }
        : {}),
    };
    if (values['photo-share'] !== undefined && values.photos === undefined) throw new UsageError('--photo-share needs --photos DIR');
    if (values.resume !== undefined && Object.keys(recipe).length > 0) {
      throw new UsageError(`--${Object.keys(recipe)[0]} cannot change when resuming: the run keeps the recipe it started with`);
    }
    if (values.resume !== undefined && values.init !== undefined) {
      throw new UsageError('--init starts a new run; a resumed run keeps the weights it has');
    }
    const args: TrainTeacherArgs = {
      steps: values.steps === undefined ? undefined : intOption('steps', values.steps, 1),
      outDir: values.out ?? values.resume ?? DEFAULT_RUN_DIR,
      resume: values.resume,
      init: values.init,
      recipe,
      checkpointEverySteps: intOption('checkpoint-every', values['checkpoint-every'], 1),
      checkpointEveryMs: floatOption('checkpoint-minutes', values['checkpoint-minutes'], 0, 1e6) * 60_000,
      logEvery: intOption('log-every', values['log-every'], 1),
      backend: values.backend ?? 'wasm',
    };
    const { trainTeacher } = await import('../teacher-training');
    await trainTeacher(args, io);
  },
});
