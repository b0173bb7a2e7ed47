import { useEffect, useState, type DragEvent } from 'react';
import { DEFAULT_MODEL, useModelsStore } from '../state/models';
import { useRestoreStore, type Photo } from '../state/restore';
import { putStoredModel } from '../workers/model-store';
import { guarded } from '../workers/client';
import { restoreWorker } from '../workers/restore-client';
import { labWorker } from '../workers/lab-client';
import type { ModelDescription, RestoreResult } from '../workers/restore.worker';
import type { ImageScores } from '../core/metrics/common';
import { MAX_PIXELS } from '../workers/decode-image';
import { BeforeAfter } from './BeforeAfter';
import { ModelCardButton } from './ModelCard';
import { ModelFilesInput } from './ModelFilesInput';

function imagesOf(files: Iterable<File>): File[] {
  return [...files];
}

/** ", about 40 s left", from the pace of the tiles so far (all tiles of a photo have one size). */
function timeLeft({ done, total, startedAt }: Photo['progress']): string {
  if (!startedAt || done === 0 || done >= total) return '';
  const seconds = (((performance.now() - startedAt) / done) * (total - done)) / 1000;
  return seconds < 60 ? `, about ${Math.ceil(seconds / 5) * 5} s left` : `, about ${Math.round(seconds / 60)} min left`;
}

/** A restored photo as an object URL (the left side when two models' results are shown side by side). */
function useResultUrl(result: RestoreResult | null): string | null {
  const [url, setUrl] = useState<string | null>(null);
  useEffect(() => {
    if (!result) return;
    let made: string | null = null;
    const canvas = new OffscreenCanvas(result.width, result.height);
    canvas.getContext('2d')!.putImageData(new ImageData(result.rgba, result.width, result.height), 0, 0);
    void canvas.convertToBlob({ type: 'image/png' }).then((blob) => setUrl((made = URL.createObjectURL(blob))));
    return () => {
      if (made) URL.revokeObjectURL(made);
      setUrl(null);
    };
  }, [result]);
  return url;
}

const fmtScores = (s: ImageScores) => [s.psnr.toFixed(2), s.ssim.toFixed(4), s.psnr_y.toFixed(2), s.ssim_y.toFixed(4)];

function PhotoCard({ photo, modelId, models }: { photo: Photo; modelId: string; models: readonly { id: string; label: string }[] }) {
  const { cancel, remove, retry, downscale, restoreWith, setClean } = useRestoreStore();
  const others = models.filter((m) => m.id !== photo.modelId);
  const [otherId, setOtherId] = useState<string>('');
  const labelOf = (id: string) => models.find((m) => m.id === id)?.label ?? id;
  const firstUrl = useResultUrl(photo.second?.result ? photo.result : null);
  const second = photo.second;
  const pct = photo.progress.total ? Math.round((100 * photo.progress.done) / photo.progress.total) : 0;
  return (
    <article className="panel photo" data-testid="photo-card" data-status={photo.status}>
      <header className="photo-head">
        <strong>{photo.name}</strong>
        <span className="hint">
          {photo.status === 'queued' && 'waiting…'}
          {photo.status === 'running' &&
            (photo.progress.startedAt === undefined
              ? 'reading the photo and the model…'
              : `restoring… tile ${photo.progress.done} of ${photo.progress.total}${timeLeft(photo.progress)}`)}
          {photo.status === 'done' &&
            photo.result &&
            `${photo.result.width}×${photo.result.height}${photo.result.downscaledFrom ? ` (downscaled from ${photo.result.downscaledFrom.width}×${photo.result.downscaledFrom.height})` : ''}, restored in ${(photo.result.millis / 1000).toFixed(1)} s on ${photo.result.backend}`}
          {photo.status === 'cancelled' && 'cancelled'}
        </span>
        <span className="spacer" />
        {(photo.status === 'running' || photo.status === 'queued' || second?.status === 'running' || second?.status === 'queued') && (
          <button className="secondary" onClick={() => cancel(photo.id)} data-testid="restore-cancel">
            Cancel
          </button>
        )}
        {(photo.status === 'cancelled' || photo.status === 'error' || photo.status === 'done') && photo.modelId !== modelId && (
          <button className="secondary" onClick={() => retry(photo.id, modelId)}>
            Restore with the selected model
          </button>
        )}
        {(photo.status === 'cancelled' || (photo.status === 'error' && !photo.tooLarge)) && photo.modelId === modelId && (
          <button className="secondary" onClick={() => retry(photo.id, modelId)} data-testid="restore-retry">
            {photo.status === 'error' ? 'Try again' : 'Restart'}
          </button>
        )}
        <button className="secondary" onClick={() => remove(photo.id)} aria-label={`Remove ${photo.name}`}>
          ✕
        </button>
      </header>
      {(photo.status === 'running' || photo.status === 'queued') && (
        <progress data-testid="restore-progress" value={photo.progress.done} max={photo.progress.total} aria-label={`Restoring ${photo.name}: ${pct}%`} />
      )}
      {photo.status === 'error' && (
        <p className="error" role="alert" data-testid="restore-error">
          {photo.error}{' '}
          {photo.tooLarge && (
            <button className="secondary" onClick={() => downscale(photo.id)} data-testid="restore-downscale">
              Downscale it to {MAX_PIXELS / 1e6} MP and restore
            </button>
          )}
        </p>
      )}
      {photo.status === 'done' && photo.result && <BeforeAfter beforeUrl={photo.url} result={photo.result} name={photo.name} />}
      {photo.status === 'done' && photo.result && (
        <div className="photo-tools">
          {others.length > 0 && (
            <span>
              <label>
                Compare with{' '}
                <select value={otherId || others[0].id} onChange={(e) => setOtherId(e.target.value)} data-testid="restore-compare-model">
                  {others.map((m) => (
                    <option key={m.id} value={m.id}>
                      {m.label}
                    </option>
                  ))}
                </select>
              </label>{' '}
              <button
                className="secondary"
                disabled={second?.status === 'running' || second?.status === 'queued'}
                onClick={() => restoreWith(photo.id, otherId || others[0].id)}
                data-testid="restore-compare"
              >
                Restore with it too
              </button>
            </span>
          )}
          <label className="button-like" title="The same photo without the weather, to score each restoration">
            Add its clean version…
            <input
              type="file"
              accept="image/*"
              hidden
              data-testid="restore-clean-input"
              onChange={(e) => {
                const f = e.target.files?.[0];
                if (f) void setClean(photo.id, f, f.name);
                e.target.value = '';
              }}
            />
          </label>
        </div>
      )}
      {second && second.status !== 'done' && (
        <p className={second.status === 'error' ? 'error' : 'hint'} data-testid="restore-second-status">
          {labelOf(second.modelId)}:{' '}
          {second.status === 'error'
            ? second.error
            : second.status === 'running'
              ? photo.progress.startedAt === undefined
                ? 'reading the photo and the model…'
                : `restoring… tile ${photo.progress.done} of ${photo.progress.total}${timeLeft(photo.progress)}`
              : second.status}
        </p>
      )}
      {second?.result && photo.result && firstUrl && (
        <div data-testid="restore-side-by-side">
          <h3>
            {labelOf(photo.modelId)} (left) and {labelOf(second.modelId)} (right)
          </h3>
          <BeforeAfter beforeUrl={firstUrl} result={second.result} name={photo.name} labels={['Left model', 'Right model']} />
        </div>
      )}
      {photo.clean && (
        <div data-testid="restore-scores">
          {photo.clean.error && <p className="error">{photo.clean.error}</p>}
          {!photo.clean.error && !photo.clean.scores && <p className="hint">scoring against {photo.clean.name}…</p>}
          {photo.clean.scores && (
            <table className="compact">
              <caption>Against {photo.clean.name}</caption>
              <thead>
                <tr>
                  <th>image</th>
                  <th>PSNR (dB)</th>
                  <th>SSIM</th>
                  <th>PSNR Y</th>
                  <th>SSIM Y</th>
                </tr>
              </thead>
              <tbody>
                {[
                  ['the upload', photo.clean.scores.input] as const,
                  ...photo.clean.scores.restored.map((sc, i) => [`restored by ${labelOf(i === 0 ? photo.modelId : second!.modelId)}`, sc] as const),
                ].map(([label, sc]) => (
                  <tr key={label}>
                    <td>{label}</td>
                    {fmtScores(sc).map((v, k) => (
                      <td key={k}>{v}</td>
                    ))}
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </div>
      )}
    </article>
  );
}

export function RestoreView() {
  const { models, selected, select, refresh, error: modelsError } = useModelsStore();
  const { photos, add } = useRestoreStore();
  const [summary, setSummary] = useState<ModelDescription | { error: string } | null>(null);
  const [dragging, setDragging] = useState(false);

  useEffect(() => {
    void refresh();
  }, [refresh]);

  useEffect(() => {
    let alive = true;
    setSummary(null);
    const w = restoreWorker();
    guarded(w, w.api.describeModel(selected)).then(
      (s) => alive && setSummary(s),
      (e) => alive && setSummary({ error: e instanceof Error ? e.message : String(e) }),
    );
    return () => {
      alive = false;
    };
  }, [selected]);

  // Paste a photo anywhere on the page while this view is open.
  useEffect(() => {
    const onPaste = (e: ClipboardEvent) => {
      const files = imagesOf(e.clipboardData?.files ?? []);
      if (files.length)
        add(
          files,
          files.map((f) => f.name || 'pasted image'),
          useModelsStore.getState().selected,
        );
    };
    window.addEventListener('paste', onPaste);
    return () => window.removeEventListener('paste', onPaste);
  }, [add]);

  function onDrop(e: DragEvent) {
    e.preventDefault();
    setDragging(false);
    const files = imagesOf(e.dataTransfer.files);
    if (files.length)
      add(
        files,
        files.map((f) => f.name),
        selected,
      );
  }

  /** A synthetic rainy scene, made and encoded in the lab worker, added as if the user had dropped it. */
  async function addSample() {
    const seed = 1 + Math.floor(Math.random() * 1e6);
    const lab = labWorker();
    const blob = await guarded(lab, lab.api.synthesizePng({ source: 'scene', weather: 'rain', seed, size: 512 }));
    add([new File([blob], `rainy-sample-${seed}.png`, { type: 'image/png' })], [`rainy sample ${seed}`], selected);
  }

  async function onModelLoaded(modelJson: object, weights: ArrayBuffer, fileName: string) {
    const w = restoreWorker();
    const id = `uploaded-${Date.now()}`;
    const check = await guarded(w, w.api.checkModelFiles(modelJson, weights));
    await putStoredModel({
      info: {
        id,
        label: `${fileName} (loaded)`,
        kind: 'uploaded',
        preset: check.preset,
        params: check.params,
        flopsPerPixel: check.flopsPerPixel,
        createdAt: Date.now(),
      },
      modelJson,
      weights,
    });
    await refresh();
    select(id);
  }

  return (
    <section className="view" aria-label="Restore">
      <div className="panel">
        <h2>Restore your photos</h2>
        <label className="field">
          Model
          <select data-testid="model-select" value={selected} onChange={(e) => select(e.target.value)}>
            {models.map((m) => (
              <option key={m.id} value={m.id}>
                {m.label}
              </option>
            ))}
          </select>
        </label>
        {modelsError && <p className="error">{modelsError}</p>}
        {summary && 'error' in summary && (
          <p className="error" role="alert">
            {summary.error}
          </p>
        )}
        {summary && !('error' in summary) && (
          <p className="hint" data-testid="model-summary" data-flops-per-pixel={summary.flopsPerPixel}>
            {summary.preset} · {(summary.params / 1e6).toFixed(2)} M parameters · {(summary.flopsPerPixel / 1e3).toFixed(1)} kFLOPs per pixel
          </p>
        )}
        {selected === DEFAULT_MODEL && (
          <p className="hint" data-testid="teacher-caveat">
            Trained on synthetic weather (over generated scenes and clean photos): it removes rain streaks, heavy rain, snow and haze, and lifts some of the
            veil of wet glass but leaves most raindrops. Under light rain it darkens pale walls and clouds as if they were haze, so a lightly rained photo can
            come out worse than it went in. <ModelCardButton />
          </p>
        )}
        <ModelFilesInput onLoaded={onModelLoaded} />
        <h3>Privacy</h3>
        <p className="hint">Photos are decoded and restored inside this page, in a Web Worker. Nothing is uploaded anywhere.</p>
      </div>
      <div>
        <div
          className={`panel dropzone${dragging ? ' dragging' : ''}`}
          onDragOver={(e) => {
            e.preventDefault();
            setDragging(true);
          }}
          onDragLeave={() => setDragging(false)}
          onDrop={onDrop}
        >
          <p>
            <strong>Drop photos here</strong>, paste one, or{' '}
            <label className="linklike">
              choose files
              <input
                type="file"
                accept="image/png,image/jpeg,image/webp,image/*"
                multiple
                data-testid="upload-input"
                onChange={(e) => {
                  const files = imagesOf(e.target.files ?? []);
                  if (files.length)
                    add(
                      files,
                      files.map((f) => f.name),
                      selected,
                    );
                  e.target.value = '';
                }}
              />
            </label>
            . PNG, JPEG or WebP, any size: large photos are restored in overlapping tiles.
          </p>
          <p>
            No photo at hand?{' '}
            <button className="secondary" data-testid="restore-sample" onClick={() => void addSample()}>
              Try a rainy sample
            </button>{' '}
            <span className="hint">a generated street scene under rain, made in this page</span>
          </p>
        </div>
        {photos.map((p) => (
          <PhotoCard key={p.id} photo={p} modelId={selected} models={models} />
        ))}
      </div>
    </section>
  );
}
