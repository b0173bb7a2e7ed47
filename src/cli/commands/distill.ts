// weatherkd distill --method M [--student PRESET] [--steps N] [--seed S] ... [--out DIR] [--json]:
// trains a student with any method of the registry through the same loop the page's worker uses,
// and reports the student, the teacher, the untrained student and the input on a fixed evaluation
// set. --out writes metrics.jsonl (one line per evaluation), run.json and the student (model.json +
// weights.bin, which "weatherkd eval --model DIR" reads), and keeps a checkpoint there while the
// run trains, from which "weatherkd distill --resume DIR" continues a stopped or killed run.

import { existsSync } from 'node:fs';
import { appendFile, mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { ImageScores } from '../../core/metrics/common';
import type { Restorer } from '../../core/models/restorer';
import { disposeTeachers, loadTeachers } from '../../core/methods/teachers';
import { writeArtifacts } from '../artifacts';
import { formatDuration } from '../../core/format';
import {
  defaultRunParams,
  RUN_PARAMS,
  DEFAULT_METHOD,
  RUN_PRESET_NAMES,
  RunConfigError,
  inputFromParams,
  resolveRunConfig,
  type RunParamKey,
  type RunConfigInput,
  type RunPresetName,
} from '../../core/run/config';
import type { EvalRecord, EvalScores, EvalSubject, RunEvent, RunSummary } from '../../core/run/events';
import { formatParam, parseParamText, type ParamSpec, type ParamValue } from '../../core/run/params';
import { CliError, UsageError, defineCommand, type CliIO } from '../command';
import { backendOption } from '../common-options';
import { intOption } from '../number-option';
import { CHECKPOINT_FILE, readCheckpointFile, removeCheckpointFile, writeCheckpointFile } from '../run-checkpoint';
import { readTrainPairs } from '../train-pairs';
import { scoresToJson } from './metrics';

/** CLI flag -> RUN_PARAMS key. Help texts and checks come from the table. */
const FLAGS = {
  student: 'student',
  steps: 'steps',
  seed: 'seed',
  batch: 'batch',
  patch: 'patch',
  lr: 'lr',
  schedule: 'lrSchedule',
  warmup: 'warmupSteps',
  weathers: 'weathers',
  source: 'source',
  'train-set': 'trainSet',
  'eval-every': 'evalEvery',
  'eval-count': 'evalSet.count',
  'eval-size': 'evalSet.size',
  'eval-seed': 'evalSet.seed',
  'eval-weathers': 'evalSet.weathers',
} as const satisfies Record<string, keyof typeof RUN_PARAMS>;

type Flag = keyof typeof FLAGS;

function valueName(spec: ParamSpec): string {
  if (spec.type === 'enum') return spec.values.join('|');
  if (spec.type === 'list') return 'A,B,...';
  return spec.type === 'int' ? 'N' : 'X';
}

/** "(default: 2000; quick: 60, long: 20000)": the standard value, then the presets that differ. */
function defaultsText(key: keyof typeof RUN_PARAMS): string {
  const standard = formatParam(defaultRunParams('standard')[key] as ParamValue);
  const others = RUN_PRESET_NAMES.filter((p) => p !== 'standard')
    .map((p) => [p, formatParam(defaultRunParams(p)[key] as ParamValue)] as const)
    .filter(([, v]) => v !== standard)
    .map(([p, v]) => `${p}: ${v}`);
  return `(default: ${standard}${others.length ? `; ${others.join(', ')}` : ''})`;
}

const PARAM_OPTIONS = Object.fromEntries(
  (Object.entries(FLAGS) as [Flag, keyof typeof RUN_PARAMS][]).map(([flag, key]) => {
    const spec = RUN_PARAMS[key] as ParamSpec;
    return [flag, { type: 'string', valueName: valueName(spec), description: `${spec.help} ${defaultsText(key)}` }];
  }),
) as Record<Flag, { type: 'string'; valueName: string; description: string }>;

/** Scores as the --json document writes them: {WEATHER: {...}, ..., mean: {...}}. */
function scoresJson(s: EvalScores | null): Record<string, ReturnType<typeof scoresToJson>> | null {
  if (!s) return null;
  const out: Record<string, ReturnType<typeof scoresToJson>> = {};
  for (const [w, v] of Object.entries(s.weathers)) out[w] = scoresToJson(v as ImageScores);
  out.mean = scoresToJson(s.mean);
  return out;
}

/** One line of metrics.jsonl. */
function metricsLine(r: EvalRecord): string {
  const line = { subject: r.subject, step: r.studentStep, total_step: r.totalStep, seconds: Number(r.seconds.toFixed(3)), scores: scoresJson(r.scores) };
  return `${JSON.stringify(line)}\n`;
}

export function distillJson(summary: RunSummary): object {
  const subjects: EvalSubject[] = ['student', 'teacher', 'untrained', 'input'];
  return {
    method: summary.method,
    status: summary.status,
    steps: summary.studentSteps,
    seconds: Number(summary.seconds.toFixed(3)),
    backend: summary.backend,
    seed: summary.config.seed,
    student: { preset: summary.student.preset, params: summary.student.params, flops_per_pixel: summary.student.flopsPerPixel },
    eval: Object.fromEntries(subjects.map((s) => [s, scoresJson(summary.eval[s])])),
    ...summary.report,
  };
}

const db = (v: number | undefined): string => (v === undefined ? '     -' : v === Infinity ? '   inf' : v.toFixed(2).padStart(6));

function table(summary: RunSummary): string {
  const weathers = summary.config.evalSet.weathers;
  const subjects: EvalSubject[] = ['input', 'untrained', 'student', 'teacher'];
  const head = `${'PSNR dB (RGB)'.padEnd(12)}${weathers.map((w) => w.padStart(11)).join('')}${'mean'.padStart(11)}`;
  const rows = subjects
    .filter((s) => summary.eval[s])
    .map((s) => {
      const e = summary.eval[s]!;
      return `${s.padEnd(12)}${weathers.map((w) => db(e.weathers[w]?.psnr).padStart(11)).join('')}${db(e.mean.psnr).padStart(11)}`;
    });
  return [head, ...rows].join('\n');
}

/** --option KEY=VALUE entries, parsed with the method's option table. */
function methodOptions(entries: readonly string[], table: Readonly<Record<string, ParamSpec>>, method: string): Record<string, ParamValue> {
  const out: Record<string, ParamValue> = {};
  for (const entry of entries) {
    const eq = entry.indexOf('=');
    if (eq <= 0) throw new UsageError(`--option expects KEY=VALUE, got "${entry}"`);
    const key = entry.slice(0, eq).trim();
    const spec = table[key];
    if (!spec) {
      const known = Object.keys(table);
      throw new UsageError(`method ${method} has no option "${key}"${known.length ? ` (options: ${known.join(', ')})` : ' (it has no options)'}`);
    }
    try {
      out[key] = parseParamText(`${method}.${key}`, spec, entry.slice(eq + 1));
    } catch (e) {
      throw new UsageError((e as Error).message);
    }
  }
  return out;
}

const PROGRESS_EVERY_MS = 15_000;

/** Progress on stderr: one line per evaluation, plus phase changes, and a line at least every 15 s. */
function progressPrinter(io: CliIO): (e: RunEvent) => void {
  let lastStep: Extract<RunEvent, { type: 'step' }> | null = null;
  let reference = '';
  // Long stretches without an evaluation (preparation phases, scoring a set) print a line now and then.
  let lastLine = Date.now();
  const line = (text: string) => {
    io.stderr.write(text);
    lastLine = Date.now();
  };
  const due = () => Date.now() - lastLine >= PROGRESS_EVERY_MS;
  return (e) => {
    if (e.type === 'start') {
      const teacher = e.teacher ? `teacher ${e.teacher.params.toLocaleString('en')} params` : 'no teacher';
      io.stderr.write(
        `${e.method.id}: ${e.student.preset ?? 'custom'} student (${e.student.params.toLocaleString('en')} params), ${teacher}, ` +
          `${e.totalSteps} steps on ${e.backend}\n`,
      );
    } else if (e.type === 'phase' && (e.phase.steps > 0 || e.phase.reused)) {
      line(`phase ${e.phaseIndex + 1}: ${e.phase.label} (${e.phase.reused ?? `${e.phase.steps} steps`})\n`);
    } else if (e.type === 'step') {
      lastStep = e;
      if (due()) line(`  ${e.record.phase}: step ${e.record.totalStep} of ${e.totalSteps}, eta ${formatDuration(e.etaSeconds)}\n`);
    } else if (e.type === 'substep') {
      if (due()) line(`  ${e.phase}: ${e.label} ${e.done} of ${e.total}\n`);
    } else if (e.type === 'eval') {
      const psnr = e.record.scores.mean.psnr.toFixed(2);
      if (e.record.subject !== 'student') {
        reference += `${reference ? ', ' : ''}${e.record.subject} ${psnr}`;
        if (e.record.subject === 'untrained') io.stderr.write(`mean PSNR (dB): ${reference}\n`);
        return;
      }
      const s = lastStep;
      const losses = s
        ? Object.entries(s.record.losses)
            .slice(0, 3)
            .map(([k, v]) => `${k} ${v.toPrecision(3)}`)
            .join(' ')
        : '';
      const speed = s ? `${s.stepsPerSecond.toFixed(1)} steps/s, eta ${formatDuration(s.etaSeconds)}` : '';
      line(`step ${e.record.studentStep}  ${losses}  ${speed}  student ${psnr} dB\n`);
    }
  };
}

export const distillCommand = defineCommand({
  name: 'distill',
  summary: 'train a student by distillation (or from scratch) and score it against the teacher',
  positionals: [],
  description: [
    'Trains a student with a method of the registry (scratch, kd, dfl, ...) through the training loop',
    'the page uses, then prints mean PSNR/SSIM per weather type of the student, the teacher, the',
    'untrained student and the degraded input on a fixed synthetic evaluation set. Settings start',
    'from --preset (quick: seconds, standard, long) and any flag overrides them; method options are',
    'set with --option KEY=VALUE (--help --method ID lists them). Ctrl-C (or SIGTERM) stops the',
    'run early and still reports and saves the student.',
    'With --json, prints {"method","status","steps","seconds","backend","seed","student":{"preset",',
    '"params","flops_per_pixel"},"eval":{"student"|"teacher"|"untrained"|"input":{WEATHER:{"psnr",',
    '"ssim","psnr_y","ssim_y"},...,"mean":{...}}}} (a subject is null when absent), plus what the method',
    'reports (TripleD: "subset":{"size","of",...}). Progress goes to stderr, with --json too.',
    'With --out DIR, writes DIR/metrics.jsonl (one line per evaluation), DIR/run.json (configuration,',
    'status, losses), the student as DIR/model.json + weights.bin, and each artifact of the method',
    '(D4IR: its synthesised bank; TripleD: subset/ and scores/) in DIR/<artifact>/. While it trains, and when stopped, the run keeps',
    `DIR/${CHECKPOINT_FILE}; --resume DIR continues it (same settings and teacher) and ends exactly as`,
    'an uninterrupted run would; a completed run deletes its checkpoint.',
  ].join('\n'),
  options: {
    method: {
      type: 'string',
      valueName: 'ID',
      description: `distillation method (default: ${DEFAULT_METHOD}; the README lists them, an unknown id prints the list)`,
    },
    preset: { type: 'string', valueName: RUN_PRESET_NAMES.join('|'), description: 'starting point of every setting (default: standard)' },
    ...PARAM_OPTIONS,
    option: { type: 'string', multiple: true, valueName: 'KEY=VALUE', description: 'a method option (repeatable)' },
    teacher: {
      type: 'string',
      valueName: 'teacher|DIR',
      description: 'the shipped teacher (default), a restorer folder or a teacher training run',
    },
    'train-pairs': {
      type: 'string',
      valueName: 'DIR',
      description: "train on your own pairs, DIR/input/ and DIR/target/ by file stem (e.g. a TripleD run's DIR/subset): the run's finite training set",
    },
    out: { type: 'string', valueName: 'DIR', description: 'write metrics.jsonl, run.json, the student and a checkpoint here' },
    resume: { type: 'string', valueName: 'DIR', description: 'continue the run whose --out was DIR from its checkpoint (settings and teacher come from it)' },
    'checkpoint-every': { type: 'string', valueName: 'SECONDS', default: '120', description: 'seconds between checkpoints in --out DIR' },
    cache: {
      type: 'string',
      valueName: 'DIR|off',
      default: '.weatherkd-cache',
      description: "where methods keep expensive models between runs (D4IR's prompt adapter and diffusion model); off keeps nothing",
    },
    json: { type: 'boolean', description: 'print one JSON object on stdout' },
    backend: backendOption(),
  },
  async moreHelp(values) {
    if (values.method === undefined) return `\nAdd --method ID to --help for that method's --option keys.\n`;
    const { findMethod, METHOD_IDS } = await import('../../core/methods/registry');
    const method = findMethod(values.method);
    if (!method) throw new UsageError(`unknown --method "${values.method}" (expected one of ${METHOD_IDS.join(', ')})`);
    const entries = Object.entries(method.options as Record<string, ParamSpec>);
    if (!entries.length) return `\n${method.label} has no --option keys.\n`;
    const range = (spec: ParamSpec) =>
      spec.type === 'int' || spec.type === 'number' ? `[${spec.min}, ${spec.max}]` : spec.type === 'bool' ? 'true|false' : spec.values.join('|');
    return [
      '',
      `${method.label}: --option KEY=VALUE`,
      ...entries.map(([key, spec]) => `  ${key}=${range(spec)}  (default ${formatParam(spec.default as ParamValue)})\n      ${spec.help}`),
      '',
    ].join('\n');
  },
  async run({ values }, io) {
    const preset = (values.preset ?? 'standard') as RunPresetName;
    if (!RUN_PRESET_NAMES.includes(preset)) throw new UsageError(`unknown --preset "${values.preset}" (expected ${RUN_PRESET_NAMES.join(', ')})`);
    const checkpointEvery = intOption('checkpoint-every', values['checkpoint-every'], 0);
    const resumeDir = values.resume;
    if (resumeDir !== undefined) {
      const settings = [...(['method', 'preset', 'option', 'teacher', 'train-pairs'] as const), ...(Object.keys(FLAGS) as Flag[])].filter(
        (f) => values[f] !== undefined,
      );
      if (settings.length) throw new UsageError(`--resume continues a run with its own settings and teacher; drop ${settings.map((f) => `--${f}`).join(', ')}`);
      if (values.out !== undefined && path.resolve(values.out) !== path.resolve(resumeDir))
        throw new UsageError('--resume writes into the folder it continues; drop --out');
    }
    const outDir = values.out ?? resumeDir;

    // tfjs loads here, not at CLI start.
    const [
      { startBackend },
      { loadModelArg },
      { METHODS, getMethod },
      { runDistillation, RunSetupError },
      { RunController },
      { saveRestorerToDir },
      { directoryModelCache },
    ] = await Promise.all([
      import('../backend-option'),
      import('../model-arg'),
      import('../../core/methods/registry'),
      import('../../core/run/loop'),
      import('../../core/run/controller'),
      import('../model-files'),
      import('../model-cache'),
    ]);

    const resume = resumeDir === undefined ? null : await readCheckpointFile(resumeDir);
    const methodId = resume?.method ?? values.method ?? DEFAULT_METHOD;
    const method = METHODS.find((m) => m.id === methodId);
    if (!method) throw new UsageError(`unknown --method "${methodId}" (expected one of ${METHODS.map((m) => m.id).join(', ')})`);

    // Previews are images for the page; here nobody sees them, and D4IR's cost diffusion sampling.
    const params: Partial<Record<RunParamKey, ParamValue>> = { previewEvery: 0 };
    for (const [flag, key] of Object.entries(FLAGS) as [Flag, RunParamKey][]) {
      const text = values[flag];
      if (text === undefined) continue;
      let value: ParamValue;
      try {
        value = parseParamText(`--${flag}`, RUN_PARAMS[key] as ParamSpec, text);
      } catch (e) {
        throw new UsageError((e as Error).message);
      }
      params[key] = value;
    }
    const input: RunConfigInput = {
      ...inputFromParams(params),
      method: method.id,
      methodOptions: methodOptions(values.option ?? [], method.options, method.id),
    };
    let config;
    try {
      config = resume ? resume.config : resolveRunConfig(input, METHODS, preset);
    } catch (e) {
      if (e instanceof RunConfigError) throw new UsageError(e.issues.join('; '));
      throw e;
    }

    const report = await startBackend(values.backend, io);
    // --teacher fills the restorer role (and, when given, must load even for a method that does not
    // need it); other roles are their shipped models.
    const needed = getMethod(method.id).teachers;
    const teacherArg = resume ? resume.teachers.restorer : values.teacher;
    const { teachers, notes } = await loadTeachers(
      { teachers: teacherArg === undefined ? needed : [...needed, 'restorer'] },
      async (model) => (await loadModelArg(model)).restorer,
      teacherArg,
    );
    for (const note of notes) io.stderr.write(`note: ${note}\n`);
    const teacher = teachers.restorer ?? null;
    const trainPairsDir = resume ? resume.trainPairs : values['train-pairs'];
    const trainPairs = trainPairsDir === undefined ? undefined : await readTrainPairs(trainPairsDir);

    let metricsFile: string | null = null;
    if (outDir) {
      await mkdir(outDir, { recursive: true });
      metricsFile = path.join(outDir, 'metrics.jsonl');
      // A continued run rewrites the evaluations its checkpoint holds (not those of the stop).
      await writeFile(metricsFile, (resume?.history.evals ?? []).map(metricsLine).join(''));
    }
    // Progress goes to stderr with --json too: stdout holds the JSON alone.
    const progress = progressPrinter(io);
    let pending: Promise<void> = Promise.resolve();
    const controller = new RunController();
    let interrupts = 0;
    const onSignal = () => {
      if (++interrupts > 1) process.exit(130);
      io.stderr.write(`\nstopping after this step${outDir ? ', keeping a checkpoint' : ''} (Ctrl-C again to abort)\n`);
      controller.stop();
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);

    let student: Restorer | null = null;
    try {
      let result;
      try {
        result = await runDistillation({
          config,
          teachers,
          controller,
          cache: values.cache === 'off' ? null : directoryModelCache(values.cache!),
          ...(trainPairs ? { trainPairs } : {}),
          ...(resume ? { resume } : {}),
          ...(outDir
            ? {
                checkpoints: {
                  everySeconds: checkpointEvery,
                  teachers: teacherArg === undefined ? {} : { restorer: teacherArg },
                  ...(trainPairsDir === undefined ? {} : { trainPairs: trainPairsDir }),
                  save: (cp) => writeCheckpointFile(outDir, cp),
                },
              }
            : {}),
          onEvent: (e) => {
            progress?.(e);
            if (e.type === 'eval' && metricsFile) {
              const file = metricsFile;
              pending = pending.then(() => appendFile(file, metricsLine(e.record)));
            }
            if (e.type === 'checkpoint' && e.error) io.stderr.write(`warning: could not keep a checkpoint at step ${e.totalStep}: ${e.error}\n`);
          },
        });
      } catch (e) {
        if (e instanceof RunSetupError) throw new CliError(e.message);
        throw e;
      }
      student = result.studentModel;
      await pending;
      const { studentModel: _s, artifacts, ...summary } = result;
      void _s;
      let artifactDirs: string[] = [];
      if (summary.status === 'completed' && outDir) await removeCheckpointFile(outDir);
      if (outDir) {
        const run = {
          ...distillJson(summary),
          error: summary.error,
          config: summary.config,
          teacher: teacher ? { source: values.teacher ?? 'teacher', ...summary.teacher } : null,
          losses: summary.history.steps.map((s) => ({ step: s.totalStep, phase: s.phase, ...s.losses })),
          artifacts: artifacts.map((a) => ({ name: a.name, title: a.title, kind: a.kind })),
        };
        artifactDirs = await writeArtifacts(outDir, artifacts);
        await writeFile(path.join(outDir, 'run.json'), `${JSON.stringify(run, null, 1)}\n`);
        // A diverged student may hold NaN weights, and one that never trained is the untrained
        // network: keep the metrics, not the model.
        if (summary.status !== 'failed' && summary.studentSteps > 0) {
          await saveRestorerToDir(student, outDir, {
            info: {
              trainedBy: 'weatherkd distill',
              method: summary.method,
              steps: summary.studentSteps,
              config: summary.config,
              meanPsnr: summary.eval.student?.mean.psnr ?? null,
            },
          });
        } else if (summary.studentSteps === 0) {
          io.stderr.write('note: the student never trained, so no model was saved\n');
        } else if (existsSync(path.join(outDir, 'model.json'))) {
          io.stderr.write(`note: ${path.join(outDir, 'model.json')} is from an earlier run\n`);
        }
      }
      if (summary.status === 'failed') throw new CliError(summary.error?.message ?? 'the run failed');
      if (values.json) {
        io.stdout.write(`${JSON.stringify(distillJson(summary))}\n`);
      } else {
        const stopped = summary.status === 'stopped' ? ` (stopped early${outDir ? `; continue with --resume ${outDir}` : ''})` : '';
        io.stdout.write(
          [
            `${summary.method}: ${summary.studentSteps} student steps in ${formatDuration(summary.seconds)} on ${report.backend}${stopped}`,
            table(summary),
            ...(outDir ? [`saved the student, metrics.jsonl and run.json in ${outDir}`] : []),
            ...artifactDirs.map((d) => `wrote ${d}`),
            '',
          ].join('\n'),
        );
      }
    } finally {
      process.removeListener('SIGINT', onSignal);
      process.removeListener('SIGTERM', onSignal);
      student?.dispose();
      disposeTeachers(teachers);
    }
  },
});
