// The Compare view's selection (kept in localStorage) and what it plots and tabulates, computed
// from run records: pure functions, unit-tested with the charts (charts.test.ts).
import { create } from 'zustand';
import { persist } from 'zustand/middleware';
import type { CompareRow } from '../core/run/compare';
import { COLORS, type Series } from './charts';
import type { RunRecord } from './runs';

interface CompareState {
  ids: string[];
  toggle(id: string): void;
  clear(): void;
}

export const useCompareStore = create<CompareState>()(
  persist(
    (set) => ({
      ids: [],
      toggle: (id) => set((s) => ({ ids: s.ids.includes(id) ? s.ids.filter((i) => i !== id) : [...s.ids, id] })),
      clear: () => set({ ids: [] }),
    }),
    { name: 'weatherkd.compare' },
  ),
);

/** A table row per run that has an evaluation of its student. */
export function compareRows(runs: readonly RunRecord[]): CompareRow[] {
  return runs
    .filter((r) => r.evals.length > 0)
    .map((r) => {
      const last = r.evals.at(-1)!.scores;
      const scores: CompareRow['scores'] = {};
      for (const [w, s] of Object.entries(last.weathers)) if (s) scores[w] = { psnr: s.psnr, ssim: s.ssim };
      scores.mean = { psnr: last.mean.psnr, ssim: last.mean.ssim };
      return {
        run: r.label,
        method: r.method,
        seed: r.config?.seed ?? NaN,
        steps: r.progress.studentStep,
        seconds: r.progress.seconds,
        params: r.student?.params ?? NaN,
        flops_per_pixel: r.student?.flopsPerPixel ?? NaN,
        scores,
      };
    });
}

/**
 * Each run's mean PSNR or SSIM over its evaluations, on one x axis: the union of the runs' steps
 * (or run seconds), a run's value null where it has none (the chart spans the gaps).
 */
export function compareCurves(runs: readonly RunRecord[], key: 'psnr' | 'ssim', axis: 'step' | 'seconds'): { x: number[]; series: Series[] } {
  const at = (e: RunRecord['evals'][number]) => (axis === 'step' ? e.step : (e.seconds ?? NaN));
  const x = [...new Set(runs.flatMap((r) => r.evals.map(at)).filter(Number.isFinite))].sort((a, b) => a - b);
  const series = runs.map((r, i) => {
    const byX = new Map(r.evals.map((e) => [at(e), e.scores.mean[key]]));
    return { label: r.label, color: COLORS[i % COLORS.length], values: x.map((v) => byX.get(v) ?? null) };
  });
  return { x, series };
}
