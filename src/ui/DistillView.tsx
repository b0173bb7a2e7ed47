import { useEffect, useMemo, useState } from 'react';
import type { EmbeddingProjection } from '../core/methods/method';
import type { MethodCatalogItem } from '../core/methods/registry';
import { RESTORER_PRESET_NAMES } from '../core/models/restorer-config';
import { RUN_PRESET_NAMES, RUN_PRESETS, type RunPresetName } from '../core/run/config';
import { WEATHERS, type WeatherType } from '../core/data/weather';
import { useDistillForm } from '../state/distill-form';
import { useModelsStore } from '../state/models';
import { usePoolsStore } from '../state/pools';
import { useRunsStore, type RunRecord } from '../state/runs';
import { guarded } from '../workers/client';
import { distillWorker } from '../workers/distill-client';
import { readModelFiles, SHIPPED_TEACHER } from '../workers/model-store';
import type { PoolKind } from '../workers/pool-store';
import { ImageCanvas } from './ImageCanvas';
import { LineChart } from './LineChart';
import { COLORS, lossCharts as chartsOfLosses, scoreChart } from '../state/charts';

const LIVE = ['starting', 'running', 'paused'];

function fmtTime(s: number): string {
  if (!Number.isFinite(s)) return '–';
  const m = Math.floor(s / 60);
  return m ? `${m} min ${Math.round(s % 60)} s` : `${Math.round(s)} s`;
}

function useCatalog(): { catalog: MethodCatalogItem[] | null; error: string | null } {
  const [state, setState] = useState<{ catalog: MethodCatalogItem[] | null; error: string | null }>({ catalog: null, error: null });
  useEffect(() => {
    const w = distillWorker();
    guarded(w, w.api.catalog()).then(
      (catalog) => setState({ catalog, error: null }),
      (e) => setState({ catalog: null, error: String(e) }),
    );
  }, []);
  return state;
}

function RunForm({ catalog }: { catalog: MethodCatalogItem[] }) {
  const form = useDistillForm();
  const { start, runs } = useRunsStore();
  const teacherAvailable = useModelsStore((s) => s.models.some((m) => m.id === SHIPPED_TEACHER.id));
  const [error, setError] = useState<string | null>(null);
  const method = catalog.find((m) => m.id === form.method) ?? catalog[0];
  const busy = runs.some((r) => LIVE.includes(r.state));
  const options = form.methodOptions[method.id] ?? {};

  function applyPreset(preset: RunPresetName) {
    const p = RUN_PRESETS[preset] as Record<string, unknown>;
    form.set({ preset, steps: Number(p.steps ?? 2000), batch: Number(p.batch ?? 8), patch: Number(p.patch ?? 64), student: String(p.student ?? form.student) });
  }

  async function onStart() {
    setError(null);
    const input = { method: method.id, student: form.student as never, steps: form.steps, batch: form.batch, patch: form.patch, seed: form.seed, methodOptions: options };
    try {
      const w = distillWorker();
      await guarded(w, w.api.validate(input, form.preset)); // clear errors before a run record exists
      void start(input, form.preset, `${method.label} → ${form.student}, ${form.steps} steps, seed ${form.seed}`, SHIPPED_TEACHER.id);
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    }
  }

  const num = (key: 'steps' | 'batch' | 'patch' | 'seed', label: string, min: number, max: number) => (
    <label className="field">
      {label}
      <input type="number" min={min} max={max} value={form[key]} onChange={(e) => form.set({ [key]: Math.trunc(Number(e.target.value)) })} data-testid={`run-${key}`} />
    </label>
  );

  return (
    <div className="panel">
      <h2>Distil a student</h2>
      <label className="field">
        Method
        <select data-testid="method-select" value={method.id} onChange={(e) => form.set({ method: e.target.value })}>
          {catalog.map((m) => (
            <option key={m.id} value={m.id}>
              {m.label}
            </option>
          ))}
        </select>
        <span className="hint">{method.summary}</span>
      </label>
      <details className="method-description">
        <summary>How {method.label} works</summary>
        {method.description.split(/\n\s*\n/).map((p, i) => (
          <p key={i}>{p}</p>
        ))}
      </details>
      <label className="field">
        Budget
        <select value={form.preset} onChange={(e) => applyPreset(e.target.value as RunPresetName)} data-testid="run-preset">
          {RUN_PRESET_NAMES.map((p) => (
            <option key={p} value={p}>
              {p}
            </option>
          ))}
        </select>
      </label>
      <label className="field">
        Student
        <select value={form.student} onChange={(e) => form.set({ student: e.target.value })}>
          {RESTORER_PRESET_NAMES.filter((p) => p !== 'teacher').map((p) => (
            <option key={p}>{p}</option>
          ))}
        </select>
      </label>
      <div className="grid2">
        {num('steps', 'Student steps', 1, 1_000_000)}
        {num('seed', 'Seed', 0, 2 ** 31 - 1)}
        {num('batch', 'Batch', 1, 64)}
        {num('patch', 'Patch (px)', 8, 256)}
      </div>
      {Object.keys(method.options).length > 0 && <h3>{method.label} options</h3>}
      {Object.entries(method.options).map(([name, spec]) => {
        const value = options[name] ?? (spec.default as number | string | boolean);
        if (spec.type === 'bool')
          return (
            <label key={name} className="check" title={spec.help}>
              <input type="checkbox" data-testid={`option-${name}`} checked={Boolean(value)} onChange={(e) => form.setOption(method.id, name, e.target.checked)} /> {spec.label}
            </label>
          );
        if (spec.type === 'enum')
          return (
            <label key={name} className="field" title={spec.help}>
              {spec.label}
              <select value={String(value)} onChange={(e) => form.setOption(method.id, name, e.target.value)}>
                {spec.values.map((v) => (
                  <option key={v}>{v}</option>
                ))}
              </select>
            </label>
          );
        if (spec.type === 'list') return null; // e.g. weather subsets: the defaults (all) apply
        return (
          <label key={name} className="field" title={spec.help}>
            {spec.label}
            <input type="number" step="any" min={spec.min} max={spec.max} value={Number(value)} data-testid={`option-${name}`} onChange={(e) => form.setOption(method.id, name, Number(e.target.value))} />
          </label>
        );
      })}
      {method.data === 'unpaired' && <WebPools />}
      {method.teachers.includes('restorer') && !teacherAvailable && <p className="error">This method needs the teacher, which is not available.</p>}
      {error && (
        <p className="error" role="alert" data-testid="run-config-error">
          {error}
        </p>
      )}
      <button className="primary" data-testid="run-start" onClick={onStart} disabled={busy}>
        Start
      </button>
      {busy && <p className="hint">One run at a time: pause or stop the current one first.</p>}
    </div>
  );
}

const POOL_TEXT: Record<PoolKind, { title: string; help: string }> = {
  degraded: { title: 'Degraded web pool', help: 'weather photos, no clean versions or labels needed: the prompt adapter and the diffusion model learn from them' },
  clean: { title: 'Clean web pool', help: 'clear photos: synthesis turns them into weather images' },
};

/** The unpaired web pools: synthetic by default; the user's photos join them, half of each batch. */
function WebPools() {
  const { photos, error, load, add, clear } = usePoolsStore();
  useEffect(() => void load(), [load]);
  return (
    <fieldset className="pools" data-testid="web-pools">
      <legend>Web pools</legend>
      <p className="hint">Synthetic photos of every weather type by default. Add your own and about half of each batch comes from them. They stay in this browser.</p>
      {(['degraded', 'clean'] as const).map((kind) => {
        const mine = photos.filter((p) => p.kind === kind);
        return (
          <div key={kind} className="pool">
            <strong>{POOL_TEXT[kind].title}</strong>: {POOL_TEXT[kind].help}.{' '}
            Your photos: <span data-testid={`pool-${kind}-count`}>{mine.length}</span>.
            <div>
              <label className="secondary button-like">
                Add photos
                <input type="file" accept="image/*" multiple hidden data-testid={`pool-${kind}-input`} onChange={(e) => { void add(kind, [...(e.target.files ?? [])]); e.target.value = ''; }} />
              </label>{' '}
              {mine.length > 0 && (
                <button className="secondary" onClick={() => void clear(kind)}>
                  Remove mine
                </button>
              )}
            </div>
          </div>
        );
      })}
      {error && (
        <p className="error" role="alert" data-testid="pool-error">
          {error}
        </p>
      )}
    </fieldset>
  );
}

async function downloadModel(id: string, label: string) {
  const files = await readModelFiles(id, import.meta.env.BASE_URL);
  const save = (blob: Blob, name: string) => {
    const a = document.createElement('a');
    a.href = URL.createObjectURL(blob);
    a.download = name;
    a.click();
    setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
  };
  save(new Blob([JSON.stringify(files.modelJson)], { type: 'application/json' }), 'model.json');
  save(new Blob([files.weights], { type: 'application/octet-stream' }), 'weights.bin');
  void label;
}

/** D4IR's prompts in 2-D, one dot per held-out image, coloured by its true weather. */
function EmbeddingScatter({ projection }: { projection: EmbeddingProjection }) {
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
        {projection.caption}. {score.label}: <strong data-testid="prompt-knn">{(score.value * 100).toFixed(0)}%</strong> (chance {(score.chance * 100).toFixed(0)}%)
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
            <span className="swatch" style={{ background: colour(l) }} /> {l === 'user' ? 'your photos (weather unknown, not scored)' : (WEATHERS[l as WeatherType]?.label ?? l)}
          </span>
        ))}
      </p>
    </figure>
  );
}

function RunMonitor({ run }: { run: RunRecord }) {
  const { pause, resume, stop } = useRunsStore();
  const selectModel = useModelsStore((s) => s.select);
  const live = LIVE.includes(run.state);
  const weathers = useMemo(() => Object.keys(run.evals[0]?.scores.weathers ?? run.references.input?.weathers ?? {}) as WeatherType[], [run.evals, run.references.input]);
  const psnr = useMemo(() => scoreChart(run, weathers, 'psnr'), [run, weathers]);
  const lossCharts = useMemo(() => chartsOfLosses(run.lossGroups ?? [], run.losses), [run.lossGroups, run.losses]);
  const latest = run.evals.at(-1)?.scores.mean;

  return (
    <div className="panel run" data-testid="run-monitor" data-state={run.state}>
      <header className="photo-head">
        <strong>{run.label}</strong>
        <span className={`badge badge-${run.state}`} data-testid="run-state">
          {run.state}
        </span>
        <span className="spacer" />
        {live && (
          <button className="secondary" data-testid="run-pause" onClick={() => (run.state === 'paused' ? resume() : pause())} disabled={run.state === 'starting'}>
            {run.state === 'paused' ? 'Resume' : 'Pause'}
          </button>
        )}
        {live && (
          <button className="secondary" data-testid="run-stop" onClick={stop}>
            Stop
          </button>
        )}
      </header>
      <progress value={run.progress.totalStep} max={Math.max(1, run.totalSteps)} aria-label="Run progress" />
      {run.phases && run.phases.length > 1 && (
        <ol className="phases" data-testid="run-phases">
          {run.phases.map((p) => (
            <li key={p.id} className={p.id === run.progress.phase ? 'current' : undefined}>
              {p.label}: {p.reused ?? `${p.steps} steps`}
            </li>
          ))}
        </ol>
      )}
      <p className="run-stats">
        Step <span data-testid="run-step">{run.progress.totalStep}</span> of {run.totalSteps}
        {run.progress.phase && ` · phase: ${run.progress.phase}`} · {run.progress.stepsPerSecond.toFixed(2)} steps/s · {fmtTime(run.progress.seconds)} elapsed
        {live && ` · ${fmtTime(run.progress.etaSeconds)} left`}
        {run.backend && ` · ${run.backend}`}
      </p>
      <p>
        Student PSNR (mean over weathers): <strong data-testid="metric-psnr">{latest ? latest.psnr.toFixed(2) : '–'}</strong> dB
        {latest && ` · SSIM ${latest.ssim.toFixed(4)}`}
        {run.references.teacher && ` · teacher ${run.references.teacher.mean.psnr.toFixed(2)} dB`}
        {run.references.untrained && ` · untrained ${run.references.untrained.mean.psnr.toFixed(2)} dB`}
        {run.references.input && ` · input ${run.references.input.mean.psnr.toFixed(2)} dB`}
      </p>
      {run.error && (
        <p className="error" role="alert" data-testid="run-error">
          {run.error}
        </p>
      )}
      {run.modelId && (
        <p>
          <button className="secondary" onClick={() => { selectModel(run.modelId!); location.hash = 'restore'; }}>
            Restore photos with this student
          </button>{' '}
          <button className="secondary" onClick={() => downloadModel(run.modelId!, run.label)}>
            Download (model.json + weights.bin)
          </button>
        </p>
      )}
      <div className="charts">
        {lossCharts.map((g) => (
          <div key={g.id} className="chart-with-glossary">
            <LineChart title={g.title} yLabel={g.id === 's' ? 'value' : 'loss'} x={g.x} series={g.series} testId={`chart-${g.id}`} />
            {g.series.some((s) => s.explain) && (
              <details className="glossary">
                <summary>What these curves measure</summary>
                <dl>
                  {g.series.filter((s) => s.explain).map((s) => (
                    <div key={s.label}>
                      <dt>{s.label}</dt>
                      <dd>{s.explain}</dd>
                    </div>
                  ))}
                </dl>
              </details>
            )}
          </div>
        ))}
        <LineChart title="Student PSNR on the evaluation set (dB)" yLabel="dB" x={psnr.x} series={psnr.series} testId="chart-psnr" />
      </div>
      {run.preview?.projection && <EmbeddingScatter projection={run.preview.projection} />}
      {run.samples.length > 0 && (
        <>
          <h3>Evaluation images (degraded · student · clean)</h3>
          <div className="grid-images" data-testid="eval-grid">
            {run.samples.map((s, i) => (
              <figure key={i}>
                <div className="triple">
                  <ImageCanvas image={s.input} label="degraded" scale={2} />
                  <ImageCanvas image={s.restored} label="student" scale={2} />
                  <ImageCanvas image={s.target} label="clean" scale={2} />
                </div>
                <figcaption>{WEATHERS[s.weather].label}</figcaption>
              </figure>
            ))}
          </div>
        </>
      )}
      {run.preview && (
        <>
          <h3>{run.preview.caption}</h3>
          <p className="hint">
            Columns: {run.preview.inputLabel} · {run.preview.targetLabels.join(' · ')}
          </p>
          <div className="grid-images" data-testid="train-gallery">
            {run.preview.samples.map((s, i) => (
              <figure key={i}>
                <div className="triple">
                  <ImageCanvas image={s.input} label={run.preview!.inputLabel} scale={2} />
                  {s.targets.map((t, j) => (
                    <ImageCanvas key={j} image={t} label={run.preview!.targetLabels[j]} scale={2} />
                  ))}
                </div>
                {s.weather && <figcaption>{s.weather}</figcaption>}
              </figure>
            ))}
          </div>
        </>
      )}
    </div>
  );
}

function RunsList() {
  const { runs, selected, select, remove } = useRunsStore();
  if (!runs.length) return null;
  return (
    <div className="panel">
      <h2>Runs in this browser</h2>
      <table className="scores runs-table">
        <thead>
          <tr>
            <th>Run</th>
            <th>State</th>
            <th>Steps</th>
            <th>PSNR</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {runs.map((r) => (
            <tr key={r.id} className={r.id === selected ? 'selected' : ''} data-testid="run-row">
              <td>
                <button className="linkbutton" onClick={() => select(r.id)}>
                  {r.label}
                </button>
              </td>
              <td>{r.state}</td>
              <td>{r.progress.totalStep}</td>
              <td>{r.evals.at(-1)?.scores.mean.psnr.toFixed(2) ?? '–'}</td>
              <td>
                {!LIVE.includes(r.state) && (
                  <button className="linkbutton" onClick={() => remove(r.id)} aria-label={`Delete run ${r.label}`}>
                    delete
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function DistillView() {
  const { catalog, error } = useCatalog();
  const { runs, selected, load, loaded } = useRunsStore();
  useEffect(() => {
    if (!loaded) void load();
  }, [load, loaded]);
  const run = runs.find((r) => r.id === selected) ?? runs[0];
  return (
    <section className="view" aria-label="Distill">
      <div>
        {catalog ? <RunForm catalog={catalog} /> : <div className="panel">{error ? <p className="error">{error}</p> : 'Loading methods…'}</div>}
      </div>
      <div>
        {run ? <RunMonitor run={run} /> : <div className="panel hint">Start a run: its losses, scores and images appear here as the student learns.</div>}
        <RunsList />
      </div>
    </section>
  );
}
