// The one training loop, shared by the page's worker and the CLI. It drives any method of the
// registry through its phases, scores the input, the teacher and the untrained student once on a
// fixed evaluation set and the student every few steps, emits typed progress events, honours
// pause/resume/stop between steps (and inside long steps, through ctx.substep), stops with a clear
// error on a non-finite loss while keeping the history, and frees everything it made.

import { tf, type Tensor4D } from '../tf';
import { batchItem, type RGBImage } from '../data/image';
import { deriveSeed } from '../data/rng';
import type { WeatherType } from '../data/weather';
import type { ImageScores } from '../metrics/common';
import { scoreTensors } from '../metrics/tensor-metrics';
import { restorerComplexity } from '../models/complexity';
import { createRestorer, type Restorer } from '../models/restorer';
import { checkInputSize, RestorerConfigError } from '../models/restorer-config';
import { readImages } from '../methods/common';
import {
  ARTIFACT_NAME,
  NonFiniteLossError,
  RunStoppedError,
  type Artifact,
  type DistillMethod,
  type MethodContext,
  type MethodDefinition,
  type MethodInfo,
  type MethodPhase,
  type ModelCache,
  type StepInfo,
  type TeacherSet,
  type TrainingPreview,
  TEACHER_ROLES,
} from '../methods/method';
import { REFERENCE_ROLE } from '../methods/teachers';
import { getMethod, METHODS } from '../methods/registry';
import { resolveRunConfig, studentLearningRate, type RunConfig } from './config';
import { createDataProvider, createEvalSplits, disposeEvalSplits, type EvalSplit, type UserPools } from './data';

// ---------------------------------------------------------------------------------------------
// Records and events. All plain data: a worker posts them as they are (image buffers transfer).
// ---------------------------------------------------------------------------------------------

/** What was evaluated: the student now, the frozen teacher, the student before training, or the degraded input itself. */
export type EvalSubject = 'student' | 'teacher' | 'untrained' | 'input';

export interface EvalScores {
  /** Mean over the images of each weather type of the evaluation set (PSNR averaged in dB). */
  weathers: Partial<Record<WeatherType, ImageScores>>;
  /** Mean over the weather types, each weighing the same. */
  mean: ImageScores;
}

export interface EvalRecord {
  subject: EvalSubject;
  /** Student updates done when evaluated. */
  studentStep: number;
  /** Steps done over all phases. */
  totalStep: number;
  /** Run time when evaluated, seconds, pauses excluded. */
  seconds: number;
  /** Time the evaluation took. */
  millis: number;
  scores: EvalScores;
}

/** A restored evaluation image, for the page's gallery. */
export interface EvalSample {
  weather: WeatherType;
  input: RGBImage;
  target: RGBImage;
  /** The output as scored: clipped to [0, 1] and rounded to 8-bit levels. */
  restored: RGBImage;
}

export interface StepRecord {
  /** Steps done over all phases, this one included. */
  totalStep: number;
  /** Student updates done, this one included. */
  studentStep: number;
  phase: string;
  /** Step within its phase, from 0. */
  phaseStep: number;
  losses: Record<string, number>;
  stats?: Record<string, number>;
  millis: number;
}

export interface ModelSummary {
  params: number;
  /** Forward FLOPs per input pixel (a multiply-add counts 2). */
  flopsPerPixel: number;
  preset: string | null;
}

export type RunStatus = 'completed' | 'stopped' | 'failed';

export interface RunFailure {
  kind: 'non-finite-loss' | 'error';
  message: string;
  /** Phase and step where it happened (null before the first step). */
  phase: string | null;
  totalStep: number;
}

export interface RunSummary {
  status: RunStatus;
  error: RunFailure | null;
  method: string;
  config: RunConfig;
  backend: string;
  studentSteps: number;
  totalSteps: number;
  /** Run time, pauses excluded. */
  seconds: number;
  student: ModelSummary;
  teacher: ModelSummary | null;
  /** The latest scores of each subject (student: the last evaluation, null if none). */
  eval: Record<EvalSubject, EvalScores | null>;
  history: { steps: StepRecord[]; evals: EvalRecord[] };
}

export interface RunResult extends RunSummary {
  /** The trained student. The caller owns it (and disposes it), whatever the status. */
  studentModel: Restorer;
  /** What the method made besides the student (empty for most methods, and for a failed run). */
  artifacts: Artifact[];
}

export type RunEvent =
  | {
      type: 'start';
      method: MethodInfo;
      config: RunConfig;
      phases: MethodPhase[];
      /** Steps over all phases. */
      totalSteps: number;
      backend: string;
      student: ModelSummary;
      teacher: ModelSummary | null;
    }
  | { type: 'phase'; phase: MethodPhase; phaseIndex: number }
  | {
      type: 'step';
      record: StepRecord;
      totalSteps: number;
      /** Recent training speed (evaluations and pauses excluded). */
      stepsPerSecond: number;
      /** Estimated seconds to the end, evaluations included. */
      etaSeconds: number;
      seconds: number;
      lr: number;
    }
  | { type: 'substep'; phase: string; totalStep: number; done: number; total: number; label: string }
  | { type: 'eval'; record: EvalRecord; samples: EvalSample[] }
  | { type: 'preview'; totalStep: number; studentStep: number; phase: string; preview: TrainingPreview }
  | { type: 'paused'; totalStep: number }
  | { type: 'resumed'; totalStep: number }
  | { type: 'end'; summary: RunSummary };

export type RunEventType = RunEvent['type'];

// ---------------------------------------------------------------------------------------------
// Control.
// ---------------------------------------------------------------------------------------------

/**
 * Pause, resume and stop a run (like an AbortController, with a pause). Takes effect between
 * steps, or inside a long step at its next ctx.substep. A stopped run ends with status 'stopped',
 * after a last evaluation of the student.
 */
export class RunController {
  private isPaused = false;
  private isStopped = false;
  private wake: (() => void) | null = null;

  pause(): void {
    if (!this.isStopped) this.isPaused = true;
  }

  resume(): void {
    this.isPaused = false;
    this.wakeUp();
  }

  stop(): void {
    this.isStopped = true;
    this.isPaused = false;
    this.wakeUp();
  }

  get paused(): boolean {
    return this.isPaused;
  }

  get stopRequested(): boolean {
    return this.isStopped;
  }

  /** Resolves when the run may go on (immediately unless paused). */
  waitWhilePaused(): Promise<void> {
    if (!this.isPaused) return Promise.resolve();
    return new Promise((resolve) => {
      const previous = this.wake;
      this.wake = () => {
        previous?.();
        resolve();
      };
    });
  }

  private wakeUp(): void {
    const w = this.wake;
    this.wake = null;
    w?.();
  }
}

/** A run that cannot start (no teacher for a method that needs one, sizes that do not fit the models...). */
export class RunSetupError extends Error {
  override name = 'RunSetupError';
}

export interface RunOptions {
  config: RunConfig;
  /**
   * The frozen models by role: every role the method lists is required; the restorer, when given,
   * is also scored as the "teacher" reference line. The caller owns them (see methods/teachers.ts).
   */
  teachers?: TeacherSet;
  /** A student to train (e.g. to continue one); by default a fresh one from config.student and config.seed. */
  student?: Restorer;
  /** Overrides the registry's method for config.method (tests, experiments). */
  method?: MethodDefinition;
  controller?: RunController;
  /** Stops the run when aborted, like controller.stop(). */
  signal?: AbortSignal;
  /** Photos the user added to the unpaired web pools (methods with data 'unpaired' draw from them). */
  pools?: UserPools;
  /** Where methods keep expensive models between runs (D4IR's adapter and diffusion model). */
  cache?: ModelCache | null;
  /** Called synchronously with every event; keep it cheap (post it, log it). */
  onEvent?: (event: RunEvent) => void;
}

export function modelSummary(r: Restorer): ModelSummary {
  const c = restorerComplexity(r.config);
  return { params: c.params, flopsPerPixel: c.flopsPerPixel, preset: r.preset ?? null };
}

// ---------------------------------------------------------------------------------------------
// Evaluation.
// ---------------------------------------------------------------------------------------------

function meanOf(list: readonly ImageScores[]): ImageScores {
  const m = (k: keyof ImageScores) => list.reduce((s, x) => s + x[k], 0) / list.length;
  return { psnr: m('psnr'), ssim: m('ssim'), psnr_y: m('psnr_y'), ssim_y: m('ssim_y') };
}

/** Clipped and rounded to 8-bit levels: scored as the image a user would save. */
function asSaved(x: Tensor4D): Tensor4D {
  return tf.tidy(() => tf.div(tf.round(tf.mul(tf.clipByValue(x, 0, 1), 255)), 255) as Tensor4D);
}

/** Scores `model` (or, with null, the degraded input itself) on every split. */
async function evaluate(
  model: Restorer | null,
  splits: readonly EvalSplit[],
  sampleCount: number,
): Promise<{ scores: EvalScores; samples: EvalSample[] }> {
  const weathers: Partial<Record<WeatherType, ImageScores>> = {};
  const samples: EvalSample[] = [];
  for (const split of splits) {
    const out = model ? tf.tidy(() => asSaved(model.predict(split.x))) : split.x;
    try {
      weathers[split.weather] = meanOf(await scoreTensors(out, split.y));
      if (model && sampleCount > 0) {
        const restored = await readImages(out, sampleCount);
        restored.forEach((img, i) =>
          samples.push({ weather: split.weather, input: batchItem(split.inputs, i), target: batchItem(split.targets, i), restored: img }),
        );
      }
    } finally {
      if (model) out.dispose();
    }
  }
  return { scores: { weathers, mean: meanOf(Object.values(weathers) as ImageScores[]) }, samples };
}

// ---------------------------------------------------------------------------------------------
// The loop.
// ---------------------------------------------------------------------------------------------

const now = (): number => performance.now();
/** Give the event loop a turn at least this often, so a worker can receive pause/stop messages. */
const YIELD_MS = 20;
const SUBSTEP_EVENT_MS = 100;
const RATE_WINDOW = 20;

function checkFits(what: string, r: Restorer, config: RunConfig): void {
  try {
    checkInputSize(r.config, config.patch, config.patch);
    checkInputSize(r.config, config.evalSet.size, config.evalSet.size);
  } catch (e) {
    if (e instanceof RestorerConfigError) {
      throw new RunSetupError(`the ${what} cannot run at patch ${config.patch} / eval size ${config.evalSet.size}: ${e.message}`);
    }
    throw e;
  }
}

/**
 * Runs a distillation from start to end. Resolves (never rejects once started) with the status,
 * the history and the student; rejects with RunSetupError or RunConfigError when the run cannot
 * start.
 */
export async function runDistillation(options: RunOptions): Promise<RunResult> {
  const config = resolveRunConfig(options.config, options.method ? [...METHODS.filter((m) => m.id !== options.method!.id), options.method] : METHODS);
  const definition = options.method ?? getMethod(config.method);
  const teachers = options.teachers ?? {};
  for (const role of definition.teachers) {
    if (!teachers[role]) throw new RunSetupError(`method "${definition.id}" distils from a ${TEACHER_ROLES[role].label}, and none was given`);
  }
  for (const [role, model] of Object.entries(teachers)) if (model) checkFits(TEACHER_ROLES[role as keyof TeacherSet].label, model, config);
  const teacher = teachers[REFERENCE_ROLE] ?? null;
  if (options.student) checkFits('student', options.student, config);

  const controller = options.controller ?? new RunController();
  const onAbort = () => controller.stop();
  options.signal?.addEventListener('abort', onAbort);
  if (options.signal?.aborted) controller.stop();
  const emit = (e: RunEvent) => options.onEvent?.(e);
  const backend = tf.getBackend();

  const student = options.student ?? createRestorer(config.student, { seed: config.seed, name: 'weatherkd_student' });
  let method: DistillMethod | null = null;
  let splits: EvalSplit[] = [];

  // Clock with pauses taken out.
  let activeMs = 0;
  let resumedAt = now();
  const seconds = () => (activeMs + now() - resumedAt) / 1000;

  const steps: StepRecord[] = [];
  const evals: EvalRecord[] = [];
  const latest: Record<EvalSubject, EvalScores | null> = { student: null, teacher: null, untrained: null, input: null };
  let studentStep = 0;
  let totalStep = 0;
  let currentPhase: string | null = null;
  let status: RunStatus = 'completed';
  let failure: RunFailure | null = null;
  let lastYield = now();
  let lastSubstepEvent = 0;
  let evalMs = 0;
  let artifacts: Artifact[] = [];
  const recentMs: number[] = [];

  const checkpoint = async (): Promise<void> => {
    if (now() - lastYield >= YIELD_MS) {
      await new Promise<void>((r) => setTimeout(r, 0));
      lastYield = now();
    }
    if (controller.paused && !controller.stopRequested) {
      activeMs += now() - resumedAt;
      emit({ type: 'paused', totalStep });
      await controller.waitWhilePaused();
      resumedAt = now();
      lastYield = now();
      if (!controller.stopRequested) emit({ type: 'resumed', totalStep });
    }
    if (controller.stopRequested) throw new RunStoppedError();
  };

  const runEval = async (subject: EvalSubject, model: Restorer | null): Promise<void> => {
    const t0 = now();
    const { scores, samples } = await evaluate(model, splits, config.evalSamples);
    const millis = now() - t0;
    if (subject === 'student') evalMs = millis;
    const record: EvalRecord = { subject, studentStep, totalStep, seconds: seconds(), millis, scores };
    evals.push(record);
    latest[subject] = scores;
    emit({ type: 'eval', record, samples });
  };

  const ctx: MethodContext = {
    config,
    student,
    teachers,
    data: createDataProvider(config, options.pools),
    backend,
    cache: options.cache ?? null,
    seed: (...keys) => deriveSeed(config.seed, 'method', ...keys),
    studentLr: (s) => studentLearningRate(config, s),
    async substep(done, total, label) {
      if (now() - lastSubstepEvent >= SUBSTEP_EVENT_MS || done >= total) {
        lastSubstepEvent = now();
        emit({ type: 'substep', phase: currentPhase ?? 'init', totalStep, done, total, label });
      }
      await checkpoint();
    },
  };

  try {
    method = definition.create(config.methodOptions, config);
    splits = createEvalSplits(config.evalSet);
    await method.init(ctx);
    const phases = method.phases.map((p) => ({ ...p }));
    const plannedSteps = phases.reduce((s, p) => s + p.steps, 0);
    const plannedStudentSteps = phases.filter((p) => p.trainsStudent).reduce((s, p) => s + p.steps, 0);
    emit({
      type: 'start',
      method: toInfo(definition),
      config,
      phases,
      totalSteps: plannedSteps,
      backend,
      student: modelSummary(student),
      teacher: teacher ? modelSummary(teacher) : null,
    });
    await runEval('input', null);
    if (teacher) await runEval('teacher', teacher);
    await runEval('untrained', student);

    for (let p = 0; p < phases.length; p++) {
      const phase = phases[p];
      currentPhase = phase.id;
      recentMs.length = 0;
      await method.beginPhase?.(ctx, phase);
      emit({ type: 'phase', phase, phaseIndex: p });
      for (let s = 0; s < phase.steps; s++) {
        await checkpoint();
        const info: StepInfo = { phase, phaseIndex: p, phaseStep: s, studentStep, totalStep };
        const t0 = now();
        const result = await method.step(ctx, info);
        const millis = now() - t0;
        const bad = Object.entries(result.losses).filter(([, v]) => !Number.isFinite(v));
        if (bad.length) {
          throw new NonFiniteLossError(`a loss is not finite (${bad.map(([k, v]) => `${k} = ${v}`).join(', ')})`, result.losses);
        }
        const lr = phase.trainsStudent ? studentLearningRate(config, studentStep) : 0;
        totalStep += 1;
        if (phase.trainsStudent) studentStep += 1;
        const record: StepRecord = {
          totalStep,
          studentStep,
          phase: phase.id,
          phaseStep: s,
          losses: result.losses,
          ...(result.stats ? { stats: result.stats } : {}),
          millis,
        };
        steps.push(record);
        recentMs.push(millis);
        if (recentMs.length > RATE_WINDOW) recentMs.shift();
        const msPerStep = recentMs.reduce((a, b) => a + b, 0) / recentMs.length;
        const evalsLeft = Math.ceil((plannedStudentSteps - studentStep) / config.evalEvery);
        emit({
          type: 'step',
          record,
          totalSteps: plannedSteps,
          stepsPerSecond: 1000 / Math.max(msPerStep, 1e-3),
          etaSeconds: ((plannedSteps - totalStep) * msPerStep + evalsLeft * evalMs) / 1000,
          seconds: seconds(),
          lr,
        });
        if (phase.trainsStudent && studentStep % config.evalEvery === 0) await runEval('student', student);
        if (config.previewEvery > 0 && (totalStep === 1 || totalStep % config.previewEvery === 0) && method.trainingPreview) {
          const preview = await method.trainingPreview(ctx);
          if (preview) emit({ type: 'preview', totalStep, studentStep, phase: phase.id, preview });
        }
      }
    }
    currentPhase = null;
  } catch (e) {
    if (e instanceof RunStoppedError) {
      status = 'stopped';
    } else {
      status = 'failed';
      const where = currentPhase ? ` at step ${totalStep + 1} (${currentPhase})` : ' before the first step';
      failure =
        e instanceof NonFiniteLossError
          ? { kind: 'non-finite-loss', message: `training diverged${where}: ${e.message}`, phase: currentPhase, totalStep }
          : { kind: 'error', message: `the run failed${where}: ${e instanceof Error ? e.message : String(e)}`, phase: currentPhase, totalStep };
    }
  }

  try {
    // A stopped run still reports where the student got to; a failed one may hold broken weights.
    const lastStudentEval = evals.filter((r) => r.subject === 'student').at(-1);
    if (status !== 'failed' && splits.length > 0 && studentStep > 0 && lastStudentEval?.studentStep !== studentStep) {
      await runEval('student', student);
    }
    if (status !== 'failed' && method?.artifacts) {
      artifacts = await method.artifacts(ctx);
      const bad = artifacts.filter((a) => !ARTIFACT_NAME.test(a.name)).map((a) => JSON.stringify(a.name));
      if (bad.length) throw new Error(`artifact names must be lower-case letters, digits and dashes: ${bad.join(', ')}`);
    }
  } catch (e) {
    status = 'failed';
    artifacts = [];
    failure = { kind: 'error', message: `finishing the run failed (final evaluation or artifacts): ${e instanceof Error ? e.message : String(e)}`, phase: null, totalStep };
  } finally {
    method?.dispose();
    disposeEvalSplits(splits);
    options.signal?.removeEventListener('abort', onAbort);
  }

  const summary: RunSummary = {
    status,
    error: failure,
    method: definition.id,
    config,
    backend,
    studentSteps: studentStep,
    totalSteps: totalStep,
    seconds: seconds(),
    student: modelSummary(student),
    teacher: teacher ? modelSummary(teacher) : null,
    eval: latest,
    history: { steps, evals },
  };
  emit({ type: 'end', summary });
  return { ...summary, studentModel: student, artifacts };
}

function toInfo(d: MethodDefinition): MethodInfo {
  const { id, label, summary, description, provenance, paper, data, teachers, losses } = d;
  return { id, label, summary, description, provenance, ...(paper ? { paper } : {}), data, teachers, losses };
}
