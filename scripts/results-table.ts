// Runs every distillation method at one fixed budget over several seeds through the public command
// line, scores each student on the synthetic evaluation set and on every real paired set beside the
// project (../shared/data; skipped with a message when absent; rain100h on its test half), and writes
// mean ± standard deviation over seeds into README.md between the results markers. Every single run
// goes to docs/results.json.
//   npx tsx scripts/results-table.ts [--methods scratch,kd,dfl,dfl@900] [--steps 150] [--seeds 1,2,3]
//        [--student student-10] [--parallel 2] [--equal-time dfl:d4ir] [--row 'LABEL=METHOD FLAG...'] [--append]
// "METHOD@N" runs that method with N student steps instead of --steps. --equal-time A:B adds a row
// for method A with as many steps as fit in B's mean wall time (A's time per step measured in its own
// row). --row 'LABEL=METHOD FLAG...' (repeatable) adds a row with its own distill flags, e.g.
// --row 'scratch, full set=scratch --train-set 2000'; {seed} in a flag becomes the run's seed (e.g. TripleD's
// --option modelSeed={seed}, a new condensed set per seed). --append keeps the rows already in
// docs/results.json (a row with the same label is replaced); `--methods '' --append` only redraws.
// Resumable: each run's scores are saved in its own folder (runs/results/<label>-s<seed>/row.json)
// and reused when the same command runs again, so a table can span several sittings; a run that was
// killed part-way continues from its distill checkpoint in that folder. Model caches
// are off: each wall time includes every model a method trains.
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs, promisify } from 'node:util';
import { format, resolveConfig } from 'prettier';
import { CHECKPOINT_FILE } from '../src/cli/run-checkpoint';

const run = promisify(execFile);
const ROOT = path.resolve(import.meta.dirname, '..');
const DATA = path.resolve(ROOT, '../shared/data');
/** The real paired sets, each in the convention its papers report (docs/data.md); rain100h on its test half only. */
const REAL_SETS = [
  { name: 'rain100h', split: 'test', channel: 'Y' },
  { name: 'rain100l-10', channel: 'Y' },
  { name: 'rain12', channel: 'Y' },
  { name: 'raindrop-4', channel: 'RGB' },
  { name: 'sots-outdoor-2', channel: 'RGB' },
] as const;

const { values } = parseArgs({
  options: {
    methods: { type: 'string', default: 'scratch,kd,dfl' },
    steps: { type: 'string', default: '150' },
    student: { type: 'string', default: 'student-10' },
    seeds: { type: 'string', default: '1,2,3' },
    parallel: { type: 'string', default: '2' },
    'equal-time': { type: 'string', multiple: true, default: [] },
    row: { type: 'string', multiple: true, default: [] },
    append: { type: 'boolean', default: false },
    out: { type: 'string', default: path.join(ROOT, 'runs/results') },
  },
});

interface Scores {
  psnr: number;
  ssim: number;
  psnr_y: number;
  ssim_y: number;
}
type EvalBlock = Record<string, Scores> & { mean: Scores };
type RealScores = Record<string, { input: Scores; output: Scores }>;
interface DistillJson {
  method: string;
  status: string;
  steps: number;
  seconds: number;
  backend: string;
  student: { preset: string; params: number; flops_per_pixel: number };
  eval: { student: EvalBlock; teacher: EvalBlock | null; untrained: EvalBlock; input: EvalBlock };
}
/** One run of one row with one seed, as docs/results.json keeps it. */
interface Run extends DistillJson {
  label: string;
  seed: number;
  args: string[];
  real: RealScores;
}
interface Job {
  label: string;
  seed: number;
  args: string[];
}

const cli = (args: string[]) => run('node', [path.join(ROOT, 'bin/weatherkd.mjs'), ...args], { cwd: ROOT, maxBuffer: 64 << 20 });
const sets = REAL_SETS.filter((s) => existsSync(path.join(DATA, s.name, 'input')));
if (sets.length < REAL_SETS.length)
  process.stderr.write(`results: ${DATA} lacks some real sets; the table shows only ${sets.map((s) => s.name).join(', ') || 'none'}\n`);

async function scoreReal(model: string): Promise<RealScores> {
  const out: RealScores = {};
  for (const s of sets) {
    const dir = path.join(DATA, s.name);
    const split = 'split' in s ? ['--split', s.split] : [];
    const { stdout } = await cli(['eval', '--input', path.join(dir, 'input'), '--target', path.join(dir, 'target'), '--model', model, ...split, '--json']);
    const r = JSON.parse(stdout) as { input: Scores; output: Scores };
    out[s.name] = { input: r.input, output: r.output };
  }
  return out;
}

/** The jobs of one row: its label and distill arguments, once per seed. */
function rowJobs(entry: string, seeds: number[]): Job[] {
  const eq = entry.indexOf('=');
  const [spec, ...flags] = (eq < 0 ? entry : entry.slice(eq + 1)).trim().split(/\s+/);
  const [method, steps = values.steps!] = spec.split('@');
  const label = eq >= 0 ? entry.slice(0, eq).trim() : spec.includes('@') ? `${method} (${steps} steps)` : method;
  return seeds.map((seed) => ({
    label,
    seed,
    args: [
      'distill',
      '--method',
      method,
      '--student',
      values.student!,
      '--steps',
      steps,
      '--seed',
      String(seed),
      '--cache',
      'off',
      '--json',
      ...flags.map((f) => f.replaceAll('{seed}', String(seed))),
    ],
  }));
}

/** Runs one job, or reuses its saved scores when an earlier sitting ran the same arguments. */
async function runJob(job: Job): Promise<Run> {
  const dir = path.join(values.out!, `${job.label.replace(/[^a-z0-9@.-]+/gi, '-')}-s${job.seed}`);
  const saved = path.join(dir, 'row.json');
  if (existsSync(saved)) {
    const old = JSON.parse(readFileSync(saved, 'utf8')) as Run;
    if (JSON.stringify(old.args) === JSON.stringify(job.args)) return old;
  }
  // A run killed part-way (its process, or the sitting) continues from the checkpoint distill keeps in
  // its folder, when job.json says the checkpoint came from the same arguments; its clock carries on.
  const jobFile = path.join(dir, 'job.json');
  const resume = existsSync(path.join(dir, CHECKPOINT_FILE)) && existsSync(jobFile) && readFileSync(jobFile, 'utf8') === JSON.stringify(job.args);
  mkdirSync(dir, { recursive: true });
  writeFileSync(jobFile, JSON.stringify(job.args));
  const t0 = Date.now();
  process.stderr.write(`results: ${job.label} seed ${job.seed} ${resume ? 'continued from its checkpoint' : 'started'}\n`);
  const { stdout } = await cli(resume ? ['distill', '--resume', dir, '--cache', 'off', '--json'] : [...job.args, '--out', dir]);
  const r: Run = { ...(JSON.parse(stdout) as DistillJson), label: job.label, seed: job.seed, args: job.args, real: await scoreReal(dir) };
  writeFileSync(saved, JSON.stringify(r));
  process.stderr.write(`results: ${job.label} seed ${job.seed} done in ${((Date.now() - t0) / 1000).toFixed(0)} s\n`);
  return r;
}

async function pool<T, R>(items: T[], n: number, fn: (t: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(n, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await fn(items[i]);
      }
    }),
  );
  return out;
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
/** Sample standard deviation (n - 1); 0 for one value. */
const sd = (xs: number[]) => (xs.length < 2 ? 0 : Math.sqrt(xs.reduce((a, x) => a + (x - mean(xs)) ** 2, 0) / (xs.length - 1)));
/** "PSNR ± sd / SSIM" over seeds (no ± for one seed). */
function cell(scores: Scores[], channel: 'RGB' | 'Y' = 'RGB'): string {
  const p = scores.map((s) => (channel === 'Y' ? s.psnr_y : s.psnr));
  const q = scores.map((s) => (channel === 'Y' ? s.ssim_y : s.ssim));
  return `${mean(p).toFixed(2)}${scores.length > 1 ? ` ± ${sd(p).toFixed(2)}` : ''} / ${mean(q).toFixed(3)}`;
}
/** An argument as a shell would need it typed. */
const shellWord = (a: string) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`);
const line = (cells: string[]) => `| ${cells.join(' | ')} |`;

function tables(runs: Run[], teacherReal: RealScores): { synthetic: string; real: string } {
  const labels = [...new Set(runs.map((r) => r.label))];
  const byLabel = (l: string) => runs.filter((r) => r.label === l);
  const first = runs[0];
  const weathers = Object.keys(first.eval.student).filter((k) => k !== 'mean');
  const synth = ['method', ...weathers, 'mean', 'seeds', 'steps', 'wall time (mean)'];
  const a = [line(synth), line(synth.map(() => '---'))];
  const refA = (label: string, block: EvalBlock | null) =>
    block && a.push(line([`*${label}*`, ...weathers.map((w) => cell([block[w]])), cell([block.mean]), '', '', '']));
  refA('input (degraded)', first.eval.input);
  refA('untrained student', first.eval.untrained);
  refA('teacher', first.eval.teacher);
  for (const l of labels) {
    const rs = byLabel(l);
    a.push(
      line([
        `**${l}**`,
        ...weathers.map((w) => cell(rs.map((r) => r.eval.student[w]))),
        `**${cell(rs.map((r) => r.eval.student.mean))}**`,
        String(rs.length),
        String(rs[0].steps),
        `${(mean(rs.map((r) => r.seconds)) / 60).toFixed(1)} min`,
      ]),
    );
  }
  const realHead = ['method', ...sets.map((s) => `${s.name}${'split' in s ? ` ${s.split}` : ''} (${s.channel})`), 'params', 'FLOPs/px', 'backend'];
  const b = [line(realHead), line(realHead.map(() => '---'))];
  const refB = (label: string, pick: (s: string) => Scores) => b.push(line([`*${label}*`, ...sets.map((s) => cell([pick(s.name)], s.channel)), '', '', '']));
  refB('input (degraded)', (s) => first.real[s].input);
  refB('teacher', (s) => teacherReal[s].output);
  for (const l of labels) {
    const rs = byLabel(l);
    b.push(
      line([
        `**${l}**`,
        ...sets.map((s) =>
          cell(
            rs.map((r) => r.real[s.name].output),
            s.channel,
          ),
        ),
        `${(rs[0].student.params / 1e3).toFixed(0)} k`,
        `${(rs[0].student.flops_per_pixel / 1e3).toFixed(1)} k`,
        rs[0].backend.split(' ')[0],
      ]),
    );
  }
  return { synthetic: a.join('\n'), real: sets.length ? b.join('\n') : '(no real paired sets beside the project)' };
}

/** The teacher's size, from its card (the students' come with each run). */
function teacherSize(): { params: number; flopsPerPixel: number } {
  return (JSON.parse(readFileSync(path.join(ROOT, 'public/models/teacher/card.json'), 'utf8')) as { model: { params: number; flopsPerPixel: number } }).model;
}

/**
 * One row per paper's claim (docs/methods.md): what the paper says, what these runs measured as
 * per-seed differences of mean PSNR on the synthetic set (mean ± sd over seeds, seeds paired), and
 * a verdict by a fixed rule: "holds" when the difference favours the claim on every seed, "does not
 * hold" when it goes against it on every seed, "not shown" otherwise. Rows whose runs are missing
 * are left out.
 */
function claims(runs: Run[]): string {
  const psnr = (label: string) => new Map(runs.filter((r) => r.label === label).map((r) => [r.seed, r.eval.student.mean.psnr]));
  const untrained = new Map(runs.map((r) => [r.seed, r.eval.untrained.mean.psnr]));
  const input = runs[0].eval.input.mean.psnr;
  const teacher = runs[0].eval.teacher?.mean.psnr;
  const t = teacherSize();
  /** Per seed a - b, over the seeds both have. */
  const diff = (a: Map<number, number>, b: Map<number, number>) => [...a].filter(([s]) => b.has(s)).map(([s, v]) => v - b.get(s)!);
  const pm = (xs: number[], unit = ' dB', k = 1) => `${(mean(xs) * k).toFixed(2)}${xs.length > 1 ? ` ± ${(sd(xs) * k).toFixed(2)}` : ''}${unit}`;
  const verdict = (xs: number[]) =>
    xs.every((x) => x > 0) ? '**holds**' : xs.every((x) => x < 0) ? '**does not hold**' : '**not shown** (the seeds disagree)';
  const rows: string[][] = [];
  // Every claim is tested at the table's budget and again at each longer one that has "METHOD (N steps)"
  // rows; a claim compares rows of one budget only, and is left out where one of its rows is missing.
  const budgets = [0, ...new Set(runs.map((r) => Number(/(\d+) steps\)$/.exec(r.label)?.[1] ?? 0)).filter(Boolean))];
  for (const n of budgets) {
    const at = n ? ` (${n} steps)` : '';
    const [kd, dfl, d4ir, dckd, scratch, slkd] = ['kd', 'dfl', 'd4ir', 'dckd', 'scratch', 'slkd'].map((m) => psnr(m + at));
    if (d4ir.size && dfl.size && kd.size) {
      const d = diff(d4ir, dfl);
      rows.push([
        `D4IR: its synthesised data bring the student closer to a data-trained one than DFL's generator does${at}`,
        'closer than DFL (qualitative)',
        `d4ir - dfl: ${pm(d)}; behind kd (trained on pairs) by ${pm(diff(kd, d4ir))} (d4ir) and ${pm(diff(kd, dfl))} (dfl)`,
        verdict(d),
      ]);
    }
    if (dfl.size) {
      const d = diff(dfl, untrained);
      rows.push([`DFL: a student learns from the teacher with no training data${at}`, 'works with no data', `dfl - untrained student: ${pm(d)}`, verdict(d)]);
    }
    if (dckd.size && kd.size && scratch.size) {
      const [dk, ds] = [diff(dckd, kd), diff(dckd, scratch)];
      rows.push([
        `DCKD beats logits KD and training from scratch${at}`,
        'Rain100L, 3.8 M student: 38.02 dB against 37.17 (KD) and 37.47 (scratch): +0.85 and +0.55',
        `dckd - kd: ${pm(dk)}; dckd - scratch: ${pm(ds)}`,
        verdict(dk.map((x, i) => Math.min(x, ds[i]))),
      ]);
    }
    if (slkd.size) {
      const s = runs.find((r) => r.label === 'slkd' + at)!.student;
      const cut = 1 - s.flops_per_pixel / t.flopsPerPixel;
      const cost = teacher === undefined ? [] : [...slkd.values()].map((v) => teacher - v);
      rows.push([
        `SLKD: over 80% fewer FLOPs than the teacher at a small PSNR cost${at}`,
        'over 80% fewer FLOPs and parameters, small PSNR loss',
        `FLOPs per pixel ${(cut * 100).toFixed(1)}% fewer, parameters ${((1 - s.params / t.params) * 100).toFixed(1)}% fewer; PSNR cost against the teacher ${cost.length ? pm(cost) : '–'}; slkd - kd: ${kd.size ? pm(diff(slkd, kd)) : '–'}`,
        cut > 0.8 && cost.length && cost.every((c) => c < 1)
          ? '**holds**'
          : `**does not hold** at this budget: the cost is ${cost.length ? pm(cost) : '?'} (we call under 1 dB small)`,
      ]);
    }
    const [tri, full] = [psnr(`tripled (2% of 2000${n ? `, ${n} steps` : ''})`), psnr(`scratch, full set of 2000 pairs${at}`)];
    if (tri.size && full.size) {
      const shareOf = (row: Map<number, number>) => [...row].filter(([s]) => full.has(s)).map(([s, v]) => (v - input) / (full.get(s)! - input));
      const share = shareOf(tri);
      // The ablations, where their rows exist: other selections, no adjustment, a condensed set per seed.
      const ablations = [
        ['a random 2%', psnr(`tripled, random 2%${at}`)],
        ['the most complex 2% unadjusted', psnr(`tripled, top 2% unadjusted${at}`)],
        ['the same 2% unadjusted', psnr(`tripled, spread 2% unadjusted${at}`)],
        ['tripled with a new condensed set per seed', psnr(`tripled, a new set per seed${at}`)],
        ['a random 2% drawn per seed', psnr(`tripled, random 2%, a new set per seed${at}`)],
      ] as const;
      const others = ablations.filter(([, r]) => r.size).map(([name, r]) => `; ${name}: ${pm(shareOf(r), '%', 100)}`);
      rows.push([
        `TripleD: about 90% of the full-data performance from 2% of the data${at}`,
        'about 90% with 2%',
        `gain over the input of tripled (40 pairs) / that of scratch on all 2000 pairs: ${pm(share, '%', 100)}${others.join('')}`,
        share.every((x) => x >= 0.8) ? '**holds**' : share.every((x) => x < 0.8) ? '**does not hold**' : '**not shown** (the seeds disagree)',
      ]);
    }
  }
  const head = ['claim', 'the paper', 'measured here (mean ± sd over seeds)', 'verdict'];
  return [line(head), line(head.map(() => '---')), ...rows.map(line)].join('\n');
}

async function main() {
  const seeds = values.seeds!.split(',').map(Number);
  if (seeds.some((s) => !Number.isInteger(s))) throw new Error(`--seeds ${values.seeds}: give whole numbers, e.g. 1,2,3`);
  const entries = [...(values.methods ? values.methods.split(',').filter(Boolean) : []), ...values.row!];
  const parallel = Number(values.parallel);
  const runs = await pool(
    entries.flatMap((e) => rowJobs(e, seeds)),
    parallel,
    runJob,
  );
  const extra = values['equal-time']!.flatMap((pair) => {
    const [a, b] = pair.split(':');
    const [ra, rb] = [runs.filter((r) => r.label === a), runs.filter((r) => r.label === b)];
    if (!ra.length || !rb.length) throw new Error(`--equal-time ${pair}: both methods must be in --methods`);
    const steps = Math.max(1, Math.round((mean(rb.map((r) => r.seconds)) / mean(ra.map((r) => r.seconds))) * ra[0].steps));
    return rowJobs(`${a}@${steps}`, seeds);
  });
  runs.push(...(await pool(extra, parallel, runJob)));
  const jsonPath = path.join(ROOT, 'docs/results.json');
  // A command that ran nothing (`--methods '' --append`) only redraws the tables, and is not listed.
  let commands = runs.length ? [process.argv.slice(2)] : [];
  let teacherReal: RealScores | undefined;
  if (values.append && existsSync(jsonPath)) {
    const old = JSON.parse(readFileSync(jsonPath, 'utf8')) as { commands: string[][]; teacher_real?: RealScores; runs?: Run[] };
    // The same command run again (to resume) is listed once.
    commands = [...old.commands.filter((c) => c.join(' ') !== process.argv.slice(2).join(' ')), ...commands];
    runs.unshift(...(old.runs ?? []).filter((o) => !runs.some((r) => r.label === o.label)));
    teacherReal = old.teacher_real;
  }
  if (!runs.length) throw new Error('no runs: name some with --methods or --row, or add --append to redraw from docs/results.json');
  teacherReal ??= await scoreReal('teacher');
  // Formatted as the lint expects, so a run of this script leaves the tree clean.
  const json = JSON.stringify({ commands, date: new Date().toISOString(), teacher_real: teacherReal, runs });
  writeFileSync(jsonPath, await format(json, { ...(await resolveConfig(jsonPath)), filepath: jsonPath }));
  const t = tables(runs, teacherReal);
  const md =
    `Student ${values.student}, ${values.steps} student steps each unless the row says otherwise; mean ± standard deviation over seeds ` +
    `${seeds.join(', ')} (PSNR in dB / SSIM, mean). Commands: ${commands.map((c) => `\`npx tsx scripts/results-table.ts ${c.map(shellWord).join(' ')}\``).join(', then ')}. ` +
    `Every run is in \`docs/results.json\`.\n\nSynthetic evaluation set (RGB):\n\n${t.synthetic}\n\n` +
    `Real paired sets (\`../shared/data\`; Y for rain, RGB for raindrops and haze):\n\n${t.real}\n`;
  const readme = path.join(ROOT, 'README.md');
  let text = readFileSync(readme, 'utf8');
  for (const [name, body] of [
    ['results', md],
    ['claims', `${claims(runs)}\n`],
  ]) {
    const [start, end] = [`<!-- ${name}:start -->`, `<!-- ${name}:end -->`];
    if (!text.includes(start) || !text.includes(end)) throw new Error(`README.md has no ${name} markers`);
    text = text.slice(0, text.indexOf(start) + start.length) + '\n' + body + text.slice(text.indexOf(end));
  }
  writeFileSync(readme, text);
  console.log(md);
}

main().catch((e) => {
  console.error(`results-table: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
});
