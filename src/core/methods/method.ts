// The one interface every distillation method implements (docs/architecture.md), and the context
// the training loop hands it. A method is a file exporting a MethodDefinition (static facts for
// the page, an option table, a factory) plus one line in registry.ts; src/core/run/loop.ts drives
// every method the same way, so progress events, evaluation, pause/stop, NaN detection and
// memory checks come for free.
//
// Shape of a run, as the loop sees it:
//   create(options, config) -> method with its phases
//   init(ctx)                       cheap set-up: optimizers, extra models (generator, codebook...)
//   for each phase, for each step:  step(ctx, info) -> named losses
//   trainingPreview(ctx)            now and then: the images the student trains on right now
//   dispose()                       frees every tensor the method made
// Phases let multi-stage methods fit without special cases: D4IR trains its prompt adapter and
// its diffusion model before KD; TripleD scores and condenses a subset before training; a method
// whose phase does not train the student marks it so, and the loop neither counts its steps as
// student steps nor evaluates the student during it.

import type { TrainBatch, TrainSet } from '../data/train-set';
import type { RGBBatch, RGBImage } from '../data/image';
import type { WeatherType } from '../data/weather';
import type { Restorer } from '../models/restorer';
import type { MethodState } from '../run/checkpoint';
export type { MethodState };
import type { RunConfig } from '../run/config';
import type { ParamTable, ParamValues } from '../run/params';
import type { Tensor4D } from '../tf';
import type { ProjectedPoint } from '../metrics/embeddings';
import type { StoredModel } from '../models/param-set';

/** Where a method's design comes from; the page shows it next to the description. */
export type Provenance =
  /** A baseline the project defines (scratch, logits KD). */
  | 'reference'
  /** Read in the paper or its official code. */
  | 'verified'
  /** Only the abstract was available: our best faithful reading. */
  | 'reconstructed';

/** What the student learns from. */
export type DataAccess =
  /** The teacher's paired (degraded, clean) training data. */
  | 'paired'
  /** No real images at all (a generator synthesises them). */
  | 'data-free'
  /** Unpaired "web" pools of clean and of degraded images, never the teacher's pairs. */
  | 'unpaired'
  /** A small distilled subset of the paired data. */
  | 'subset';

export interface PaperRef {
  title: string;
  authors: string;
  venue: string;
  year: number;
  /** Official code or paper page, when public. */
  url?: string;
}

/**
 * The frozen models a method can ask for, by role. Each role names the shipped model that fills
 * it by default (public/models/<id>/, with its card); the page's worker and the CLI both load
 * them through loadTeachers (teachers.ts), so both see the same models and reference rows.
 */
export const TEACHER_ROLES = {
  /** The multi-weather restoration network the student learns from. */
  restorer: { label: 'teacher', shippedModel: 'teacher' },
  /** The clean-image autoencoder (clean to clean, docs/autoencoder.md): DCKD's frozen encoder, SLKD's second teacher. */
  autoencoder: { label: 'clean autoencoder', shippedModel: 'autoencoder' },
} as const;

export type TeacherRole = keyof typeof TEACHER_ROLES;

/** The frozen models of a run, by role. */
export type TeacherSet = Readonly<Partial<Record<TeacherRole, Restorer>>>;

/**
 * One chart of loss curves: terms on one scale, declared by the method so the page needs no
 * naming convention to group them. Every loss name a method's steps return belongs to one group.
 */
export interface LossGroup {
  /** Stable id; the page's chart is `chart-<id>` ('loss' for the student's own losses). */
  id: string;
  title: string;
  /** Loss name (as in StepResult.losses) -> one plain sentence saying what it measures. */
  terms: Readonly<Record<string, string>>;
}

/** Static facts about a method: shown in the page before anything runs. */
export interface MethodInfo {
  id: string;
  label: string;
  /** One line for menus and tables. */
  summary: string;
  /** Three or four plain sentences, no formulas: what a student of the method learns from, for a classroom. */
  plain: string;
  /**
   * The full explanation for the page (plain text, paragraphs separated by blank lines): what the
   * method does, which parts are verified and which reconstructed, the design choices and why.
   */
  description: string;
  provenance: Provenance;
  paper?: PaperRef;
  data: DataAccess;
  /** The frozen models the run cannot start without (empty: none). */
  teachers: readonly TeacherRole[];
  /** Its loss curves, grouped into charts, with a plain explanation of every term. */
  losses: readonly LossGroup[];
}

/** A stretch of a run with its own step count and loss curves. */
export interface MethodPhase {
  /** Stable id, e.g. 'distill', 'adapter', 'diffusion', 'select'. */
  id: string;
  label: string;
  steps: number;
  /** True when this phase's steps update the student: they count as student steps and the student is evaluated during it. */
  trainsStudent: boolean;
  /** Set (with steps 0) when the phase's model was loaded from an earlier run: says which and how good. */
  reused?: string;
}

/** Where the loop is when it calls step(). */
export interface StepInfo {
  phase: MethodPhase;
  /** Index of this phase in the method's phases. */
  phaseIndex: number;
  /** Step within the phase, from 0. */
  phaseStep: number;
  /** Student updates completed before this step (across phases). */
  studentStep: number;
  /** Steps completed before this one, over all phases. */
  totalStep: number;
}

/**
 * Whether the loop asks for a training preview once `stepsDone` steps are done: after the first
 * step, then every `previewEvery`. Methods whose preview costs extra passes build it only then.
 */
export function previewDue(previewEvery: number, stepsDone: number): boolean {
  return previewEvery > 0 && (stepsDone === 1 || stepsDone % previewEvery === 0);
}

export interface StepResult {
  /**
   * Named losses of this step, for the curves (e.g. {total, kd, cr} or {generator, adversarial}).
   * Every value must be finite: the loop stops the run with an error otherwise.
   */
  losses: Record<string, number>;
  /** Other scalars worth plotting (learning rate, generator statistics); not checked. */
  stats?: Record<string, number>;
}

/** One image the student trains on, with what its output is pulled towards. */
export interface TrainingSample {
  /** What the student sees. */
  input: RGBImage;
  /** Its targets, one per TrainingPreview.targetLabels entry (the clean image, the teacher's output...). */
  targets: RGBImage[];
  /** Weather type or generator family of the sample, when known. */
  weather?: string;
}

/**
 * "What the student trains on right now", for the page's gallery: one row per sample, columns
 * input then targets. Images are RGB in [0, 1], patch-sized (small), plain arrays that a worker
 * can post (their buffers are transferable).
 */
export interface TrainingPreview {
  /** e.g. "Generator samples G(z) and the teacher's restorations T(G(z))". */
  caption: string;
  inputLabel: string;
  targetLabels: string[];
  samples: TrainingSample[];
  /** A 2-D picture of learned embeddings (D4IR's prompts), coloured by a label the method never saw. */
  projection?: EmbeddingProjection;
  /** A distribution of per-image scores (TripleD's complexity), with the part the method kept. */
  histogram?: ScoreHistogram;
}

export interface ScoreHistogram {
  caption: string;
  /** Counts of equal-width bins over [lo, hi]. */
  counts: number[];
  /** Of each bin, how many the method kept. */
  kept: number[];
  lo: number;
  hi: number;
}

export interface EmbeddingProjection {
  caption: string;
  points: ProjectedPoint[];
  /** A separation score, e.g. {label: 'kNN accuracy', value: 0.83, chance: 0.2}. */
  score: { label: string; value: number; chance: number };
}

/**
 * Where expensive method models (D4IR's prompt adapter and diffusion model) are kept between runs:
 * IndexedDB in the page, a folder on the command line. Keys say what was trained and how.
 */
export interface ModelCache {
  load(key: string): Promise<StoredModel | null>;
  save(key: string, model: StoredModel): Promise<void>;
}

/** Seeded training data. Every batch is a pure function of (run seed, stream, index). */
export interface DataProvider {
  readonly batch: number;
  readonly patch: number;
  /** Weather types the run trains on. */
  readonly weathers: readonly WeatherType[];
  /**
   * Paired (degraded, clean) images from the teacher's training distribution: fresh ones every
   * call, or drawn from the run's finite training set when it has one (trainSet).
   */
  pairs(stream: string, index: number, n?: number, size?: number): TrainBatch;
  /** The run's finite training set (config.trainSet synthetic pairs, or the user's pairs); null when every batch is fresh. */
  readonly trainSet: TrainSet | null;
  /** The finite set a method that needs one condenses (TripleD): trainSet, or DEFAULT_TRAIN_SET synthetic pairs. */
  finiteTrainSet(): TrainSet;
  /** Unpaired clean "web" images: a seed domain of their own, never the teacher's pairs or the eval set. */
  webClean(stream: string, index: number, n?: number, size?: number): RGBBatch;
  /** Unpaired degraded "web" images with their weather types ('user' for photos the user added: weather unknown). */
  webDegraded(stream: string, index: number, n?: number, size?: number): { images: RGBBatch; weather: (WeatherType | 'user')[] };
  /** A batch as a tensor [n, h, w, 3]; the caller disposes it. */
  tensor(batch: RGBBatch): Tensor4D;
  /** Identifies the photos the user added to the degraded pool ('' for none): models trained on the pool depend on them. */
  readonly userDegradedFingerprint: string;
  /** The same pools drawn from another seed (e.g. for models cached across runs with different seeds). */
  reseeded(seed: number): DataProvider;
}

/** Handed to every method call. */
export interface MethodContext {
  readonly config: RunConfig;
  /** The student being trained (its trainableWeights are the method's to update). */
  readonly student: Restorer;
  /** The frozen models, by role: never update their weights. Every role in info.teachers is present. */
  readonly teachers: TeacherSet;
  readonly data: DataProvider;
  /** tfjs backend name. */
  readonly backend: string;
  /** Keeps expensive models between runs; null when the caller keeps nothing. */
  readonly cache: ModelCache | null;
  /** A 32-bit seed for the random stream named by keys, derived from the run's seed. */
  seed(...keys: readonly (string | number)[]): number;
  /** The student's learning rate for student step s (the run's schedule). */
  studentLr(studentStep: number): number;
  /**
   * For long work inside one call (a diffusion sampler's denoising steps, scoring a pool): reports
   * progress to the page, and rejects with RunStoppedError when the user stops the run. Awaiting
   * it also lets a worker handle pause/stop messages.
   */
  substep(done: number, total: number, label: string): Promise<void>;
}

/**
 * Something a run produces besides the student (D4IR's synthesised bank, TripleD's condensed set,
 * a summary): plain data the page can show and offer for download, and that `weatherkd distill
 * --out DIR` writes into DIR/<name>/. Images are RGB in [0, 1].
 */
export type Artifact =
  | {
      /** Folder name: lower-case letters, digits and dashes. */
      name: string;
      title: string;
      /** Paired images, written as <name>/input/<stem>.png and <name>/target/<stem>.png (the layout `weatherkd eval` reads) plus <name>/captions.json. */
      kind: 'pairs';
      inputLabel: string;
      targetLabel: string;
      pairs: { stem: string; input: RGBImage; target: RGBImage; caption: string; original?: RGBImage }[];
      /** Set when the inputs were changed from originals (TripleD's adjustment): those are written as <name>/original/<stem>.png. */
      originalLabel?: string;
    }
  | {
      name: string;
      title: string;
      /** Any JSON value, written as <name>/<name>.json. */
      kind: 'json';
      data: unknown;
    };

export const ARTIFACT_NAME = /^[a-z0-9][a-z0-9-]*$/;

/** A method instance, made for one run. */
export interface DistillMethod {
  readonly info: MethodInfo;
  /**
   * The phases of this run, in order; the student-training ones total config.steps steps. Read
   * after init, which may shorten a phase whose model it found in the cache.
   */
  readonly phases: readonly MethodPhase[];
  /** Builds optimizers and extra models. Must not train the student: the loop scores the untrained student after it. */
  init(ctx: MethodContext): Promise<void>;
  /** Called before the first step of each phase (e.g. to build the subset a selection phase chose). */
  beginPhase?(ctx: MethodContext, phase: MethodPhase): Promise<void>;
  /**
   * One step. Frees every tensor it makes (except state it keeps on purpose and frees in dispose).
   * A step stopped through ctx.substep leaves the method's state as it was before the step.
   */
  step(ctx: MethodContext, info: StepInfo): Promise<StepResult>;
  /**
   * Everything the method keeps between steps (optimizers, extra models, banks, flags set by
   * beginPhase) as plain data, Float32Arrays allowed: with the student, the loop's counters and
   * the seeded data, enough to continue exactly. Asked between steps only.
   */
  saveState(): Promise<MethodState>;
  /** Restores saveState's value into an instance just made and init'ed for the same configuration. */
  loadState(ctx: MethodContext, state: MethodState): Promise<void>;
  /** What the run made besides the student; asked once, after the last step of a run that did not fail. */
  artifacts?(ctx: MethodContext): Promise<Artifact[]>;
  /** A few facts for the run's summary and the CLI's --json (TripleD: {subset: {size, of, ...}}); asked with artifacts. */
  report?(): Record<string, unknown>;
  /** The images the student trained on in the last step; null before the first step. */
  trainingPreview?(ctx: MethodContext): Promise<TrainingPreview | null>;
  /** Frees optimizers, extra models and kept tensors; safe to call twice. Never disposes student or teacher. */
  dispose(): void;
}

/** A method's file exports one of these; registry.ts lists them. */
export interface MethodDefinition<O extends ParamTable = ParamTable> extends MethodInfo {
  /** Method-specific settings (loss weights, generator size...): defaults, ranges and help for the page. */
  options: O;
  create(options: ParamValues<O>, config: RunConfig): DistillMethod;
}

/** Keeps the option table's literal types for `create` (use instead of a type annotation). */
export function defineMethod<const O extends ParamTable>(def: MethodDefinition<O>): MethodDefinition<O> {
  return def;
}

/** A step whose loss is not a finite number: the run stops, keeping its history. */
export class NonFiniteLossError extends Error {
  override name = 'NonFiniteLossError';
  constructor(
    message: string,
    readonly losses: Record<string, number>,
  ) {
    super(message);
  }
}

/** Thrown (through ctx.substep) into a method when the user stops the run. */
export class RunStoppedError extends Error {
  override name = 'RunStoppedError';
  constructor() {
    super('the run was stopped');
  }
}
