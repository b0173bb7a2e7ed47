// One run as it happens: progress, controls, loss and score charts, images.
import { useMemo, useState } from 'react';
import { WEATHERS, type WeatherType } from '../../core/data/weather';
import { useModelsStore } from '../../state/models';
import { canContinue, useRunsStore, type RunRecord, LIVE } from '../../state/runs';
import { readModelFiles } from '../../workers/model-store';
import { ImageCanvas } from '../ImageCanvas';
import { LineChart } from '../LineChart';
import { lossCharts, scoreChart } from '../../state/charts';
import { EmbeddingScatter } from './EmbeddingScatter';
import { ScoreHistogram } from './ScoreHistogram';
import { downloadBlob, downloadRun, runFileStem } from '../download';
import { ArtifactsPanel } from './ArtifactsPanel';
import { EvalSets } from '../EvalSets';
import { TEACHER_ROLES } from '../../core/methods/method';
import { formatDuration } from '../../core/format';
import { evaluationsCsv } from '../../state/run-export';
import { packModelZip } from '../../core/models/model-zip';

/** The student as one ZIP (model.json + weights.bin): unzipped, a folder for the CLI's --model. */
async function downloadModel(id: string, stem: string) {
  const files = await readModelFiles(id, import.meta.env.BASE_URL);
  downloadBlob(new Blob([packModelZip(files.modelJson, files.weights) as Uint8Array<ArrayBuffer>], { type: 'application/zip' }), `${stem}-student.zip`);
}

/** D4IR's prompts in 2-D, one dot per held-out image, coloured by its true weather. */

export function RunMonitor({ run }: { run: RunRecord }) {
  const { pause, resume, stop, continueRun } = useRunsStore.getState();
  const busy = useRunsStore((s) => s.runs.some((r) => LIVE.includes(r.state)));
  const [continueError, setContinueError] = useState<string | null>(null);
  const selectModel = useModelsStore((s) => s.select);
  const elsewhere = useRunsStore((s) => s.elsewhere.includes(run.id));
  const live = LIVE.includes(run.state) && !elsewhere;
  const weathers = useMemo(
    () => Object.keys(run.evals[0]?.scores.weathers ?? run.references.input?.weathers ?? {}) as WeatherType[],
    [run.evals, run.references.input],
  );
  const psnr = useMemo(() => scoreChart(run, weathers, 'psnr'), [run, weathers]);
  const charts = useMemo(() => lossCharts(run.lossGroups ?? [], run.losses), [run.lossGroups, run.losses]);
  const latest = run.evals.at(-1)?.scores.mean;

  return (
    <div className="panel run" data-testid="run-monitor" data-state={run.state} data-method={run.method}>
      <header className="photo-head">
        <strong>{run.label}</strong>
        <span className={`badge badge-${run.state}`} data-testid="run-state">
          {run.state}
        </span>
        <span className="spacer" />
        {live && (
          <button
            className="secondary"
            data-testid="run-pause"
            onClick={() => (run.state === 'paused' ? resume() : pause())}
            disabled={run.state === 'starting'}
          >
            {run.state === 'paused' ? 'Resume' : 'Pause'}
          </button>
        )}
        {live && (
          <button className="secondary" data-testid="run-stop" onClick={stop}>
            Stop
          </button>
        )}
        {canContinue(run) && (
          <button
            className="primary"
            data-testid="run-continue"
            disabled={busy}
            title={busy ? 'Another run is in progress' : `From the checkpoint kept ${new Date(run.checkpoint!.savedAt).toLocaleString()}`}
            onClick={() => continueRun(run.id).catch((e: unknown) => setContinueError(e instanceof Error ? e.message : String(e)))}
          >
            Continue {run.gpuLost ? 'on WASM ' : ''}from step {run.checkpoint!.totalStep}
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
      <p className="run-stats" data-testid="run-stats">
        Step <span data-testid="run-step">{run.progress.totalStep}</span> of {run.totalSteps}
        {run.progress.phase && ` · phase: ${run.progress.phase}`} · {run.progress.stepsPerSecond.toFixed(2)} steps/s · {formatDuration(run.progress.seconds)}{' '}
        elapsed
        {live && ` · ${formatDuration(run.progress.etaSeconds)} left`}
        {run.backend && ` · ${run.backend}`}
      </p>
      <p>
        Student PSNR (mean over weathers): <strong data-testid="metric-psnr">{latest ? latest.psnr.toFixed(2) : '–'}</strong> dB
        {latest && ` · SSIM ${latest.ssim.toFixed(4)}`}
        {run.references.teacher && ` · teacher ${run.references.teacher.mean.psnr.toFixed(2)} dB`}
        {run.references.untrained && ` · untrained ${run.references.untrained.mean.psnr.toFixed(2)} dB`}
        {run.references.input && ` · input ${run.references.input.mean.psnr.toFixed(2)} dB`}
      </p>
      {latest && run.references.untrained && latest.psnr < run.references.untrained.mean.psnr - 0.05 && (
        <p className="warning" data-testid="run-worse-than-untrained">
          The student is now {(run.references.untrained.mean.psnr - latest.psnr).toFixed(2)} dB below the untrained student: at this budget the method makes it
          worse, not better. {live ? 'It may recover with more steps.' : 'Try more steps, or compare with kd or scratch.'}
        </p>
      )}
      {run.error && (
        <p className="error" role="alert" data-testid="run-error">
          {run.error}
        </p>
      )}
      {elsewhere && (
        <p className="warning" data-testid="run-elsewhere">
          This run is training in another tab of the playground: follow it there. It shows here as it ends.
        </p>
      )}
      {continueError && (
        <p className="error" role="alert">
          {continueError}
        </p>
      )}
      {run.warning && (
        <p className="warning" data-testid="run-warning">
          {run.warning}
        </p>
      )}
      {!live && (
        <p>
          <button
            className="secondary"
            data-testid="run-export"
            title="The configuration, curves, evaluations and references as one JSON file"
            onClick={() => downloadRun(run)}
          >
            Export run (JSON)
          </button>{' '}
          <button
            className="secondary"
            data-testid="run-export-csv"
            onClick={() => downloadBlob(new Blob([evaluationsCsv(run)], { type: 'text/csv' }), `${runFileStem(run)}-evaluations.csv`)}
          >
            Evaluations (CSV)
          </button>
        </p>
      )}
      {run.modelId && (
        <p>
          <button
            className="secondary"
            onClick={() => {
              selectModel(run.modelId!);
              location.hash = 'restore';
            }}
          >
            Restore photos with this student
          </button>{' '}
          <button className="secondary" data-testid="student-download" onClick={() => downloadModel(run.modelId!, runFileStem(run))}>
            Download the student (.zip)
          </button>
        </p>
      )}
      {run.modelId && run.state === 'completed' && (
        <details className="run-eval-sets" data-testid="run-eval-sets">
          <summary>Score this student on your own photos</summary>
          <EvalSets
            models={[
              { id: TEACHER_ROLES.restorer.shippedModel, label: 'teacher' },
              { id: run.modelId, label: run.label },
            ]}
          />
        </details>
      )}
      <div className="charts">
        {charts.map((g) => (
          <div key={g.id} className="chart-with-glossary">
            <LineChart title={g.title} yLabel={g.id === 's' ? 'value' : 'loss'} x={g.x} series={g.series} testId={`chart-${g.id}`} />
            {g.series.some((s) => s.explain) && (
              <details className="glossary">
                <summary>What these curves measure</summary>
                <dl>
                  {g.series
                    .filter((s) => s.explain)
                    .map((s) => (
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
      {run.preview?.histogram && <ScoreHistogram histogram={run.preview.histogram} />}
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
      {run.artifacts && run.artifacts.length > 0 && <ArtifactsPanel runId={run.id} artifacts={run.artifacts} />}
    </div>
  );
}
