// Runs every distillation method at one fixed budget through the public command line, scores
// each student on the synthetic evaluation set and on the real rain12 set, and writes the table
// into README.md between the results markers (and the raw numbers to docs/results.json).
//   npx tsx scripts/results-table.ts [--methods scratch,kd,dfl,dfl@900] [--steps 800] [--student student-10] [--parallel 2]
// "METHOD@N" runs that method with N student steps instead of --steps. --equal-time A:B adds a row
// for method A with as many steps as fit in B's wall time (A's time per step measured in its own
// row). --append keeps the rows already in docs/results.json (same budget and seed; a row with the
// same label is replaced), so a new method joins the table without rerunning the others.
// --row 'LABEL=METHOD FLAG...' (repeatable) adds a row with its own distill flags, e.g.
// --row 'scratch, full set=scratch --train-set 2000'. Nothing is cached between runs: each wall
// time includes every model a method trains.
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs, promisify } from 'node:util';

const run = promisify(execFile);
const ROOT = path.resolve(import.meta.dirname, '..');
const RAIN12 = path.resolve(ROOT, '../shared/data/rain12');

const { values } = parseArgs({
  options: {
    methods: { type: 'string', default: 'scratch,kd,dfl' },
    steps: { type: 'string', default: '800' },
    student: { type: 'string', default: 'student-10' },
    seed: { type: 'string', default: '1' },
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
interface DistillJson {
  method: string;
  status: string;
  steps: number;
  seconds: number;
  backend: string;
  student: { preset: string; params: number; flops_per_pixel: number };
  eval: { student: EvalBlock; teacher: EvalBlock | null; untrained: EvalBlock; input: EvalBlock };
}
interface Row extends DistillJson {
  label: string;
  rain12: { input: Scores; output: Scores } | null;
}

const cli = (args: string[]) => run('node', [path.join(ROOT, 'bin/weatherkd.mjs'), ...args], { cwd: ROOT, maxBuffer: 64 << 20 });

async function runMethod(entry: string): Promise<Row> {
  const eq = entry.indexOf('=');
  const [spec, ...flags] = (eq < 0 ? entry : entry.slice(eq + 1)).trim().split(/\s+/);
  const [method, steps = values.steps!] = spec.split('@');
  const label = eq >= 0 ? entry.slice(0, eq).trim() : spec.includes('@') ? `${method} (${steps} steps)` : method;
  const dir = path.join(values.out!, label.replace(/[^a-z0-9@.-]+/gi, '-'));
  mkdirSync(dir, { recursive: true });
  const t0 = Date.now();
  process.stderr.write(`results: ${label} started\n`);
  const { stdout } = await cli([
    'distill',
    '--method',
    method,
    '--student',
    values.student!,
    '--steps',
    steps,
    '--seed',
    values.seed!,
    '--cache',
    'off',
    '--out',
    dir,
    '--json',
    ...flags,
  ]);
  const d = JSON.parse(stdout) as DistillJson;
  let rain12: Row['rain12'] = null;
  if (existsSync(RAIN12)) {
    const { stdout: e } = await cli(['eval', '--input', path.join(RAIN12, 'input'), '--target', path.join(RAIN12, 'target'), '--model', dir, '--json']);
    const r = JSON.parse(e) as { input: Scores; output: Scores };
    rain12 = { input: r.input, output: r.output };
  }
  process.stderr.write(`results: ${label} done in ${((Date.now() - t0) / 1000).toFixed(0)} s\n`);
  return { ...d, label, rain12 };
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

const f2 = (x: number) => x.toFixed(2);
/** An argument as a shell would need it typed. */
const shellWord = (a: string) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`);
const f3 = (x: number) => x.toFixed(3);

function table(rows: Row[]): string {
  const weathers = Object.keys(rows[0].eval.student).filter((k) => k !== 'mean');
  const head = ['method', ...weathers, 'mean', 'rain12 (Y)', 'params', 'FLOPs/px', 'steps', 'wall time', 'backend'];
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  const ps = (s: Scores) => `${f2(s.psnr)} / ${f3(s.ssim)}`;
  const out = [line(head), line(head.map(() => '---'))];
  const first = rows[0];
  const ref = (label: string, block: EvalBlock | null, rain12: Scores | null) =>
    block &&
    out.push(
      line([
        `*${label}*`,
        ...weathers.map((w) => ps(block[w])),
        ps(block.mean),
        rain12 ? `${f2(rain12.psnr_y)} / ${f3(rain12.ssim_y)}` : '–',
        '',
        '',
        '',
        '',
        '',
      ]),
    );
  ref('input (degraded)', first.eval.input, first.rain12?.input ?? null);
  ref('untrained student', first.eval.untrained, null);
  ref('teacher', first.eval.teacher, null);
  for (const r of rows) {
    out.push(
      line([
        `**${r.label}**`,
        ...weathers.map((w) => ps(r.eval.student[w])),
        `**${ps(r.eval.student.mean)}**`,
        r.rain12 ? `${f2(r.rain12.output.psnr_y)} / ${f3(r.rain12.output.ssim_y)}` : '–',
        `${(r.student.params / 1e3).toFixed(0)} k`,
        `${(r.student.flops_per_pixel / 1e3).toFixed(1)} k`,
        String(r.steps),
        `${(r.seconds / 60).toFixed(1)} min`,
        r.backend.split(' ')[0],
      ]),
    );
  }
  return out.join('\n');
}

async function main() {
  const methods = [...(values.methods ? values.methods.split(',').filter(Boolean) : []), ...values.row!];
  const rows = await pool(methods, Number(values.parallel), runMethod);
  const extra = values['equal-time']!.map((pair) => {
    const [a, b] = pair.split(':');
    const [ra, rb] = [rows.find((r) => r.label === a), rows.find((r) => r.label === b)];
    if (!ra || !rb) throw new Error(`--equal-time ${pair}: both methods must be in --methods`);
    return `${a}@${Math.max(1, Math.round((rb.seconds / ra.seconds) * ra.steps))}`;
  });
  rows.push(...(await pool(extra, Number(values.parallel), runMethod)));
  const jsonPath = path.join(ROOT, 'docs/results.json');
  let commands = [process.argv.slice(2)];
  if (values.append && existsSync(jsonPath)) {
    const old = JSON.parse(readFileSync(jsonPath, 'utf8')) as { commands: string[][]; rows: Row[] };
    commands = [...old.commands, ...commands];
    rows.unshift(...old.rows.filter((o) => !rows.some((r) => r.label === o.label)));
  }
  mkdirSync(path.join(ROOT, 'docs'), { recursive: true });
  writeFileSync(jsonPath, JSON.stringify({ commands, date: new Date().toISOString(), rows }, null, 2));
  const md =
    `Synthetic evaluation set: PSNR (dB, RGB) / SSIM (RGB) per weather type; rain12: Y channel, the deraining convention. ` +
    `Student ${values.student}, ${values.steps} student steps each unless the row says otherwise, seed ${values.seed}; ` +
    `commands: ${commands.map((c) => `\`npx tsx scripts/results-table.ts ${c.map(shellWord).join(' ')}\``).join(', then ')}.\n\n${table(rows)}\n`;
  const readme = path.join(ROOT, 'README.md');
  const text = readFileSync(readme, 'utf8');
  const start = '<!-- results:start -->';
  const end = '<!-- results:end -->';
  if (!text.includes(start)) throw new Error('README.md has no results markers');
  writeFileSync(readme, text.slice(0, text.indexOf(start) + start.length) + '\n' + md + text.slice(text.indexOf(end)));
  console.log(md);
}

main().catch((e) => {
  console.error(`results-table: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
});
