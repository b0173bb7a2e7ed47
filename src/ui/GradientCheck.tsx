import { useState } from 'react';
import type { GradCheckResult } from '../core/backend/gradcheck';
import { guarded } from '../workers/client';
import { labWorker } from '../workers/lab-client';

/** Lets a user verify that the backend in use computes correct gradients before trusting a run. */
export function GradientCheck() {
  const [state, setState] = useState<{ busy: boolean; results: GradCheckResult[] | null; error: string | null }>({
    busy: false,
    results: null,
    error: null,
  });
  async function run() {
    setState({ busy: true, results: null, error: null });
    try {
      const lab = labWorker();
      setState({ busy: false, results: await guarded(lab, lab.api.checkGradients()), error: null });
    } catch (e) {
      setState({ busy: false, results: null, error: e instanceof Error ? e.message : String(e) });
    }
  }
  const failed = state.results?.filter((r) => !r.ok && !r.knownIssue) ?? [];
  return (
    <div className="gradcheck">
      <button className="secondary" onClick={run} disabled={state.busy} data-testid="gradcheck-run">
        {state.busy ? 'Checking gradients…' : 'Check gradients on the lab worker’s backend'}
      </button>
      {state.error && <p className="error">{state.error}</p>}
      {state.results && (
        <p data-testid="gradcheck-summary" data-failed={failed.length}>
          {failed.length === 0
            ? `All ${state.results.length} gradient checks agree with the CPU backend.`
            : `${failed.length} of ${state.results.length} gradient checks disagree with the CPU backend: ${failed.map((f) => f.name).join(', ')}.`}
        </p>
      )}
      {state.results && (
        <details>
          <summary>Details</summary>
          <table className="scores">
            <tbody>
              {state.results.map((r) => (
                <tr key={r.name}>
                  <td>{r.ok ? '✓' : r.knownIssue ? '⚠' : '✗'}</td>
                  <td>{r.name}</td>
                  <td>{r.error ?? `rel. error ${r.maxRelErr.toExponential(1)}`}</td>
                  <td className="hint">{r.knownIssue}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </details>
      )}
    </div>
  );
}
