// The one training loop, shared by the page's worker and the CLI. It drives any method of the
// registry through its phases, scores the input, the teacher and the untrained student once on a
// fixed evaluation set and the student every few steps, emits typed progress events (events.ts),
// honours pause/resume/stop between steps (and inside long steps, through ctx.substep), stops with
// a clear error on a non-finite loss while keeping the history, checkpoints the run so that it can
// be continued exactly (checkpoint.ts), and frees everything it made.

import { tf } from '../tf';
import { deriveSeed } from '../data/rng';
import { createRestorer, type Restorer } from '../models/restorer';
import { checkInputSize, RestorerConfigError } from '../models/restorer-config';
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
  type TeacherRole,
  type TeacherSet,
  TEACHER_ROLES,
  previewDue,
} from '../methods/method';
import { REFERENCE_ROLE } from '../methods/teachers';
import { getMethod, METHODS } from '../methods/registry';
import { CHECKPOINT_FORMAT, CheckpointError, checkCheckpoint, readVariables, writeVariables, type RunCheckpoint } from './checkpoint';
import { resolveRunConfig, studentLearningRate, type RunConfig } from './config';
import { RunController } from './controller';
import type { UserPair } from '../data/train-set';
import { createDataProvider, createEvalSplits, disposeEvalSplits, type EvalSplit, type UserPools } from './data';
import { evaluate } from './evaluate';
import {
  modelSummary,
  type EvalRecord,
  type EvalScores,
  type EvalSubject,
  type RunEvent,
  type RunFailure,
  type RunResult,
  type RunStatus,
  type RunSummary,
  type StepRecord,
} from './events';

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
  /** The user's own training pairs: the run's finite training set (docs/data.md#the-finite-training-set). */
  trainPairs?: readonly UserPair[];
  /** Where methods keep expensive models between runs (D4IR's adapter and diffusion model). */
  cache?: ModelCache | null;
  /** Called synchronously with every event; keep it cheap (post it, log it). */
  onEvent?: (event: RunEvent) => void;
  /** Where and how often to keep checkpoints; without it the run keeps none. */
  checkpoints?: CheckpointOptions;
  /** Continues the run this checkpoint was taken from: its configuration is used (config must equal it) and its history is kept. */
  resume?: RunCheckpoint;
}

export interface CheckpointOptions {
  /** Wall-clock seconds between checkpoints; one is also taken when the run is paused or stopped. */
  everySeconds: number;
  /** Where each teacher came from, kept in the checkpoint for whoever continues the run. */
  teachers?: Partial<Record<TeacherRole, string>>;
  /** Where the user's training pairs came from (a folder), kept likewise. */
  trainPairs?: string;
  /** Keeps a checkpoint (replacing the previous one). A rejection is reported in a 'checkpoint' event; the run goes on. */
  save(checkpoint: RunCheckpoint): Promise<void>;
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
 * Runs a distillation from start to end (or from a checkpoint to the end). Resolves (never rejects
 * once started) with the status, the history and the student; rejects with RunSetupError or
 * RunConfigError when the run cannot start.
 */
export async function runDistillation(options: RunOptions): Promise<RunResult> {
  const registry = options.method ? [...METHODS.filter((m) => m.id !== options.method!.id), options.method] : METHODS;
  const config = resolveRunConfig(options.config, registry);
  const resume = options.resume ? checkCheckpoint(options.resume) : null;
  if (resume && JSON.stringify(resolveRunConfig(resume.config, registry)) !== JSON.stringify(config)) {
    throw new RunSetupError('a resumed run keeps the configuration of its checkpoint; this one asks for different settings');
  }
  const definition = options.method ?? getMethod(config.method);
  const teachers = options.teachers ?? {};
  for (const role of definition.teachers) {
    if (!teachers[role]) throw new RunSetupError(`method "${definition.id}" distils from a ${TEACHER_ROLES[role].label}, and none was given`);
  }
  for (const [role, model] of Object.entries(teachers)) if (model) checkFits(TEACHER_ROLES[role as keyof TeacherSet].label, model, config);
  const teacher = teachers[REFERENCE_ROLE] ?? null;
  if (options.student) checkFits('student', options.student, config);

  const student = options.student ?? createRestorer(config.student, { seed: config.seed, name: 'weatherkd_student' });
  if (resume) {
    try {
      writeVariables(
        student.model.weights.map((w) => w.read() as tf.Variable),
        resume.student,
        'student',
      );
    } catch (e) {
      if (!options.student) student.dispose();
      throw new RunSetupError(`the checkpoint does not fit this run: ${(e as Error).message}`);
    }
  }

  const controller = options.controller ?? new RunController();
  const onAbort = () => controller.stop();
  options.signal?.addEventListener('abort', onAbort);
  if (options.signal?.aborted) controller.stop();
  const emit = (e: RunEvent) => options.onEvent?.(e);
  const backend = tf.getBackend();

  let method: DistillMethod | null = null;
  let splits: EvalSplit[] = [];

  // Clock with pauses taken out.
  let activeMs = (resume?.seconds ?? 0) * 1000;
  let resumedAt = now();
  const seconds = () => (activeMs + now() - resumedAt) / 1000;

  const steps: StepRecord[] = resume ? [...resume.history.steps] : [];
  const evals: EvalRecord[] = resume ? [...resume.history.evals] : [];
  const latest: Record<EvalSubject, EvalScores | null> = { student: null, teacher: null, untrained: null, input: null };
  for (const r of evals) latest[r.subject] = r.scores;
  let studentStep = resume?.position.studentStep ?? 0;
  let totalStep = resume?.position.totalStep ?? 0;
  let currentPhase: string | null = null;
  let status: RunStatus = 'completed';
  let failure: RunFailure | null = null;
  let lastYield = now();
  let lastSubstepEvent = 0;
  let evalMs = 0;
  let artifacts: Artifact[] = [];
  let report: Record<string, unknown> = {};
  const recentMs: number[] = [];
  let phases: MethodPhase[] = [];
  /** The step about to run (or running), while the method's state is that of just before it. */
  let position: RunCheckpoint['position'] | null = null;
  let lastSave = now();
  let inStep = false;

  const saveCheckpoint = async (): Promise<void> => {
    if (!options.checkpoints || !method || !position) return;
    lastSave = now();
    const savedAt = Date.now();
    try {
      const cp: RunCheckpoint = {
        format: CHECKPOINT_FORMAT,
        method: definition.id,
        config,
        teachers: options.checkpoints.teachers ?? {},
        ...(options.checkpoints.trainPairs === undefined ? {} : { trainPairs: options.checkpoints.trainPairs }),
        phases,
        position: { ...position },
        seconds: seconds(),
        history: { steps: [...steps], evals: [...evals] },
        student: await readVariables(student.model.weights.map((w) => w.read() as tf.Variable)),
        methodState: await method.saveState(),
        savedAt,
      };
      await options.checkpoints.save(cp);
      emit({ type: 'checkpoint', totalStep: position.totalStep, studentStep: position.studentStep, savedAt, error: null });
    } catch (e) {
      emit({
        type: 'checkpoint',
        totalStep: position.totalStep,
        studentStep: position.studentStep,
        savedAt,
        error: e instanceof Error ? e.message : String(e),
      });
    }
  };

  /** Gives the event loop a turn, waits while paused, throws RunStoppedError when stopped. */
  const yieldPoint = async (): Promise<void> => {
    if (now() - lastYield >= YIELD_MS) {
      await new Promise<void>((r) => setTimeout(r, 0));
      lastYield = now();
    }
    if (controller.paused && !controller.stopRequested) {
      // Between steps a pause keeps a checkpoint: the page may be closed while paused.
      if (!inStep) await saveCheckpoint();
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
    data: createDataProvider(config, options.pools, options.trainPairs),
    backend,
    cache: options.cache ?? null,
    seed: (...keys) => deriveSeed(config.seed, 'method', ...keys),
    studentLr: (s) => studentLearningRate(config, s),
    async substep(done, total, label) {
      if (now() - lastSubstepEvent >= SUBSTEP_EVENT_MS || done >= total) {
        lastSubstepEvent = now();
        emit({ type: 'substep', phase: currentPhase ?? 'init', totalStep, done, total, label });
      }
      await yieldPoint();
    },
  };

  try {
    method = definition.create(config.methodOptions, config);
    splits = createEvalSplits(config.evalSet);
    await method.init(ctx);
    phases = resume ? resume.phases.map((p) => ({ ...p })) : method.phases.map((p) => ({ ...p }));
    if (resume) {
      const ids = (ps: readonly MethodPhase[]) => ps.map((p) => p.id).join(',');
      if (resume.method !== definition.id || ids(resume.phases) !== ids(method.phases)) {
        throw new CheckpointError(`the checkpoint is of a ${resume.method} run with phases ${ids(resume.phases)}, not of this ${definition.id} run`);
      }
      await method.loadState(ctx, resume.methodState);
    }
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
      resumed: resume ? { totalStep, evals: [...evals] } : null,
    });
    if (!resume) {
      await runEval('input', null);
      if (teacher) await runEval('teacher', teacher);
      await runEval('untrained', student);
    }

    for (let p = resume?.position.phaseIndex ?? 0; p < phases.length; p++) {
      const phase = phases[p];
      const resumedHere = resume !== null && p === resume.position.phaseIndex;
      currentPhase = phase.id;
      recentMs.length = 0;
      // A checkpoint is taken after its phase began: the method's state already holds what beginPhase made.
      if (!resumedHere) await method.beginPhase?.(ctx, phase);
      emit({ type: 'phase', phase, phaseIndex: p });
      for (let s = resumedHere ? resume.position.phaseStep : 0; s < phase.steps; s++) {
        position = { phaseIndex: p, phaseStep: s, totalStep, studentStep };
        if (options.checkpoints && now() - lastSave >= options.checkpoints.everySeconds * 1000) await saveCheckpoint();
        await yieldPoint();
        const info: StepInfo = { phase, phaseIndex: p, phaseStep: s, studentStep, totalStep };
        const t0 = now();
        inStep = true;
        const result = await method.step(ctx, info);
        inStep = false;
        const millis = now() - t0;
        const bad = Object.entries(result.losses).filter(([, v]) => !Number.isFinite(v));
        if (bad.length) {
          throw new NonFiniteLossError(`a loss is not finite (${bad.map(([k, v]) => `${k} = ${v}`).join(', ')})`, result.losses);
        }
        position = null;
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
        // Also at the first student step and at the last step, so a short run after a long
        // warm-up still shows what the student trains on.
        const edge = config.previewEvery > 0 && ((phase.trainsStudent && studentStep === 1) || totalStep === plannedSteps);
        if ((previewDue(config.previewEvery, totalStep) || edge) && method.trainingPreview) {
          const preview = await method.trainingPreview(ctx);
          if (preview) emit({ type: 'preview', totalStep, studentStep, phase: phase.id, preview });
        }
      }
    }
    currentPhase = null;
  } catch (e) {
    if (e instanceof RunStoppedError) {
      status = 'stopped';
      // Before the last evaluation, which the history of a continued run must not hold.
      await saveCheckpoint();
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
    if (status !== 'failed' && method) {
      artifacts = (await method.artifacts?.(ctx)) ?? [];
      report = method.report?.() ?? {};
      const bad = artifacts.filter((a) => !ARTIFACT_NAME.test(a.name)).map((a) => JSON.stringify(a.name));
      if (bad.length) throw new Error(`artifact names must be lower-case letters, digits and dashes: ${bad.join(', ')}`);
    }
  } catch (e) {
    status = 'failed';
    artifacts = [];
    failure = {
      kind: 'error',
      message: `finishing the run failed (final evaluation or artifacts): ${e instanceof Error ? e.message : String(e)}`,
      phase: null,
      totalStep,
    };
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
    report,
  };
  emit({ type: 'end', summary });
  return { ...summary, studentModel: student, artifacts };
}

function toInfo(d: MethodDefinition): MethodInfo {
  const { id, label, summary, plain, description, provenance, paper, data, teachers, losses } = d;
  return { id, label, summary, plain, description, provenance, ...(paper ? { paper } : {}), data, teachers, losses };
}
