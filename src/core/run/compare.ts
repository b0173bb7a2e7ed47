// Runs side by side: one table for the CLI's `weatherkd compare` and the page's Compare view, with
// the best value of each column marked, and the settings in which runs differ. Plain data only.

import type { ImageScores } from '../metrics/common';
import type { RunConfig } from './config';

export interface CompareRow {
  /** How the run is named in the table (a folder, a run label). */
  run: string;
  method: string;
  seed: number;
  steps: number;
  /** Wall time, pauses excluded. */
  seconds: number;
  params: number;
  flops_per_pixel: number;
  /** The student's last PSNR / SSIM per weather type of the evaluation set, and "mean". */
  scores: Record<string, Pick<ImageScores, 'psnr' | 'ssim'>>;
}

export interface CompareTable {
  head: string[];
  cells: string[][];
  /** best[i][j]: row i holds column j's best value (highest score and steps; fewest params, FLOPs and seconds). */
  best: boolean[][];
}

export function compareTable(rows: readonly CompareRow[]): CompareTable {
  const weathers = Object.keys(rows[0]?.scores ?? {});
  const columns: { name: string; value: (r: CompareRow) => number; text: (v: number) => string; higher: boolean }[] = [
    ...weathers.flatMap((w) => [
      { name: `${w} PSNR`, value: (r: CompareRow) => r.scores[w]?.psnr ?? NaN, text: (v: number) => v.toFixed(2), higher: true },
      { name: `${w} SSIM`, value: (r: CompareRow) => r.scores[w]?.ssim ?? NaN, text: (v: number) => v.toFixed(4), higher: true },
    ]),
    { name: 'params', value: (r) => r.params, text: String, higher: false },
    { name: 'FLOPs/px', value: (r) => r.flops_per_pixel, text: String, higher: false },
    { name: 'steps', value: (r) => r.steps, text: String, higher: true },
    { name: 'seconds', value: (r) => r.seconds, text: (v) => v.toFixed(1), higher: false },
  ];
  const finite = (c: (typeof columns)[number]) => rows.map(c.value).filter(Number.isFinite);
  const bestOf = columns.map((c) => (c.higher ? Math.max : Math.min)(...finite(c)));
  // A column where every run agrees marks nothing.
  const differs = columns.map((c) => new Set(finite(c)).size > 1);
  return {
    head: ['run', 'method', 'seed', ...columns.map((c) => c.name)],
    cells: rows.map((r) => [r.run, r.method, String(r.seed), ...columns.map((c) => (Number.isFinite(c.value(r)) ? c.text(c.value(r)) : '–'))]),
    best: rows.map((r) => [false, false, false, ...columns.map((c, j) => differs[j] && c.value(r) === bestOf[j])]),
  };
}

export function tableMarkdown(t: CompareTable): string {
  const line = (r: string[]) => `| ${r.join(' | ')} |`;
  return [line(t.head), line(t.head.map(() => '---')), ...t.cells.map((r, i) => line(r.map((c, j) => (t.best[i][j] ? `**${c}**` : c))))].join('\n') + '\n';
}

const csvCell = (s: string) => (/[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);

export function tableCsv(t: CompareTable): string {
  return [t.head, ...t.cells].map((r) => r.map(csvCell).join(',')).join('\n') + '\n';
}

/** Every setting as "key: value" leaves (evalSet.size, methodOptions.keep...). */
function leaves(value: unknown, prefix = ''): Record<string, string> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return { [prefix]: Array.isArray(value) ? value.join(',') : String(value) };
  return Object.assign({}, ...Object.entries(value).map(([k, v]) => leaves(v, prefix ? `${prefix}.${k}` : k)));
}

/** The settings in which the configurations differ, with each run's value ('' where a run lacks it). */
export function configDiff(configs: readonly (RunConfig | null | undefined)[]): { key: string; values: string[] }[] {
  const flat = configs.map((c) => (c ? leaves(c) : {}));
  const keys = [...new Set(flat.flatMap((f) => Object.keys(f)))].sort();
  return keys.map((key) => ({ key, values: flat.map((f) => f[key] ?? '') })).filter((d) => new Set(d.values).size > 1);
}
