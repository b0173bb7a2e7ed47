// The run configuration: one typed table (RUN_PARAMS) from which defaults, presets, validation,
// CLI flags and the page's form are derived; the method's own options come from its definition.
// Deliberately free of tfjs (and of the method registry, which loads tfjs): the page's main
// thread imports this file to build its form, and gets the method catalogue from a worker.

import { CLEAN_SOURCES, type CleanSourceName } from '../data/clean';
import { WEATHER_TYPES, type WeatherType } from '../data/weather';
import { STUDENT_PRESET_NAMES, restorerPreset, sizeMultiple, type RestorerPresetName } from '../models/restorer-config';
import { scheduledRate } from '../train/schedule';
import { checkParams, defaultsOf, defineParams, type ParamTable, type ParamValue, type ParamValues } from './params';

export interface EvalSetConfig {
  /** Images per weather type; their severities spread evenly over [0, 1]. */
  count: number;
  /** Square side in pixels. */
  size: number;
  seed: number;
  weathers: WeatherType[];
}

export interface RunConfig {
  /** A method id from the registry (src/core/methods/registry.ts). */
  method: string;
  /** Student architecture. */
  student: RestorerPresetName;
  /** Seeds the student's initial weights, every batch and every random draw of the method. */
  seed: number;
  /** Student updates. Methods with preparation phases (D4IR, TripleD) add theirs on top. */
  steps: number;
  batch: number;
  /** Square training patch side. */
  patch: number;
  /** Peak learning rate of the student. */
  lr: number;
  lrSchedule: 'cosine' | 'constant';
  warmupSteps: number;
  /** Weather types of the training data and of generated samples. */
  weathers: WeatherType[];
  /** Clean image source of the synthetic training pairs. */
  source: CleanSourceName | 'mixed';
  /** Pairs in the finite training set (docs/data.md#the-finite-training-set); 0: fresh pairs for every batch. */
  trainSet: number;
  /** Evaluate the student every this many student steps (and at the end). */
  evalEvery: number;
  /** Restored evaluation images per weather type attached to each student evaluation (0: none). */
  evalSamples: number;
  /** Send a training preview every this many steps (0: never). */
  previewEvery: number;
  /** Images in a training preview. */
  previewCount: number;
  evalSet: EvalSetConfig;
  /** The method's options, checked against its option table (missing ones take its defaults). */
  methodOptions: Record<string, ParamValue>;
}

/** Every leaf of RunConfig except the method id and its options (which depend on the registry). */
export type RunParamKey = Exclude<keyof RunConfig, 'method' | 'evalSet' | 'methodOptions'> | `evalSet.${keyof EvalSetConfig}`;

export const RUN_PARAMS = defineParams({
  student: {
    type: 'enum',
    values: STUDENT_PRESET_NAMES,
    default: 'student-10' as RestorerPresetName,
    label: 'Student',
    help: "Student architecture: student-10 has about 10% of the teacher's FLOPs, student-5 about 5%.",
  },
  seed: { type: 'int', min: 0, max: 2 ** 31 - 1, default: 1, label: 'Seed', help: 'Same seed, same run: initial weights, batches and random draws.' },
  steps: { type: 'int', min: 1, max: 1_000_000, default: 2000, label: 'Steps', help: 'Student updates.' },
  batch: { type: 'int', min: 1, max: 64, default: 8, label: 'Batch', help: 'Images per step. Fixed for the whole run so GPU memory stays flat.' },
  patch: { type: 'int', min: 16, max: 256, default: 64, label: 'Patch', help: 'Side of the square training images, a multiple of 8.' },
  lr: { type: 'number', min: 1e-6, max: 0.1, default: 1e-3, log: true, label: 'Learning rate', help: 'Peak Adam learning rate of the student.' },
  lrSchedule: {
    type: 'enum',
    values: ['cosine', 'constant'] as const,
    default: 'cosine' as 'cosine' | 'constant',
    label: 'Schedule',
    help: 'Cosine decays to 5% of the peak by the last step; constant keeps it.',
  },
  warmupSteps: { type: 'int', min: 0, max: 100_000, default: 100, label: 'Warm-up', help: 'Steps of linear warm-up to the peak rate.' },
  weathers: {
    type: 'list',
    values: WEATHER_TYPES,
    default: [...WEATHER_TYPES] as WeatherType[],
    label: 'Training weathers',
    help: "Weather types of the training data (and of the generator's families in data-free methods).",
  },
  source: {
    type: 'enum',
    values: ['mixed', ...CLEAN_SOURCES] as const,
    default: 'mixed' as CleanSourceName | 'mixed',
    label: 'Clean source',
    help: 'Clean images of the synthetic training pairs: procedural scenes, dead leaves, or both.',
  },
  trainSet: {
    type: 'int',
    min: 0,
    max: 100_000,
    default: 0,
    label: 'Training set',
    help: 'Pairs in a fixed, finite training set that scratch, KD and TripleD draw from; 0 draws fresh synthetic pairs for every batch (TripleD then condenses 2000).',
  },
  evalEvery: { type: 'int', min: 1, max: 1_000_000, default: 100, label: 'Evaluate every', help: 'Student steps between evaluations.' },
  evalSamples: {
    type: 'int',
    min: 0,
    max: 64,
    default: 1,
    label: 'Shown restorations',
    help: 'Restored evaluation images per weather sent with each evaluation.',
  },
  previewEvery: { type: 'int', min: 0, max: 1_000_000, default: 25, label: 'Preview every', help: 'Steps between previews of the training images (0: never).' },
  previewCount: { type: 'int', min: 1, max: 16, default: 4, label: 'Preview images', help: 'Images per training preview.' },
  'evalSet.count': { type: 'int', min: 1, max: 256, default: 4, label: 'Eval images', help: 'Evaluation images per weather type.' },
  'evalSet.size': { type: 'int', min: 16, max: 512, default: 96, label: 'Eval size', help: 'Side of the evaluation images, a multiple of 8.' },
  'evalSet.seed': {
    type: 'int',
    min: 0,
    max: 2 ** 31 - 1,
    default: 7,
    label: 'Eval seed',
    help: 'Seed of the fixed evaluation set (keep it fixed to compare runs).',
  },
  'evalSet.weathers': {
    type: 'list',
    values: WEATHER_TYPES,
    default: [...WEATHER_TYPES] as WeatherType[],
    label: 'Eval weathers',
    help: 'Weather types of the evaluation set; the mean is taken over these.',
  },
} satisfies Record<RunParamKey, ParamTable[string]>);

export type RunParams = ParamValues<typeof RUN_PARAMS>;

export const DEFAULT_METHOD = 'kd';

/** Named starting points; a preset lists only what differs from the defaults. */
export const RUN_PRESETS = {
  /** Seconds on a laptop CPU: tests, demos, smoke runs. */
  quick: {
    student: 'student-5',
    steps: 60,
    batch: 4,
    patch: 32,
    warmupSteps: 5,
    evalEvery: 20,
    previewEvery: 10,
    'evalSet.count': 2,
    'evalSet.size': 32,
  },
  /** The defaults: minutes on a GPU, about an hour on two CPU cores. */
  standard: {},
  /** Closer to the papers' budgets. */
  long: {
    steps: 20000,
    batch: 16,
    patch: 96,
    lr: 2e-3,
    warmupSteps: 500,
    evalEvery: 500,
    previewEvery: 100,
    'evalSet.count': 8,
    'evalSet.size': 128,
  },
} as const satisfies Record<string, Partial<Record<RunParamKey, ParamValue>>>;

export type RunPresetName = keyof typeof RUN_PRESETS;
export const RUN_PRESET_NAMES = Object.keys(RUN_PRESETS) as RunPresetName[];

/** What a method must tell the config about itself: its id and option table (the registry's definitions fit). */
export interface MethodCatalogEntry {
  id: string;
  options: ParamTable;
}

/** A partial configuration: anything left out takes the preset's value, then the default. */
export type RunConfigInput = Partial<Omit<RunConfig, 'evalSet' | 'methodOptions'>> & {
  evalSet?: Partial<EvalSetConfig>;
  methodOptions?: Record<string, unknown>;
};

export class RunConfigError extends Error {
  override name = 'RunConfigError';
  constructor(readonly issues: readonly string[]) {
    super(`invalid run configuration: ${issues.join('; ')}`);
  }
}

function flatten(input: RunConfigInput): Record<string, unknown> {
  const { evalSet, methodOptions: _m, method: _method, ...rest } = input;
  void _m;
  void _method;
  const flat: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(rest)) if (v !== undefined) flat[k] = v;
  if (evalSet !== undefined) {
    if (evalSet === null || typeof evalSet !== 'object') flat['evalSet'] = evalSet;
    else for (const [k, v] of Object.entries(evalSet)) if (v !== undefined) flat[`evalSet.${k}`] = v;
  }
  return flat;
}

/**
 * The full configuration for `input`, on top of a preset (default 'standard'); checks every field,
 * the method id and its options, and the relations between fields. Throws RunConfigError listing
 * every problem found.
 */
export function resolveRunConfig(input: RunConfigInput, methods: readonly MethodCatalogEntry[], preset: RunPresetName = 'standard'): RunConfig {
  const issues: string[] = [];
  if (!Object.hasOwn(RUN_PRESETS, preset)) {
    throw new RunConfigError([`unknown preset "${String(preset)}" (expected ${RUN_PRESET_NAMES.join(', ')})`]);
  }
  const flat = { ...(RUN_PRESETS[preset] as Record<string, unknown>), ...flatten(input) };
  const p = checkParams(RUN_PARAMS, flat, '', issues);

  const methodId = input.method ?? DEFAULT_METHOD;
  const method = methods.find((m) => m.id === methodId);
  let methodOptions: Record<string, ParamValue> = {};
  if (!method) {
    issues.push(`unknown method ${JSON.stringify(methodId)} (expected one of ${methods.map((m) => m.id).join(', ')})`);
  } else {
    const raw = input.methodOptions ?? {};
    if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) issues.push('methodOptions must be an object');
    else methodOptions = checkParams(method.options, raw, `${methodId}.`, issues);
  }

  if (issues.length === 0) {
    const multiple = sizeMultiple(restorerPreset(p.student));
    if (p.patch % multiple !== 0) issues.push(`patch must be a multiple of ${multiple} for ${p.student}, got ${p.patch}`);
    if (p['evalSet.size'] % multiple !== 0) {
      issues.push(`evalSet.size must be a multiple of ${multiple} for ${p.student}, got ${p['evalSet.size']}`);
    }
    if (p.evalSamples > p['evalSet.count']) {
      issues.push(`evalSamples (${p.evalSamples}) must not exceed evalSet.count (${p['evalSet.count']})`);
    }
  }
  if (issues.length) throw new RunConfigError(issues);
  return {
    method: methodId,
    student: p.student,
    seed: p.seed,
    steps: p.steps,
    batch: p.batch,
    patch: p.patch,
    lr: p.lr,
    lrSchedule: p.lrSchedule,
    warmupSteps: p.warmupSteps,
    weathers: p.weathers,
    source: p.source,
    trainSet: p.trainSet,
    evalEvery: p.evalEvery,
    evalSamples: p.evalSamples,
    previewEvery: p.previewEvery,
    previewCount: p.previewCount,
    evalSet: { count: p['evalSet.count'], size: p['evalSet.size'], seed: p['evalSet.seed'], weathers: p['evalSet.weathers'] },
    methodOptions,
  };
}

/** The defaults as a flat record (keys as in RUN_PARAMS), e.g. to fill a form. */
/** RUN_PARAMS values by key (as the page's form and the CLI's flags hold them) as a configuration input. */
export function inputFromParams(values: Partial<Record<RunParamKey, ParamValue>>): RunConfigInput {
  const input: Record<string, unknown> = {};
  const evalSet: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(values)) {
    if (value === undefined) continue;
    if (key.startsWith('evalSet.')) evalSet[key.slice('evalSet.'.length)] = value;
    else input[key] = value;
  }
  if (Object.keys(evalSet).length) input.evalSet = evalSet;
  return input as RunConfigInput;
}

export function defaultRunParams(preset: RunPresetName = 'standard'): RunParams {
  return { ...defaultsOf(RUN_PARAMS), ...(RUN_PRESETS[preset] as Partial<RunParams>) };
}

/** The final learning rate of the cosine schedule, as a fraction of the peak. */
export const COSINE_FINAL_FRACTION = 0.05;

/**
 * Learning rate of student step s (0-based): linear warm-up, then cosine decay or constant. A
 * warm-up longer than the run is cut to the run (so a preset's warm-up never rejects a short run).
 */
export function studentLearningRate(config: Pick<RunConfig, 'lr' | 'lrSchedule' | 'warmupSteps' | 'steps'>, s: number): number {
  const { lr, steps, warmupSteps, lrSchedule } = config;
  return scheduledRate({ lr, steps, warmupSteps, finalFraction: COSINE_FINAL_FRACTION, kind: lrSchedule }, s);
}
