// A 2-D picture of learned embeddings (D4IR's prompts), coloured by their true label.
import type { EmbeddingProjection } from '../../core/methods/method';
import { WEATHERS, type WeatherType } from '../../core/data/weather';
import { COLORS } from '../../state/charts';

export function EmbeddingScatter({ projection }: { projection: EmbeddingProjection }) {
  const labels = [...new Set(projection.points.map((p) => p.label))];
  const xs = projection.points.map((p) => p.x);
  const ys = projection.points.map((p) => p.y);
  const [x0, x1, y0, y1] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
  const W = 320;
  const H = 240;
  const px = (x: number) => 12 + ((x - x0) / (x1 - x0 || 1)) * (W - 24);
  const py = (y: number) => H - 12 - ((y - y0) / (y1 - y0 || 1)) * (H - 24);
  const colour = (l: string) => COLORS[labels.indexOf(l) % COLORS.length];
  const { score } = projection;
  return (
    <figure className="panel scatter" data-testid="prompt-projection">
      <figcaption>
        {projection.caption}. {score.label}: <strong data-testid="prompt-knn">{(score.value * 100).toFixed(0)}%</strong> (chance{' '}
        {(score.chance * 100).toFixed(0)}%)
      </figcaption>
      <svg width={W} height={H} role="img" aria-label="2-D projection of degradation prompts">
        <rect x={0} y={0} width={W} height={H} fill="#fafafa" stroke="#ddd" />
        {projection.points.map((p, i) => (
          <circle key={i} cx={px(p.x)} cy={py(p.y)} r={4} fill={colour(p.label)} fillOpacity={0.8}>
            <title>{p.label}</title>
          </circle>
        ))}
      </svg>
      <p className="legend">
        {labels.map((l) => (
          <span key={l}>
            <span className="swatch" style={{ background: colour(l) }} />{' '}
            {l === 'user' ? 'your photos (weather unknown, not scored)' : (WEATHERS[l as WeatherType]?.label ?? l)}
          </span>
        ))}
      </p>
    </figure>
  );
}
