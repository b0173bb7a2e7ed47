// Photos the user adds to the unpaired web pools of methods that learn from them (D4IR).
import { useEffect } from 'react';
import { usePoolsStore } from '../../state/pools';

const POOL_TEXT: Record<'clean' | 'degraded', { title: string; help: string }> = {
  degraded: {
    title: 'Degraded web pool',
    help: 'weather photos, no clean versions or labels needed: the prompt adapter and the diffusion model learn from them',
  },
  clean: { title: 'Clean web pool', help: 'clear photos: synthesis turns them into weather images' },
};

/** The unpaired web pools: synthetic by default; the user's photos join them, half of each batch. */
export function WebPools() {
  const { photos, error, load, add, clear } = usePoolsStore();
  useEffect(() => void load(), [load]);
  return (
    <fieldset className="pools" data-testid="web-pools">
      <legend>Web pools</legend>
      <p className="hint">
        Synthetic photos of every weather type by default. Add your own and about half of each batch comes from them. They stay in this browser.
      </p>
      {(['degraded', 'clean'] as const).map((kind) => {
        const mine = photos.filter((p) => p.kind === kind);
        return (
          <div key={kind} className="pool">
            <strong>{POOL_TEXT[kind].title}</strong>: {POOL_TEXT[kind].help}. Your photos: <span data-testid={`pool-${kind}-count`}>{mine.length}</span>.
            <div>
              <label className="secondary button-like">
                Add photos
                <input
                  type="file"
                  accept="image/*"
                  multiple
                  hidden
                  data-testid={`pool-${kind}-input`}
                  onChange={(e) => {
                    void add(kind, [...(e.target.files ?? [])]);
                    e.target.value = '';
                  }}
                />
              </label>{' '}
              {mine.length > 0 && (
                <button className="secondary" onClick={() => void clear(kind)}>
                  Remove mine
                </button>
              )}
            </div>
          </div>
        );
      })}
      {error && (
        <p className="error" role="alert" data-testid="pool-error">
          {error}
        </p>
      )}
    </fieldset>
  );
}
