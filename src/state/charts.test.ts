import { describe, expect, it } from 'vitest';
import type { EvalScores } from '../core/run/events';
import { METHODS } from '../core/methods/registry';
import type { LossGroup } from '../core/methods/method';
import { lossCharts, scoreChart } from './charts';
import { compareCurves, compareRows } from './compare';
import { newRunRecord, type RunRecord } from './runs';
import { configDiff } from '../core/run/compare';
import { resolveRunConfig } from '../core/run/config';

const groups: LossGroup[] = [
  { id: 'loss', title: 'Student losses', terms: { total: 'the sum', kd: 'to the teacher' } },
  { id: 'generator', title: 'Generator losses', terms: { G: 'the generator sum' } },
];

describe('lossCharts', () => {
  it('makes one chart per declared group with values, in declaration order, each over its own steps', () => {
    const charts = lossCharts(groups, { step: [1, 2, 3], series: { G: [5, NaN, NaN], total: [NaN, 2, 1], kd: [NaN, 1, 0.5] } });
    expect(charts.map((c) => c.id)).toEqual(['loss', 'generator']);
    expect(charts[0]).toMatchObject({ title: 'Student losses', x: [2, 3] });
    expect(charts[0].series.map((s) => [s.label, s.values, s.explain])).toEqual([
      ['total', [2, 1], 'the sum'],
      ['kd', [1, 0.5], 'to the teacher'],
    ]);
    expect(charts[1]).toMatchObject({ x: [1], series: [{ label: 'G', values: [5], explain: 'the generator sum' }] });
  });

  it('puts names no group declares into an "Other losses" chart, and skips groups without values', () => {
    const charts = lossCharts(groups, { step: [1], series: { odd: [3] } });
    expect(charts).toHaveLength(1);
    expect(charts[0]).toMatchObject({ id: 'other', title: 'Other losses', series: [{ label: 'odd', values: [3] }] });
    expect(charts[0].series[0].explain).toBeUndefined();
  });

  it.each(METHODS.map((m) => [m.id, m] as const))('%s declares unique chart ids, titles and an explanation for every term', (_id, m) => {
    expect(m.losses.length).toBeGreaterThan(0);
    expect(new Set(m.losses.map((g) => g.id)).size).toBe(m.losses.length);
    for (const g of m.losses) {
      expect(g.title.length).toBeGreaterThan(0);
      for (const text of Object.values(g.terms)) expect(text.length).toBeGreaterThan(10);
    }
  });
});

describe('scoreChart', () => {
  const scores = (psnr: number): EvalScores => ({
    weathers: { rain: { psnr, ssim: 0.5, psnr_y: psnr, ssim_y: 0.5 } },
    mean: { psnr, ssim: 0.5, psnr_y: psnr, ssim_y: 0.5 },
  });
  it('plots each weather and the mean per evaluation, and the references as flat lines', () => {
    const chart = scoreChart(
      {
        evals: [
          { step: 10, scores: scores(20) },
          { step: 20, scores: scores(22) },
        ],
        references: { teacher: scores(30), untrained: scores(18), input: null },
      },
      ['rain'],
      'psnr',
    );
    expect(chart.x).toEqual([10, 20]);
    expect(chart.series.map((s) => [s.label, s.values])).toEqual([
      ['Rain streaks', [20, 22]],
      ['student mean', [20, 22]],
      ['teacher (mean)', [30, 30]],
      ['untrained (mean)', [18, 18]],
    ]);
  });
});

describe('compare', () => {
  const run = (id: string, evals: [number, number, number][]) =>
    ({
      ...newRunRecord(id, `run ${id}`, { method: 'kd' }, 'quick'),
      evals: evals.map(([step, seconds, psnr]) => ({ step, seconds, scores: { weathers: {}, mean: { psnr, ssim: psnr / 40, psnr_y: psnr, ssim_y: 0.5 } } })),
    }) as RunRecord;

  it('overlays runs on the union of their steps or seconds, a gap where a run has no value', () => {
    const runs = [
      run('a', [
        [10, 5, 21],
        [20, 10, 22],
      ]),
      run('b', [[20, 4, 23]]),
    ];
    const byStep = compareCurves(runs, 'psnr', 'step');
    expect(byStep.x).toEqual([10, 20]);
    expect(byStep.series.map((s) => s.values)).toEqual([
      [21, 22],
      [null, 23],
    ]);
    const byTime = compareCurves(runs, 'ssim', 'seconds');
    expect(byTime.x).toEqual([4, 5, 10]);
    expect(byTime.series[1].values).toEqual([23 / 40, null, null]);
  });

  it("tabulates each run's last evaluation and diffs the settings", () => {
    const rows = compareRows([
      run('a', [
        [10, 5, 21],
        [20, 10, 22],
      ]),
      run('empty', []),
    ]);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ run: 'run a', method: 'kd', scores: { mean: { psnr: 22, ssim: 22 / 40 } } });
    const a = resolveRunConfig({ method: 'kd', steps: 10 }, METHODS, 'quick');
    const b = resolveRunConfig({ method: 'kd', steps: 20, evalSet: { size: 64 } }, METHODS, 'quick');
    expect(configDiff([a, b])).toEqual([
      { key: 'evalSet.size', values: ['32', '64'] },
      { key: 'steps', values: ['10', '20'] },
    ]);
  });
});
