// What a run reports: its records (steps, evaluations, the summary) and the typed events the loop
// emits. All plain data: a worker posts them as they are (image buffers transfer).

import type { RGBImage } from '../data/image';
import type { WeatherType } from '../data/weather';
import type { ImageScores } from '../metrics/common';
import { restorerComplexity } from '../models/complexity';
import type { Restorer } from '../models/restorer';
import type { Artifact, MethodInfo, MethodPhase, TrainingPreview } from '../methods/method';
import type { RunConfig } from './config';

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
  /** The method's own facts about the run (DistillMethod.report), e.g. TripleD's subset size; {} for most. */
  report: Record<string, unknown>;
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
      /** For a run continued from a checkpoint: the step it continues after and the evaluations up to there (null for a fresh run). */
      resumed: { totalStep: number; evals: EvalRecord[] } | null;
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
  | {
      type: 'checkpoint';
      /** Steps done when it was taken: a continued run starts after it. */
      totalStep: number;
      studentStep: number;
      savedAt: number;
      /** Why it could not be kept (a full disk or storage quota); null when it was. The run goes on either way. */
      error: string | null;
    }
  | { type: 'end'; summary: RunSummary };

export type RunEventType = RunEvent['type'];

export function modelSummary(r: Restorer): ModelSummary {
  const c = restorerComplexity(r.config);
  return { params: c.params, flopsPerPixel: c.flopsPerPixel, preset: r.preset ?? null };
}
