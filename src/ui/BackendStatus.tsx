import type { BackendReport } from '../core/backend/select';
import { useBackendStore } from '../state/backend';
import { GradientCheck } from './GradientCheck';

const LABEL: Record<string, string> = { webgpu: 'WebGPU', webgl: 'WebGL', wasm: 'WASM', cpu: 'CPU' };

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

/** The backend in use, always visible; details for the page and each worker on demand. */
export function BackendStatus() {
  const { page, workers, error } = useBackendStore();
  const main = workers.lab ?? page;
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
            {page && <ReportRow where="Page" report={page} />}
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
export function BackendNotice() {
  const { page, workers } = useBackendStore();
  const report = workers.lab ?? page;
  if (!report || report.backend === 'webgpu') return null;
  const reason = report.skipped.find((s) => s.backend === 'webgpu')?.reason;
  return (
    <div className="notice" role="status">
      Running on <strong>{LABEL[report.backend]}</strong> ({report.device}), not WebGPU
      {reason ? `: ${reason}.` : '.'} Everything works; training is slower than on a real GPU.
    </div>
  );
}
