// A run as one file to keep, send or compare elsewhere: its resolved configuration, phases, loss
// curves, evaluations and references, backend, and the project version; and its evaluations as
// CSV. Images (evaluation samples, previews, artifacts) stay out: they have their own downloads.
import { version } from '../../package.json';
import type { EvalScores } from '../core/run/events';
import type { RunRecord } from './runs';

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
