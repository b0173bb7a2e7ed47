// The runs kept in this browser: select, tick for the Compare view, delete, import from a file.
import { useState } from 'react';
import { useCompareStore } from '../../state/compare';
import { importRun } from '../../state/run-export';
import { useRunsStore, LIVE } from '../../state/runs';

export function RunsList() {
  const { runs, selected, select, remove, add } = useRunsStore();
  const { ids, toggle } = useCompareStore();
  const [importError, setImportError] = useState<string | null>(null);
  async function onImport(files: readonly File[]) {
    setImportError(null);
    for (const file of files) {
      try {
        await add(importRun(await file.text(), `imported-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 6)}`, file.name));
      } catch (e) {
        setImportError(e instanceof Error ? e.message : String(e));
      }
    }
  }
  const importer = (
    <p>
      <label className="secondary button-like" title="A file from a run's Export button, or the run.json of weatherkd distill --out">
        Import a run file
        <input
          type="file"
          accept=".json,application/json"
          multiple
          hidden
          data-testid="run-import"
          onChange={(e) => {
            void onImport([...(e.target.files ?? [])]);
            e.target.value = '';
          }}
        />
      </label>
      {importError && (
        <span className="error" role="alert" data-testid="run-import-error">
          {' '}
          {importError}
        </span>
      )}
    </p>
  );
  if (!runs.length) return <div className="panel">{importer}</div>;
  const ticked = ids.filter((id) => runs.some((r) => r.id === id)).length;
  return (
    <div className="panel">
      <h2>Runs in this browser</h2>
      <table className="scores runs-table">
        <thead>
          <tr>
            <th title="Compare">⇄</th>
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
                <input
                  type="checkbox"
                  checked={ids.includes(r.id)}
                  onChange={() => toggle(r.id)}
                  data-testid="run-compare-toggle"
                  aria-label={`Compare ${r.label}`}
                />
              </td>
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
      <p>
        <button className="secondary" data-testid="compare-open" disabled={ticked < 2} onClick={() => (location.hash = 'compare')}>
          Compare the ticked runs ({ticked})
        </button>
      </p>
      {importer}
    </div>
  );
}
