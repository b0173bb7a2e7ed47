// Runs side by side (#compare): mean PSNR and SSIM curves overlaid against step or run time, a
// table per weather type with the best of each column marked (copied as Markdown or CSV), the
// same evaluation images restored by each run's student, and the settings in which runs differ.
import { useMemo, useState } from 'react';
import type { RGBImage } from '../core/data/image';
import { WEATHERS, type WeatherType } from '../core/data/weather';
import { compareTable, configDiff, tableCsv, tableMarkdown } from '../core/run/compare';
import { compareCurves, compareRows, useCompareStore } from '../state/compare';
import { useRunsStore } from '../state/runs';
import { ImageCanvas } from './ImageCanvas';
import { LineChart } from './LineChart';
import { downloadRun } from './download';
import { EvalSets } from './EvalSets';
import { TEACHER_ROLES } from '../core/methods/method';

/** Whether two images are the same pixels (runs with other evaluation settings show other images). */
function sameImage(a: RGBImage, b: RGBImage): boolean {
  return a.width === b.width && a.height === b.height && a.data.every((v, i) => v === b.data[i]);
}

/** Runs go by a letter in the table and under the images (their labels are long); the legend says which is which. */
const letter = (i: number) => (i < 26 ? String.fromCharCode(65 + i) : `R${i + 1}`);

export function CompareView() {
  const allRuns = useRunsStore((s) => s.runs);
  const { ids, toggle, clear } = useCompareStore();
  const runs = useMemo(() => ids.map((id) => allRuns.find((r) => r.id === id)).filter((r) => r !== undefined), [ids, allRuns]);
  const [axis, setAxis] = useState<'step' | 'seconds'>('step');
  const [copied, setCopied] = useState('');
  const psnr = useMemo(() => compareCurves(runs, 'psnr', axis), [runs, axis]);
  const ssim = useMemo(() => compareCurves(runs, 'ssim', axis), [runs, axis]);
  const table = useMemo(() => compareTable(compareRows(runs)), [runs]);
  const diff = useMemo(() => configDiff(runs.map((r) => r.config)), [runs]);

  // The teacher and every compared student that was kept, for the user's evaluation photos.
  const models = [
    { id: TEACHER_ROLES.restorer.shippedModel, label: 'teacher' },
    ...runs.flatMap((r, i) => (r.modelId ? [{ id: r.modelId, label: runs.length >= 2 ? `${letter(i)}: ${r.label}` : r.label }] : [])),
  ];
  if (runs.length < 2) {
    return (
      <div className="panel" data-testid="compare-view">
        <h2>Compare runs</h2>
        <p>
          Tick two or more runs under "Runs in this browser" in the <a href="#distill">Distill view</a> to see them here side by side: their curves, a table per
          weather type, their restorations of the same images and the settings in which they differ.
        </p>
      </div>
    );
  }
  const copy = (what: string, text: string) =>
    navigator.clipboard?.writeText(text).then(
      () => setCopied(`${what} copied`),
      () => setCopied(`${what}: the clipboard is not available here`),
    );
  const weathers = [...new Set(runs.flatMap((r) => r.samples.map((s) => s.weather)))] as WeatherType[];
  return (
    <div className="panel" data-testid="compare-view">
      <h2>Compare {runs.length} runs</h2>
      <p>
        <label>
          x axis{' '}
          <select value={axis} onChange={(e) => setAxis(e.target.value as 'step' | 'seconds')} data-testid="compare-axis">
            <option value="step">step</option>
            <option value="seconds">run time (s)</option>
          </select>
        </label>{' '}
        <button className="secondary" onClick={clear}>
          Clear the selection
        </button>
      </p>
      <ul className="compare-legend" data-testid="compare-legend">
        {runs.map((r, i) => (
          <li key={r.id}>
            <span className="swatch" style={{ background: psnr.series[i]?.color }} /> <strong>{letter(i)}</strong> {r.label}{' '}
            <button className="linklike" data-testid="compare-download" onClick={() => downloadRun(r)} aria-label={`Download ${r.label} as JSON`}>
              download
            </button>
          </li>
        ))}
      </ul>
      <div className="charts">
        <LineChart
          title="Student mean PSNR (dB)"
          yLabel="dB"
          xLabel={axis === 'step' ? 'step' : 'seconds'}
          x={psnr.x}
          series={psnr.series}
          testId="chart-compare-psnr"
        />
        <LineChart
          title="Student mean SSIM"
          yLabel="SSIM"
          xLabel={axis === 'step' ? 'step' : 'seconds'}
          x={ssim.x}
          series={ssim.series}
          testId="chart-compare-ssim"
        />
      </div>
      <h3>Last evaluation of each student</h3>
      <p className="hint">PSNR in dB (RGB) and SSIM per weather type of the evaluation set; the best of each column is bold.</p>
      <div className="table-scroll">
        <table className="scores" data-testid="compare-table">
          <thead>
            <tr>
              {table.head.map((h) => (
                <th key={h}>{h}</th>
              ))}
              <th />
            </tr>
          </thead>
          <tbody>
            {table.cells.map((row, i) => (
              <tr key={i}>
                {row.map((c, j) => (
                  <td key={j} className={table.best[i][j] ? 'best' : undefined} title={j === 0 ? c : undefined}>
                    {j === 0 ? letter(i) : table.best[i][j] ? <strong>{c}</strong> : c}
                  </td>
                ))}
                <td>
                  <button className="linkbutton" onClick={() => toggle(runs[i].id)}>
                    remove
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <p>
        <button className="secondary" data-testid="compare-copy-md" onClick={() => void copy('Markdown', tableMarkdown(table))}>
          Copy as Markdown
        </button>{' '}
        <button className="secondary" data-testid="compare-copy-csv" onClick={() => void copy('CSV', tableCsv(table))}>
          Copy as CSV
        </button>{' '}
        <span className="hint" role="status">
          {copied}
        </span>
      </p>
      <h3>Settings that differ</h3>
      {diff.length === 0 ? (
        <p className="hint">The runs share every setting.</p>
      ) : (
        <div className="table-scroll">
          <table className="scores" data-testid="compare-config-diff">
            <thead>
              <tr>
                <th>setting</th>
                {runs.map((r, i) => (
                  <th key={r.id} title={r.label}>
                    {letter(i)}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {diff.map((d) => (
                <tr key={d.key}>
                  <td>{d.key}</td>
                  {d.values.map((v, i) => (
                    <td key={i}>{v}</td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <h3>The same evaluation images, restored by each student and by the teacher</h3>
      <div data-testid="compare-images">
        {weathers.map((w) => {
          const first = runs.map((r) => r.samples.find((s) => s.weather === w));
          const ref = first.find((s) => s);
          if (!ref) return null;
          // The teacher's restoration of this very image, from any run that scored the teacher on it.
          const teacher = runs.flatMap((r) => r.teacherSamples ?? []).find((s) => s.weather === w && sameImage(s.input, ref.input));
          return (
            <figure key={w} className="compare-row">
              <div className="triple">
                <ImageCanvas image={ref.input} label="degraded" scale={2} />
                {first.map((s, i) => (s ? <ImageCanvas key={runs[i].id} image={s.restored} label={`${letter(i)}: ${runs[i].label}`} scale={2} /> : null))}
                {teacher && <ImageCanvas image={teacher.restored} label="teacher" scale={2} />}
                <ImageCanvas image={ref.target} label="clean" scale={2} />
              </div>
              <figcaption>
                {WEATHERS[w].label}: degraded · {runs.map((_, i) => letter(i)).join(' · ')}
                {teacher ? ' · teacher' : ''} · clean
              </figcaption>
            </figure>
          );
        })}
      </div>
      <EvalSets models={models} />
    </div>
  );
}
