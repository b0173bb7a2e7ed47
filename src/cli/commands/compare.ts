// weatherkd compare DIR... [--json|--csv|--markdown]: the students of several runs side by side,
// read from the run.json that `weatherkd distill --out DIR` writes. Every number is the run's own:
// nothing is re-evaluated, so the table agrees exactly with each run's JSON.

import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { compareTable, tableCsv, tableMarkdown, type CompareRow } from '../../core/run/compare';
import { CliError, UsageError, defineCommand } from '../command';

interface Scores {
  psnr: number | 'Infinity';
  ssim: number;
}
interface RunJson {
  method: string;
  status: string;
  steps: number;
  seconds: number;
  seed: number;
  student: { preset: string | null; params: number; flops_per_pixel: number };
  eval: { student: Record<string, Scores> | null };
}

/** A run folder's row: its run.json's numbers, unchanged. */
export async function readRun(dir: string): Promise<CompareRow> {
  const file = path.join(dir, 'run.json');
  let doc: RunJson;
  try {
    doc = JSON.parse(await readFile(file, 'utf8')) as RunJson;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new CliError(
      `cannot read ${file}: ${code === 'ENOENT' ? `no such file (is ${dir} the --out folder of a weatherkd distill run?)` : (e as Error).message}`,
    );
  }
  if (!doc || typeof doc.method !== 'string' || !doc.student || !doc.eval) throw new CliError(`${file} is not the run.json of a weatherkd distill run`);
  const student = doc.eval.student;
  if (!student) throw new CliError(`${file}: the run's student was never evaluated (status ${doc.status})`);
  const scores = Object.fromEntries(Object.entries(student).map(([w, s]) => [w, { psnr: s.psnr === 'Infinity' ? Infinity : s.psnr, ssim: s.ssim }]));
  return {
    run: dir,
    method: doc.method,
    seed: doc.seed,
    steps: doc.steps,
    seconds: doc.seconds,
    params: doc.student.params,
    flops_per_pixel: doc.student.flops_per_pixel,
    scores,
  };
}

export const compareCommand = defineCommand({
  name: 'compare',
  summary: 'compare the students of several distill runs (their --out folders) side by side',
  positionals: ['DIR'],
  variadic: true,
  description: [
    'Reads DIR/run.json of each run (the --out folder of weatherkd distill) and prints one row per run:',
    "the student's PSNR (dB, RGB) and SSIM per weather type and their mean, its parameters and FLOPs per",
    'pixel, the steps and the wall time. The numbers are those of each run.json, unchanged. The best value',
    'of each column is marked (* in text, bold in Markdown; highest scores, fewest params, FLOPs and seconds;\nnothing when all runs agree).',
    'The runs must share their evaluation weathers.',
  ].join('\n'),
  options: {
    json: {
      type: 'boolean',
      description: 'print {"rows":[{"run","method","seed","steps","seconds","params","flops_per_pixel","scores":{WEATHER:{"psnr","ssim"}}}]}',
    },
    csv: { type: 'boolean', description: 'print the table as CSV' },
    markdown: { type: 'boolean', description: 'print the table as Markdown' },
  },
  async run({ values, positionals }, io) {
    if ([values.json, values.csv, values.markdown].filter(Boolean).length > 1) throw new UsageError('choose one of --json, --csv and --markdown');
    const rows = await Promise.all(positionals.map(readRun));
    const keys = (r: CompareRow) => Object.keys(r.scores).join(',');
    const odd = rows.find((r) => keys(r) !== keys(rows[0]));
    if (odd) throw new CliError(`${odd.run} was evaluated on ${keys(odd)}, ${rows[0].run} on ${keys(rows[0])}: the runs must share their evaluation weathers`);
    if (values.json) {
      io.stdout.write(`${JSON.stringify({ rows })}\n`);
      return;
    }
    const t = compareTable(rows);
    const { head, cells, best } = t;
    if (values.csv) {
      io.stdout.write(tableCsv(t));
    } else if (values.markdown) {
      io.stdout.write(tableMarkdown(t));
    } else {
      const marked = cells.map((r, i) => r.map((c, j) => (best[i][j] ? `${c}*` : c)));
      const widths = head.map((h, j) => Math.max(h.length, ...marked.map((r) => r[j].length)));
      const pad = (r: string[]) => r.map((c, j) => (j < 3 ? c.padEnd(widths[j]) : c.padStart(widths[j]))).join('  ');
      io.stdout.write([pad(head), ...marked.map(pad), '* best in its column', ''].join('\n'));
    }
  },
});
