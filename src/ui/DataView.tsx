import { useEffect, useMemo, useRef, useState } from 'react';
import { CLEAN_SOURCES } from '../core/data/clean';
import type { RGBImage } from '../core/data/image';
import type { SynthesisResult } from '../core/data/preview';
import { WEATHER_TYPES, WEATHERS, type WeatherType } from '../core/data/weather';
import { useDataViewStore } from '../state/data-view';
import { guarded } from '../workers/client';
import { labWorker } from '../workers/lab-client';
import { decodeToRGB } from '../workers/decode-image';
import { grayImage, ImageCanvas } from './ImageCanvas';
import { DATA_VIEW_SIZES, decodeDataShare, encodeDataShare } from '../core/data/share';
import { ShareLink, useShareQuery } from './share-link';

const SOURCE_LABEL: Record<string, string> = { scene: 'Procedural scene (with depth)', 'dead-leaves': 'Dead leaves', user: 'Your photo' };

function fmt(v: number, digits: number): string {
  return Number.isFinite(v) ? v.toFixed(digits) : '∞';
}

/** Runs the newest request only: slider drags fire faster than the worker answers. */
function useLatest<T>(run: () => Promise<T>, deps: unknown[]): { value: T | null; error: string | null; busy: boolean } {
  const [state, setState] = useState<{ value: T | null; error: string | null; busy: boolean }>({ value: null, error: null, busy: true });
  const ticket = useRef(0);
  // The caller lists what `run` depends on.
  /* eslint-disable react-hooks/exhaustive-deps */
  useEffect(() => {
    const mine = ++ticket.current;
    setState((s) => ({ ...s, busy: true }));
    run().then(
      (value) => mine === ticket.current && setState({ value, error: null, busy: false }),
      (e) => mine === ticket.current && setState((s) => ({ value: s.value, error: e instanceof Error ? e.message : String(e), busy: false })),
    );
  }, deps);
  /* eslint-enable react-hooks/exhaustive-deps */
  return state;
}

export function DataView() {
  const { source, weather, seed, size, params, set, setParam, resetParams } = useDataViewStore();
  const [userImage, setUserImage] = useState<RGBImage | null>(null);
  const [uploadError, setUploadError] = useState<string | null>(null);
  const fixed = params[weather] ?? {};
  const effectiveSource = source === 'user' && !userImage ? 'scene' : source;
  const [shared, setShared] = useState<string | null>(null);
  // A share link (#data?weather=...) sets the view once.
  useShareQuery('data', (query) => {
    const { view, problems } = decodeDataShare(query);
    const store = useDataViewStore.getState();
    store.set({ source: view.source, weather: view.weather, seed: view.seed, size: view.size, params: { ...store.params, [view.weather]: view.params } });
    setShared(
      `The view shows a shared link (${WEATHERS[view.weather].label}, seed ${view.seed}).${problems.length ? ` Not used: ${problems.join('; ')}.` : ''}`,
    );
  });

  function shareUrl() {
    const view = { source: effectiveSource === 'user' ? 'scene' : effectiveSource, weather, seed, size, params: fixed };
    return `${location.origin}${location.pathname}#data?${encodeDataShare(view)}`;
  }

  const main = useLatest<SynthesisResult>(() => {
    const lab = labWorker();
    return guarded(lab, lab.api.synthesize({ source: effectiveSource, userImage: userImage ?? undefined, weather, params: fixed, seed, size }));
  }, [effectiveSource, userImage, weather, JSON.stringify(fixed), seed, size]);

  // Every weather on the same clean image, small, so the types can be compared at a glance.
  const strip = useLatest<SynthesisResult[]>(async () => {
    const lab = labWorker();
    const out: SynthesisResult[] = [];
    for (const w of WEATHER_TYPES) {
      out.push(
        await guarded(
          lab,
          lab.api.synthesize({ source: effectiveSource, userImage: userImage ?? undefined, weather: w, params: params[w] ?? {}, seed, size: 128 }),
        ),
      );
    }
    return out;
  }, [effectiveSource, userImage, seed, JSON.stringify(params)]);

  const spec = WEATHERS[weather];
  const result = main.value;
  // Made once per result: a new image object would repaint the canvas on every render.
  const depth = useMemo(() => (result ? grayImage(result.depth, result.clean.width, result.clean.height) : null), [result]);
  const scale = Math.max(1, Math.floor(320 / size));

  async function onUpload(file: File | undefined) {
    if (!file) return;
    setUploadError(null);
    try {
      setUserImage(await decodeToRGB(file, file.name, { maxSide: 1024 }));
      set({ source: 'user' });
    } catch (e) {
      setUploadError(e instanceof Error ? e.message : String(e));
    }
  }

  return (
    <section className="view" aria-label="Data">
      <div className="panel">
        <h2>Synthetic weather</h2>
        {shared && (
          <p className="notice" role="status" data-testid="data-share-loaded">
            {shared}
          </p>
        )}
        <label className="field">
          Clean source
          <select data-testid="data-source" value={source} onChange={(e) => set({ source: e.target.value as typeof source })}>
            {[...CLEAN_SOURCES, 'user'].map((s) => (
              <option key={s} value={s}>
                {SOURCE_LABEL[s] ?? s}
              </option>
            ))}
          </select>
        </label>
        {source === 'user' && (
          <label className="field">
            Photo (stays in this browser)
            <input type="file" accept="image/*" data-testid="data-upload" onChange={(e) => onUpload(e.target.files?.[0])} />
            {!userImage && !uploadError && <span className="hint">Until you pick one, a procedural scene is shown.</span>}
            {uploadError && (
              <span className="error" role="alert">
                {uploadError}
              </span>
            )}
          </label>
        )}
        <label className="field">
          Weather
          <select data-testid="data-weather" value={weather} onChange={(e) => set({ weather: e.target.value as WeatherType })}>
            {WEATHER_TYPES.map((w) => (
              <option key={w} value={w}>
                {WEATHERS[w].label}
              </option>
            ))}
          </select>
          <span className="hint">{spec.description}</span>
        </label>
        <div style={{ display: 'flex', gap: '0.6rem', alignItems: 'end' }}>
          <label className="field" style={{ flex: 1 }}>
            Seed
            <input type="number" data-testid="data-seed" value={seed} onChange={(e) => set({ seed: Math.trunc(Number(e.target.value)) || 0 })} />
          </label>
          <button className="secondary" style={{ marginBottom: '0.6rem' }} onClick={() => set({ seed: (Math.random() * 1e6) | 0 })}>
            New seed
          </button>
        </div>
        <label className="field">
          Size
          <select value={size} onChange={(e) => set({ size: Number(e.target.value) })}>
            {DATA_VIEW_SIZES.map((s) => (
              <option key={s} value={s}>
                {s} × {s}
              </option>
            ))}
          </select>
        </label>
        <h3>Parameters</h3>
        <p className="hint">Untouched sliders show the value drawn from the seed.</p>
        {spec.params.map((p) => {
          const sampled = (result?.weather === weather ? (result.params as unknown as Record<string, number>)[p.name] : undefined) ?? p.default;
          const value = fixed[p.name] ?? sampled;
          return (
            <label className="field" key={p.name} title={p.help}>
              <span className="row">
                <span>
                  {p.label}
                  {fixed[p.name] === undefined && <em className="hint"> · sampled</em>}
                </span>
                <output>
                  {fmt(value, p.type === 'int' ? 0 : p.step < 0.01 ? 4 : 2)}
                  {p.unit ? ` ${p.unit}` : ''}
                </output>
              </span>
              <input type="range" min={p.min} max={p.max} step={p.step} value={value} onChange={(e) => setParam(weather, p.name, Number(e.target.value))} />
            </label>
          );
        })}
        <button className="secondary" onClick={() => resetParams(weather)} disabled={Object.keys(fixed).length === 0}>
          Sample all from the seed
        </button>
        <ShareLink
          testId="data-share"
          title="A link that opens this view with this weather, seed and sliders"
          makeUrl={shareUrl}
          note={source === 'user' ? '; your photo is not in it' : ''}
        />
      </div>

      <div className="panel">
        {main.error && (
          <p className="error" role="alert">
            {main.error}
          </p>
        )}
        <div className="pair" data-testid="data-pair" data-busy={main.busy}>
          <figure>
            <ImageCanvas image={result?.clean ?? null} scale={scale} testId="data-clean" label="clean image" />
            <figcaption>Clean</figcaption>
          </figure>
          <figure>
            <ImageCanvas image={result?.degraded ?? null} scale={scale} testId="data-degraded" label="degraded image" />
            <figcaption>{spec.label}</figcaption>
          </figure>
          <figure>
            <ImageCanvas image={depth} scale={scale} label="depth map" />
            <figcaption>Depth (white is far){source === 'user' ? ': a prior, photos have none' : ''}</figcaption>
          </figure>
        </div>
        {result && (
          <table className="scores" data-testid="data-scores">
            <thead>
              <tr>
                <th>Degraded vs clean</th>
                <th>PSNR (dB)</th>
                <th>SSIM</th>
              </tr>
            </thead>
            <tbody>
              <tr>
                <td>RGB</td>
                <td data-testid="data-psnr">{fmt(result.scores.psnr, 2)}</td>
                <td>{fmt(result.scores.ssim, 4)}</td>
              </tr>
              <tr>
                <td>Y (BT.601)</td>
                <td>{fmt(result.scores.psnr_y, 2)}</td>
                <td>{fmt(result.scores.ssim_y, 4)}</td>
              </tr>
            </tbody>
          </table>
        )}
        {result && <p className="hint">Synthesised in {result.millis.toFixed(0)} ms in the lab worker. Parameters used: </p>}
        {result && <div className="params">{JSON.stringify(result.params)}</div>}
        <h3>Every weather on this image</h3>
        {strip.error && <p className="error">{strip.error}</p>}
        <div className="strip">
          {strip.value?.map((r) => (
            <figure key={r.weather} className={r.weather === weather ? 'selected' : ''} onClick={() => set({ weather: r.weather })}>
              <ImageCanvas image={r.degraded} label={WEATHERS[r.weather].label} />
              <figcaption>
                {WEATHERS[r.weather].label} · {fmt(r.scores.psnr, 1)} dB
              </figcaption>
            </figure>
          ))}
        </div>
      </div>
    </section>
  );
}
