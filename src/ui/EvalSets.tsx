// The user's own paired evaluation sets: add one (degraded and clean photos paired by file name),
// and score the teacher and the compared students on it, per image and on average.
import { useEffect, useState } from 'react';
import { useEvalSetsStore } from '../state/eval-sets';

const f2 = (v: number) => (v === Infinity ? 'inf' : v.toFixed(2));

export function EvalSets({ models }: { models: readonly { id: string; label: string }[] }) {
  const { sets, scores, busy, error, load, add, remove, score } = useEvalSetsStore();
  const [name, setName] = useState('my photos');
  const [inputs, setInputs] = useState<File[]>([]);
  const [targets, setTargets] = useState<File[]>([]);
  useEffect(() => void load(), [load]);
  return (
    <section data-testid="eval-sets">
      <h3>Your evaluation photos</h3>
      <p className="hint">
        Weather photos and their clean versions with the same file names (rain/001.png with clean/001.jpg), kept in this browser at most 512 px a side. The
        teacher and each student here are scored on them: PSNR and SSIM on RGB and on Y, per image and on average.
      </p>
      <div className="eval-set-form">
        <label className="field">
          Name
          <input value={name} onChange={(e) => setName(e.target.value)} data-testid="eval-set-name" />
        </label>
        <label className="secondary button-like">
          Degraded photos ({inputs.length})
          <input type="file" accept="image/*" multiple hidden data-testid="eval-set-inputs" onChange={(e) => setInputs([...(e.target.files ?? [])])} />
        </label>{' '}
        <label className="secondary button-like">
          Clean photos ({targets.length})
          <input type="file" accept="image/*" multiple hidden data-testid="eval-set-targets" onChange={(e) => setTargets([...(e.target.files ?? [])])} />
        </label>{' '}
        <button className="secondary" data-testid="eval-set-add" onClick={() => void add(name, inputs, targets)}>
          Add the set
        </button>
      </div>
      {error && (
        <p className="error" role="alert" data-testid="eval-set-error">
          {error}
        </p>
      )}
      {busy && <p role="status">{busy}</p>}
      {sets.map((s) => {
        const rows = models.map((m) => ({ m, r: scores[s.name]?.[m.id] })).filter((x) => x.r);
        const input = rows[0]?.r?.input;
        return (
          <div key={s.name} data-testid={`eval-set-${s.name}`}>
            <p>
              <strong>{s.name}</strong> · {s.count} pairs{' '}
              <button className="secondary" data-testid="eval-set-score" disabled={!!busy || !models.length} onClick={() => void score(s.name, models)}>
                Score {models.length} model{models.length === 1 ? '' : 's'}
              </button>{' '}
              <button className="linkbutton" onClick={() => void remove(s.name)}>
                delete
              </button>
            </p>
            {rows.length > 0 && (
              <div className="table-scroll">
                <table className="scores" data-testid="eval-set-table">
                  <thead>
                    <tr>
                      <th>model</th>
                      <th>PSNR</th>
                      <th>SSIM</th>
                      <th>PSNR Y</th>
                      <th>SSIM Y</th>
                      <th>per image (PSNR)</th>
                    </tr>
                  </thead>
                  <tbody>
                    {input && (
                      <tr>
                        <td>
                          <em>input (degraded)</em>
                        </td>
                        <td>{f2(input.psnr)}</td>
                        <td>{input.ssim.toFixed(4)}</td>
                        <td>{f2(input.psnr_y)}</td>
                        <td>{input.ssim_y.toFixed(4)}</td>
                        <td>{rows[0].r!.images.map((i) => `${i.name} ${f2(i.input.psnr)}`).join(', ')}</td>
                      </tr>
                    )}
                    {rows.map(({ m, r }) => (
                      <tr key={m.id}>
                        <td>{m.label}</td>
                        <td>{f2(r!.output.psnr)}</td>
                        <td>{r!.output.ssim.toFixed(4)}</td>
                        <td>{f2(r!.output.psnr_y)}</td>
                        <td>{r!.output.ssim_y.toFixed(4)}</td>
                        <td>{r!.images.map((i) => `${i.name} ${f2(i.output.psnr)}`).join(', ')}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            )}
          </div>
        );
      })}
    </section>
  );
}
