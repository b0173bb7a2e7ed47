// A distribution of per-image scores (TripleD's complexity over the full training set), with the
// part the method kept drawn darker.
import type { ScoreHistogram as Histogram } from '../../core/methods/method';

export function ScoreHistogram({ histogram }: { histogram: Histogram }) {
  const W = 320;
  const H = 160;
  const pad = 18;
  const top = Math.max(1, ...histogram.counts);
  const bw = (W - 2 * pad) / histogram.counts.length;
  const y = (c: number) => H - pad - (c / top) * (H - 2 * pad);
  const kept = histogram.kept.reduce((a, b) => a + b, 0);
  // Kept pairs are scaled up so that a 2% subset is still visible: their tallest bar is as tall as the set's.
  const keptScale = top / Math.max(1, ...histogram.kept);
  return (
    <figure className="panel scatter" data-testid="score-histogram">
      <figcaption>{histogram.caption}</figcaption>
      <svg width={W} height={H} role="img" aria-label={`histogram of scores; ${kept} kept`}>
        <rect x={0} y={0} width={W} height={H} fill="#fafafa" stroke="#ddd" />
        {histogram.counts.map((c, i) => (
          <g key={i}>
            <rect x={pad + i * bw + 1} y={y(c)} width={bw - 2} height={H - pad - y(c)} fill="#b9c9e6">
              <title>{`${(histogram.lo + (i * (histogram.hi - histogram.lo)) / histogram.counts.length).toFixed(2)}…: ${c} pairs, ${histogram.kept[i]} kept`}</title>
            </rect>
            {histogram.kept[i] > 0 && (
              <rect
                x={pad + i * bw + bw / 4}
                y={y(histogram.kept[i] * keptScale)}
                width={bw / 2}
                height={H - pad - y(histogram.kept[i] * keptScale)}
                fill="#2a4f8f"
              />
            )}
          </g>
        ))}
        <text x={pad} y={H - 4} fontSize={10}>
          {histogram.lo.toFixed(2)} (simple)
        </text>
        <text x={W - pad} y={H - 4} fontSize={10} textAnchor="end">
          (complex) {histogram.hi.toFixed(2)}
        </text>
      </svg>
      <p className="legend">
        <span>
          <span className="swatch" style={{ background: '#b9c9e6' }} /> all pairs
        </span>{' '}
        <span>
          <span className="swatch" style={{ background: '#2a4f8f' }} /> kept ({kept}; bars scaled to the tallest)
        </span>
      </p>
    </figure>
  );
}
