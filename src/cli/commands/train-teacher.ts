// weatherkd train-teacher [--steps N] [--out DIR] [--resume DIR]: trains the teacher preset on
// synthetic pairs of every weather type, with a progress line on stderr and checkpoints that a
// later run continues from exactly (so one long training can span several runs). The training
// itself is in ../teacher-training.ts, loaded only when this command runs.
// weatherkd train-autoencoder: the same trainer and flags on the clean-image autoencoder task
// (clean -> clean, docs/autoencoder.md).

import { UsageError, defineCommand } from '../command';
import { backendOption } from '../common-options';
import { floatOption, intOption } from '../number-option';
import { TEACHER_PARAMS, type RecipeTask, type TeacherParams } from '../../core/train/teacher-recipe';
import { formatParam, parseParamText, type ParamSpec, type ParamValue } from '../../core/run/params';

/** Per task: the default run folder and length. */
export const TASK_DEFAULTS: Record<RecipeTask, { dir: string; steps: number }> = {
  // About 90 minutes on one core (WASM); stage 1 of the shipped teacher ran 6500 steps.
  restore: { dir: '.teacher-run', steps: 7000 },
  // About 50 minutes on one core (WASM); the shipped autoencoder ran 3000 steps.
  autoencode: { dir: '.autoencoder-run', steps: 3000 },
};

/** Recipe settings a new run may set (TEACHER_PARAMS); a resumed run keeps its own. */
export type RecipeFlags = Partial<TeacherParams> & {
  /** A folder of clean photos, the share of scenes drawn from it, and photos to leave out (held out for testing). */
  photos?: { dir: string; share: number; exclude: string[] };
};

/** Flag -> TEACHER_PARAMS row: the flags' checks and help come from the table. */
const FLAGS = {
  batch: 'batch',
  patch: 'patch',
  lr: 'lr',
  warmup: 'warmupSteps',
  seed: 'seed',
  'identity-share': 'identityShare',
  'pale-sky-share': 'paleSkyShare',
  'far-depth': 'farDepth',
  'litter-share': 'litterShare',
  'extreme-share': 'extremeShare',
  'ssim-weight': 'ssimWeight',
  weathers: 'weathers',
} as const satisfies Record<string, keyof typeof TEACHER_PARAMS>;
type Flag = keyof typeof FLAGS;

/** Weather does not enter the autoencoder's training: flags about it are the teacher's only. */
const WEATHER_FLAGS: readonly Flag[] = ['identity-share', 'far-depth', 'extreme-share', 'weathers'];

const RECIPE_OPTIONS = Object.fromEntries(
  (Object.entries(FLAGS) as [Flag, keyof typeof TEACHER_PARAMS][]).map(([flag, key]) => {
    const spec = TEACHER_PARAMS[key] as ParamSpec;
    const valueName = spec.type === 'list' ? 'A,B,...' : spec.type === 'int' ? 'N' : 'X';
    const dflt = key === 'warmupSteps' ? '' : `; default ${formatParam(spec.default as ParamValue)}`;
    return [flag, { type: 'string', valueName, description: `${spec.help} (new runs${dflt})` }];
  }),
) as Record<Flag, { type: 'string'; valueName: string; description: string }>;

export interface TrainTeacherArgs {
  task: RecipeTask;
  /** Total steps to reach; undefined: DEFAULT_STEPS for a new run, the recipe's for a resumed one. */
  steps: number | undefined;
  outDir: string;
  resume: string | undefined;
  /** Start a new run from this model's weights (fine-tuning). */
  init: string | undefined;
  recipe: RecipeFlags;
  checkpointEverySteps: number;
  checkpointEveryMs: number;
  /** Also keep every checkpoint's weights as RUN/snapshots/step-N (to choose among them later). */
  keepWeights: boolean;
  logEvery: number;
  /** Undefined: the best available (wasm in Node), not reported as forced. */
  backend: string | undefined;
}

function trainingCommand(task: RecipeTask) {
  const { dir: defaultDir, steps: defaultSteps } = TASK_DEFAULTS[task];
  const flags = (Object.keys(FLAGS) as Flag[]).filter((f) => task === 'restore' || !WEATHER_FLAGS.includes(f));
  const recipeOptions = Object.fromEntries(flags.map((f) => [f, RECIPE_OPTIONS[f]]));
  return defineCommand({
    name: task === 'restore' ? 'train-teacher' : 'train-autoencoder',
    summary:
      task === 'restore'
        ? 'train the teacher on synthetic pairs of every weather type (resumable)'
        : 'train the clean-image autoencoder on clean images only (resumable)',
    positionals: [],
    description: [
      ...(task === 'autoencode'
        ? [
            'Trains the "autoencoder" preset to reconstruct clean images (input = target = a clean',
            'scene, dead leaves or, with --photos, a crop of a clean photo): no weather at all. It has no',
            'skips and no global residual, so every image passes through its coarsest level (see',
            'docs/autoencoder.md). Everything else is as in train-teacher:',
          ]
        : []),
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
      steps: { type: 'string', valueName: 'N', description: `total steps to reach (default: ${defaultSteps}, or the resumed run's)` },
      out: { type: 'string', valueName: 'DIR', description: `run folder (default: ${defaultDir}, or the resumed one)` },
      resume: { type: 'string', valueName: 'DIR', description: 'continue the run saved in DIR' },
      init: {
        type: 'string',
        valueName: 'MODEL',
        description: 'start from these weights (teacher or a folder) with a fresh optimizer and schedule: fine-tuning (new runs)',
      },
      ...recipeOptions,
      photos: { type: 'string', valueName: 'DIR', description: 'also draw scenes from the clean photos in DIR (new runs)' },
      'photo-share': { type: 'string', valueName: 'F', description: 'share of scenes drawn from --photos (default 0.5)' },
      'exclude-photos': {
        type: 'string',
        valueName: 'A,B,...',
        description: 'leave these photos of --photos out (file names or stems): scenes held out for testing',
      },
      'checkpoint-every': { type: 'string', valueName: 'N', default: '500', description: 'write a checkpoint every N steps' },
      'checkpoint-minutes': { type: 'string', valueName: 'M', default: '5', description: 'and at least every M minutes' },
      'keep-weights': {
        type: 'boolean',
        default: false,
        description: "also keep each checkpoint's weights in DIR/snapshots/step-N, a model folder for --model",
      },
      'log-every': { type: 'string', valueName: 'N', default: '10', description: 'progress line every N steps when stderr is not a terminal' },
      backend: backendOption(),
    },
    async run({ values }, io) {
      const recipe: RecipeFlags = {};
      const given: string[] = [];
      for (const flag of flags) {
        const key = FLAGS[flag];
        const text = (values as unknown as Record<string, string | undefined>)[flag];
        if (text === undefined) continue;
        try {
          (recipe as Record<string, ParamValue>)[key] = parseParamText(`--${flag}`, TEACHER_PARAMS[key] as ParamSpec, text);
        } catch (e) {
          throw new UsageError((e as Error).message);
        }
        given.push(flag);
      }
      if (values.photos !== undefined) {
        recipe.photos = {
          dir: values.photos,
          share: values['photo-share'] === undefined ? 0.5 : floatOption('photo-share', values['photo-share'], 0, 1),
          exclude:
            values['exclude-photos'] === undefined
              ? []
              : values['exclude-photos']
                  .split(',')
                  .map((n) => n.trim())
                  .filter(Boolean),
        };
        given.push('photos');
      }
      for (const flag of ['photo-share', 'exclude-photos'] as const) {
        if (values[flag] !== undefined && values.photos === undefined) throw new UsageError(`--${flag} needs --photos DIR`);
      }
      if (values.resume !== undefined && given.length > 0) {
        throw new UsageError(`--${given[0]} cannot change when resuming: the run keeps the recipe it started with`);
      }
      if (values.resume !== undefined && values.init !== undefined) {
        throw new UsageError('--init starts a new run; a resumed run keeps the weights it has');
      }
      const args: TrainTeacherArgs = {
        task,
        steps: values.steps === undefined ? undefined : intOption('steps', values.steps, 1),
        outDir: values.out ?? values.resume ?? defaultDir,
        resume: values.resume,
        init: values.init,
        recipe,
        checkpointEverySteps: intOption('checkpoint-every', values['checkpoint-every'], 1),
        checkpointEveryMs: floatOption('checkpoint-minutes', values['checkpoint-minutes'], 0, 1e6) * 60_000,
        keepWeights: values['keep-weights'] === true,
        logEvery: intOption('log-every', values['log-every'], 1),
        backend: values.backend,
      };
      const { trainTeacher } = await import('../teacher-training');
      await trainTeacher(args, io);
    },
  });
}

export const trainTeacherCommand = trainingCommand('restore');
export const trainAutoencoderCommand = trainingCommand('autoencode');
