// A run as one file to keep, send or compare elsewhere, and back: its resolved configuration, phases, loss
// curves, evaluations and references, backend, and the project version; and its evaluations as
// CSV. Images (evaluation samples, previews, artifacts) stay out: they have their own downloads.
import * as v from 'valibot';
import { version } from '../../package.json';
import type { MethodPhase } from '../core/methods/method';
import type { RunConfig } from '../core/run/config';
import type { EvalScores } from '../core/run/events';
import { newRunRecord, type RunRecord } from './runs';

export const RUN_EXPORT_FORMAT = 'weatherkd-run';
export const RUN_EXPORT_VERSION = 1;

export function exportRun(r: RunRecord) {
  return {
    format: RUN_EXPORT_FORMAT,
    version: RUN_EXPORT_VERSION,
    project: { name: 'weatherkd-playground', version },
    exportedAt: new Date().toISOString(),
    id: r.id,
    label: r.label,
    method: r.method,
    state: r.state,
    error: r.error,
    backend: r.backend,
    config: r.config ?? null,
    phases: r.phases ?? [],
    progress: r.progress,
    losses: r.losses,
    evals: r.evals,
    references: r.references,
    lossGroups: r.lossGroups ?? [],
    ...(r.student ? { student: r.student } : {}),
  };
}

const CSV_HEAD = ['subject', 'step', 'weather', 'psnr', 'ssim', 'psnr_y', 'ssim_y'];

/** One line per (subject, step, weather type or "mean"). */
export function evaluationsCsv(r: RunRecord): string {
  const rows: (string | number)[][] = [];
  const add = (subject: string, step: number | string, s: EvalScores | null) => {
    if (!s) return;
    for (const [w, v] of [...Object.entries(s.weathers), ['mean', s.mean] as const]) {
      if (v) rows.push([subject, step, w, v.psnr, v.ssim, v.psnr_y, v.ssim_y]);
    }
  };
  add('input', '', r.references.input);
  add('untrained', '', r.references.untrained);
  add('teacher', '', r.references.teacher);
  for (const e of r.evals) add('student', e.step, e.scores);
  return [CSV_HEAD, ...rows].map((row) => row.join(',')).join('\n') + '\n';
}

// ---------------------------------------------------------------------------------------------
// Import: a file exported above (a colleague's run, say), or the run.json that `weatherkd distill
// --out DIR` writes. Checked against a schema before anything changes; a file that does not fit
// gets one message and is not added.

// JSON has no Infinity (identical images): the CLI writes "Infinity", JSON.stringify null.
const num = v.union([v.number(), v.literal('Infinity'), v.null()]);
const scoresSchema = v.object({ psnr: num, ssim: v.number(), psnr_y: num, ssim_y: v.number() });
const evalScoresSchema = v.object({ weathers: v.record(v.string(), scoresSchema), mean: scoresSchema });
/** A number that JSON may have turned into null (NaN, an infinite time left): NaN then. */
const maybe = v.pipe(
  v.nullable(v.number()),
  v.transform((x) => x ?? NaN),
);
const configSchema = v.looseObject({ method: v.string(), seed: v.number(), steps: v.number() });

const pageExport = v.object({
  format: v.literal(RUN_EXPORT_FORMAT),
  version: v.literal(RUN_EXPORT_VERSION),
  project: v.object({ name: v.string(), version: v.string() }),
  exportedAt: v.string(),
  id: v.string(),
  label: v.string(),
  method: v.string(),
  state: v.picklist(['completed', 'stopped', 'failed', 'interrupted']),
  error: v.nullable(v.string()),
  backend: v.nullable(v.string()),
  config: v.nullable(configSchema),
  phases: v.array(v.looseObject({ id: v.string(), label: v.string(), steps: v.number(), trainsStudent: v.boolean() })),
  progress: v.object({
    totalStep: v.number(),
    studentStep: v.number(),
    phase: v.string(),
    stepsPerSecond: maybe,
    etaSeconds: maybe,
    seconds: v.number(),
  }),
  losses: v.object({ step: v.array(v.number()), series: v.record(v.string(), v.array(maybe)) }),
  evals: v.array(v.object({ step: v.number(), scores: evalScoresSchema, seconds: v.optional(v.number()) })),
  references: v.object({ teacher: v.nullable(evalScoresSchema), untrained: v.nullable(evalScoresSchema), input: v.nullable(evalScoresSchema) }),
  student: v.optional(v.object({ params: v.number(), flopsPerPixel: v.number(), preset: v.nullable(v.string()) })),
  lossGroups: v.optional(v.array(v.object({ id: v.string(), title: v.string(), terms: v.record(v.string(), v.string()) }))),
});

/** `weatherkd distill --out DIR`'s run.json: scores as {WEATHER: {...}, mean: {...}}. */
const cliScores = v.record(v.string(), scoresSchema);
const cliRun = v.object({
  method: v.string(),
  status: v.picklist(['completed', 'stopped', 'failed']),
  steps: v.number(),
  seconds: v.number(),
  backend: v.string(),
  seed: v.number(),
  student: v.object({ preset: v.nullable(v.string()), params: v.number(), flops_per_pixel: v.number() }),
  eval: v.object({ student: v.nullable(cliScores), teacher: v.nullable(cliScores), untrained: v.nullable(cliScores), input: v.nullable(cliScores) }),
  config: configSchema,
  error: v.optional(v.nullable(v.object({ message: v.string() }))),
});

export class RunImportError extends Error {
  override name = 'RunImportError';
}

type Scores = v.InferOutput<typeof scoresSchema>;
const db = (x: number | 'Infinity' | null) => (typeof x === 'number' ? x : Infinity);
const finite = (s: Scores) => ({ ...s, psnr: db(s.psnr), psnr_y: db(s.psnr_y) });
const toEvalScores = (s: { weathers: Record<string, Scores>; mean: Scores }): EvalScores => ({
  weathers: Object.fromEntries(Object.entries(s.weathers).map(([w, x]) => [w, finite(x)])),
  mean: finite(s.mean),
});
const fromCli = (s: Record<string, Scores> | null): EvalScores | null => {
  if (!s?.mean) return null;
  const { mean, ...weathers } = s;
  return toEvalScores({ weathers, mean });
};

const describeIssue = (issues: readonly v.BaseIssue<unknown>[]) => {
  const first = issues[0];
  const where = first.path?.map((p) => String(p.key)).join('.') || 'the top level';
  return `${first.message} at ${where}`;
};

/** A run record from an exported file's text; `id` names the new record. */
export function importRun(text: string, id: string, fileName: string): RunRecord {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw new RunImportError(`${fileName} is not JSON (${e instanceof Error ? e.message : String(e)}); is it cut short?`);
  }
  const mine = v.safeParse(pageExport, doc);
  if (mine.success) {
    const d = mine.output;
    return {
      ...newRunRecord(id, `${d.label} (imported)`, { method: d.method }, 'standard'),
      createdAt: Date.now(),
      method: d.method,
      state: d.state,
      error: d.error,
      backend: d.backend,
      totalSteps: d.progress.totalStep,
      progress: d.progress,
      losses: d.losses,
      evals: d.evals.map((e) => ({ ...e, scores: toEvalScores(e.scores) })),
      references: {
        teacher: d.references.teacher && toEvalScores(d.references.teacher),
        untrained: d.references.untrained && toEvalScores(d.references.untrained),
        input: d.references.input && toEvalScores(d.references.input),
      },
      config: d.config as unknown as RunConfig,
      phases: d.phases as MethodPhase[],
      lossGroups: d.lossGroups ?? [],
      ...(d.student ? { student: d.student } : {}),
    };
  }
  const cli = v.safeParse(cliRun, doc);
  if (cli.success) {
    const d = cli.output;
    const student = fromCli(d.eval.student);
    return {
      ...newRunRecord(id, `${d.method}, seed ${d.seed}, ${d.steps} steps (imported from ${fileName})`, { method: d.method }, 'standard'),
      method: d.method,
      state: d.status,
      error: d.error?.message ?? null,
      backend: d.backend,
      totalSteps: d.steps,
      progress: { totalStep: d.steps, studentStep: d.steps, phase: '', stepsPerSecond: 0, etaSeconds: 0, seconds: d.seconds },
      evals: student ? [{ step: d.steps, scores: student, seconds: d.seconds }] : [],
      references: { teacher: fromCli(d.eval.teacher), untrained: fromCli(d.eval.untrained), input: fromCli(d.eval.input) },
      config: d.config as unknown as RunConfig,
      student: { params: d.student.params, flopsPerPixel: d.student.flops_per_pixel, preset: d.student.preset },
    };
  }
  const looksMine = typeof doc === 'object' && doc !== null && (doc as { format?: unknown }).format === RUN_EXPORT_FORMAT;
  throw new RunImportError(
    `${fileName} is not a run file: ${looksMine ? describeIssue(mine.issues) : `neither a playground export nor a weatherkd distill run.json (${describeIssue(cli.issues)})`}`,
  );
}
