// The runs kept in this browser: select, tick for the Compare view, delete.
import { useCompareStore } from '../../state/compare';
import { useRunsStore, LIVE } from '../../state/runs';

export function RunsList() {
  const { runs, selected, select, remove } = useRunsStore();
  const { ids, toggle } = useCompareStore();
  if (!runs.length) return null;
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
    </div>
  );
}
