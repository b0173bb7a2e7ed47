import { useState } from 'react';
import type { BackendReport } from '../core/backend/select';
import { useBackendStore } from '../state/backend';
import { GradientCheck } from './GradientCheck';

/** Dismissed for this tab's session: the next visit says it again. */
const DISMISS_KEY = 'weatherkd.backend-notice-dismissed';

const LABEL: Record<string, string> = { webgpu: 'WebGPU', webgl: 'WebGL', wasm: 'WASM', cpu: 'CPU' };

/** The report the page shows first: the lab worker's, or whichever worker answered first. */
const shownReport = (workers: Record<string, BackendReport>): BackendReport | undefined => workers.lab ?? Object.values(workers)[0];

function ReportRow({ where, report }: { where: string; report: BackendReport }) {
  return (
    <tr>
      <th scope="row">{where}</th>
      <td>
        <strong>{LABEL[report.backend]}</strong>
        {report.forced && ' (forced by ?backend=)'}
      </td>
      <td>{report.device}</td>
      <td>
        {report.skipped.length === 0
          ? 'fastest available'
          : report.skipped.map((s) => (
              <div key={s.backend + s.reason}>
                {LABEL[s.backend]} skipped: {s.reason}
              </div>
            ))}
      </td>
    </tr>
  );
}

/** The backend in use, always visible; details for each worker on demand. */
export function BackendStatus() {
  const { workers, error } = useBackendStore();
  const main = shownReport(workers);
  const text = error ? 'Backend failed' : main ? `${LABEL[main.backend]} · ${main.device}` : 'Starting TensorFlow.js…';
  return (
    <details className="backend-status">
      <summary data-testid="backend-status" data-backend={main?.backend ?? ''} title="Which TensorFlow.js backend runs, and why">
        <span className={`dot dot-${main?.backend ?? 'none'}`} aria-hidden="true" />
        {text}
      </summary>
      <div className="backend-details">
        {error && <p className="error">{error}</p>}
        <table>
          <thead>
            <tr>
              <th>Where</th>
              <th>Backend</th>
              <th>Device</th>
              <th>Why</th>
            </tr>
          </thead>
          <tbody>
            {Object.entries(workers).map(([name, r]) => (
              <ReportRow key={name} where={`${name} worker`} report={r} />
            ))}
          </tbody>
        </table>
        {main?.webgpuAdapter && (
          <p>
            WebGPU adapter seen: {main.webgpuAdapter}
            {main.webgpuIsFallback ? ' (software fallback)' : ''}.
          </p>
        )}
        <GradientCheck />
        <p className="hint">
          Force one with <code>?backend=webgpu</code>, <code>webgl</code>, <code>wasm</code> or <code>cpu</code>.
        </p>
      </div>
    </details>
  );
}

/** A banner when the work does not run on a real GPU, so nobody wonders why it is slow. */
/** What running without WebGPU means, in plain words. */
const PLAIN: Record<string, string> = {
  wasm: 'Running on your CPU: no usable GPU was found. Everything works; training is slower.',
  webgl: 'Running on your GPU through WebGL: WebGPU is not available. Everything works; training is a little slower.',
  cpu: 'Running on plain JavaScript: neither a GPU nor WebAssembly could be used. Everything works, but slowly.',
};

export function BackendNotice() {
  const { workers } = useBackendStore();
  const [dismissed, setDismissed] = useState(() => sessionStorage.getItem(DISMISS_KEY) === '1');
  const report = shownReport(workers);
  if (!report || report.backend === 'webgpu' || dismissed) return null;
  const reason = report.skipped.find((s) => s.backend === 'webgpu')?.reason;
  return (
    <div className="notice" role="status" data-testid="backend-notice">
      {PLAIN[report.backend] ?? `Running on ${LABEL[report.backend]}.`}{' '}
      <button
        className="linkbutton"
        aria-label="Dismiss this notice"
        onClick={() => {
          sessionStorage.setItem(DISMISS_KEY, '1');
          setDismissed(true);
        }}
      >
        Dismiss
      </button>
      <details>
        <summary>Details</summary>
        <strong>{LABEL[report.backend]}</strong> ({report.device}), not WebGPU{reason ? `: ${reason}.` : '.'}
      </details>
    </div>
  );
}
