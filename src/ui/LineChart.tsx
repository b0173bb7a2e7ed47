import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

import type { Series } from '../state/charts';
import { PRESENTER_SCALE, usePresenter } from '../state/presenter';

export type { Series };

/**
 * A streaming line chart (uPlot: canvas, built for frequent updates). The chart is created once
 * per set of series names and then only fed new data, so a live run costs little main-thread time.
 */
export function LineChart({
  x,
  series,
  title,
  yLabel,
  xLabel = 'step',
  testId,
  height: baseHeight = 220,
}: {
  x: number[];
  series: Series[];
  title: string;
  yLabel: string;
  xLabel?: string;
  testId?: string;
  height?: number;
}) {
  const host = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const key = series.map((s) => s.label).join('|');
  const height = Math.round(baseHeight * (usePresenter((p) => p.on) ? PRESENTER_SCALE : 1));

  /** The newest data, for a chart that is built after it arrived. */
  const latest = useRef<uPlot.AlignedData>([[]]);

  useEffect(() => {
    const el = host.current;
    if (!el) return;
    let ro: ResizeObserver | null = null;
    // Built in a task of its own (a run's start creates several charts at once), and sized there:
    // reading the element's width now would force a layout in the middle of React's commit.
    const timer = setTimeout(() => {
      const opts: uPlot.Options = {
        title,
        width: Math.max(200, el.clientWidth),
        height,
        scales: { x: { time: false } },
        axes: [{ label: xLabel }, { label: yLabel, size: 60 }],
        series: [{ label: xLabel }, ...series.map((s) => ({ label: s.label, stroke: s.color, width: 1.5, dash: s.dash, spanGaps: true }))],
        // Live: hovering the chart shows each curve's value at that step in the legend.
        legend: { live: true },
      };
      plot.current = new uPlot(opts, latest.current, el);
      // A legend entry explains its curve on hover (the first entry is the x axis).
      plot.current.root.querySelectorAll<HTMLElement>('.u-legend .u-series').forEach((row, i) => {
        const explain = i > 0 ? series[i - 1]?.explain : undefined;
        if (explain) row.title = explain;
      });
      // Redrawn only when the width really changed (an observer also fires once when it starts).
      ro = new ResizeObserver(() => {
        const width = Math.max(200, el.clientWidth);
        if (plot.current && plot.current.width !== width) plot.current.setSize({ width, height });
      });
      ro.observe(el);
    });
    return () => {
      clearTimeout(timer);
      ro?.disconnect();
      plot.current?.destroy();
      plot.current = null;
    };
    // Rebuilt only when the series themselves change; data updates go through setData below.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key, title, yLabel, xLabel, height]);

  useEffect(() => {
    latest.current = [x, ...series.map((s) => s.values)] as uPlot.AlignedData;
    plot.current?.setData(latest.current);
  }, [x, series]);

  return <div ref={host} className="chart" data-testid={testId} data-points={x.length} />;
}
