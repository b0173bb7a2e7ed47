// The runs kept in this browser: select, delete.
import { useRunsStore, LIVE } from '../../state/runs';

export function RunsList() {
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
