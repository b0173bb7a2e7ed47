// What the Distill view's charts plot, computed from a run record: pure functions, unit-tested
// (charts.test.ts), so the view only draws. Loss charts follow the groups the method declares.

import type { LossGroup } from '../core/methods/method';
import type { EvalScores } from '../core/run/events';
import { WEATHERS, type WeatherType } from '../core/data/weather';
import type { RunRecord } from './runs';

export const COLORS = ['#2b6cb0', '#d9480f', '#2f9e44', '#9c36b5', '#e8a317', '#0c8599', '#c2255c', '#5c940d'];

export interface Series {
  label: string;
  values: (number | null)[];
  color: string;
  dash?: number[];
  /** One plain sentence on what the curve measures (loss terms declare one). */
  explain?: string;
}

export interface Chart {
  /** The group's id; the chart's test hook is `chart-<id>`. */
  id: string;
  title: string;
  x: number[];
  series: Series[];
}

/** Names no declared group lists (an older record, a method that forgot one) get a chart of their own. */
const OTHER: LossGroup = { id: 'other', title: 'Other losses', terms: {} };

/**
 * One chart per declared loss group that has values, in declaration order; each spans only the
 * steps where its group has values (phases do not overlap, so each chart covers its own phase).
 */
export function lossCharts(groups: readonly LossGroup[], losses: RunRecord['losses']): Chart[] {
  const members = new Map<LossGroup, [string, number[]][]>();
  for (const [name, values] of Object.entries(losses.series)) {
    const group = groups.find((g) => Object.hasOwn(g.terms, name)) ?? OTHER;
    members.set(group, [...(members.get(group) ?? []), [name, values]]);
  }
  return [...groups, OTHER]
    .filter((g) => members.has(g))
    .map((group) => {
      const list = members.get(group)!;
      const keep = losses.step.map((_, i) => list.some(([, v]) => Number.isFinite(v[i])));
      const pick = <T>(xs: T[]) => xs.filter((_, i) => keep[i]);
      return {
        id: group.id,
        title: group.title,
        x: pick(losses.step),
        series: list.map(([label, values], i) => ({
          label,
          values: pick(values),
          color: COLORS[i % COLORS.length],
          ...(group.terms[label] ? { explain: group.terms[label] } : {}),
        })),
      };
    });
}

/** The student's score per weather type and its mean over evaluations, with the fixed reference lines. */
export function scoreChart(
  run: Pick<RunRecord, 'evals' | 'references'>,
  weathers: readonly WeatherType[],
  key: 'psnr' | 'ssim',
): { x: number[]; series: Series[] } {
  const x = run.evals.map((e) => e.step);
  const series: Series[] = weathers.map((w, i) => ({
    label: WEATHERS[w].label,
    color: COLORS[i % COLORS.length],
    values: run.evals.map((e) => e.scores.weathers[w]?.[key] ?? null),
  }));
  series.push({ label: 'student mean', color: '#111', values: run.evals.map((e) => e.scores.mean[key]) });
  const ref = (s: EvalScores | null, label: string, color: string, dash: number[]) =>
    s && series.push({ label, color, dash, values: x.map(() => s.mean[key]) });
  ref(run.references.teacher, 'teacher (mean)', '#2f9e44', [6, 4]);
  ref(run.references.untrained, 'untrained (mean)', '#868e96', [2, 4]);
  ref(run.references.input, 'input (mean)', '#d9480f', [1, 3]);
  return { x, series };
}
