// Queue a sweep (several methods and/or seeds at the form's budget) and follow it as a whole.
import { useEffect, useState } from 'react';
import type { MethodCatalogItem } from '../../core/methods/registry';
import { inputFromParams } from '../../core/run/config';
import { formatDuration } from '../../core/format';
import { useDistillForm } from '../../state/distill-form';
import { useRunsStore } from '../../state/runs';
import { sweepProgress, useSweepStore } from '../../state/sweep';

export function SweepPanel({ catalog, teacherId, busy }: { catalog: MethodCatalogItem[]; teacherId: string; busy: boolean }) {
  const form = useDistillForm();
  const { sweep, running, halted, queue, drive, cancel } = useSweepStore();
  const runs = useRunsStore((s) => s.runs);
  const loaded = useRunsStore((s) => s.loaded);
  const [methods, setMethods] = useState<string[]>([form.method]);
  const [seeds, setSeeds] = useState('1,2');
  const [error, setError] = useState<string | null>(null);
  // A sweep left by a reload goes on once the runs are loaded (its interrupted run continues from its checkpoint).
  useEffect(() => {
    if (loaded && useSweepStore.getState().sweep) void useSweepStore.getState().drive();
  }, [loaded]);

  const parsedSeeds = seeds
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map(Number);
  const badSeed = parsedSeeds.find((s) => !Number.isInteger(s) || s < 0);
  const count = methods.length * parsedSeeds.length;

  function onQueue() {
    if (badSeed !== undefined || !parsedSeeds.length) return setError(`Seeds are whole numbers separated by commas, e.g. 1,2,3.`);
    setError(null);
    const items = methods.flatMap((m) =>
      parsedSeeds.map((seed) => {
        const label = catalog.find((c) => c.id === m)?.label ?? m;
        return {
          input: { ...inputFromParams({ ...form.values, seed }), method: m, methodOptions: form.methodOptions[m] ?? {} },
          label: `${label}, seed ${seed} (sweep)`,
        };
      }),
    );
    void queue(items, form.preset, teacherId);
  }

  if (sweep) {
    const p = sweepProgress(sweep, runs);
    const current = p.current === null ? null : sweep.items[p.current];
    return (
      <fieldset className="pools" data-testid="sweep-progress">
        <legend>Sweep</legend>
        <p>
          Run {Math.min(p.done + 1, p.total)} of {p.total}
          {current && `: ${current.label}`}
          {p.secondsLeft !== null && `, about ${formatDuration(p.secondsLeft)} left`}. It opens in the Compare view when it ends.
        </p>
        {halted && (
          <p className="warning" role="status">
            {halted}{' '}
            <button className="secondary" disabled={busy} onClick={() => void drive(true)}>
              Continue the sweep
            </button>
          </p>
        )}
        {!running && !halted && <p className="hint">Waiting for the runs to load…</p>}
        <button className="secondary" onClick={cancel} title="The runs made so far stay">
          Cancel the sweep
        </button>
      </fieldset>
    );
  }
  return (
    <details className="more-settings" data-testid="sweep-form">
      <summary>Queue a sweep</summary>
      <p className="hint">Several methods and/or seeds at this budget and these settings, one after another. A reload does not lose it.</p>
      <div className="sweep-methods">
        {catalog.map((m) => (
          <label key={m.id}>
            <input
              type="checkbox"
              checked={methods.includes(m.id)}
              onChange={(e) => setMethods(e.target.checked ? [...methods, m.id] : methods.filter((x) => x !== m.id))}
              data-testid={`sweep-method-${m.id}`}
            />{' '}
            {m.id}
          </label>
        ))}
      </div>
      <label className="field">
        Seeds
        <input value={seeds} onChange={(e) => setSeeds(e.target.value)} data-testid="sweep-seeds" />
      </label>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      <button className="secondary" data-testid="sweep-start" disabled={busy || count === 0} onClick={onQueue}>
        Queue {count} run{count === 1 ? '' : 's'}
      </button>
    </details>
  );
}
