// The user's own training pairs for the methods that learn from pairs: degraded photos and their
// clean versions, paired by file name. They replace the synthetic pairs (TripleD condenses them).
import { useEffect } from 'react';
import { usePoolsStore } from '../../state/pools';
import { matchPairs } from '../../workers/pool-store';

const SIDES = [
  { kind: 'pair-input', label: 'Add degraded photos' },
  { kind: 'pair-target', label: 'Add clean photos' },
] as const;

export function TrainPairs() {
  const { photos, error, load, add, clear } = usePoolsStore();
  useEffect(() => void load(), [load]);
  const { pairs, unmatched } = matchPairs(photos);
  const mine = photos.some((p) => p.kind === 'pair-input' || p.kind === 'pair-target');
  return (
    <fieldset className="pools" data-testid="train-pairs">
      <legend>Training pairs</legend>
      <p className="hint">
        Synthetic pairs by default. Add weather photos and their clean versions with the same file names (rain/001.png with clean/001.jpg): this method then
        trains on your <span data-testid="train-pairs-count">{pairs.length}</span> pair(s) instead. They stay in this browser.
      </p>
      {unmatched.length > 0 && (
        <p className="hint" data-testid="train-pairs-unmatched">
          Without a partner (not used): {unmatched.slice(0, 5).join(', ')}
          {unmatched.length > 5 && ` and ${unmatched.length - 5} more`}.
        </p>
      )}
      <div>
        {SIDES.map(({ kind, label }) => (
          <label key={kind} className="secondary button-like">
            {label}
            <input
              type="file"
              accept="image/*"
              multiple
              hidden
              data-testid={`${kind}-input`}
              onChange={(e) => {
                void add(kind, [...(e.target.files ?? [])]);
                e.target.value = '';
              }}
            />
          </label>
        ))}{' '}
        {mine && (
          <button className="secondary" onClick={() => void Promise.all([clear('pair-input'), clear('pair-target')])}>
            Remove my pairs
          </button>
        )}
      </div>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
    </fieldset>
  );
}
