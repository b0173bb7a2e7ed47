// The Distill view: the form on the left, the selected run and the runs list on the right.
// Its parts live in ui/distill/; what the charts plot is computed in state/charts.ts.
import { useEffect, useState } from 'react';
import type { MethodCatalogItem } from '../core/methods/registry';
import { useRunsStore } from '../state/runs';
import { guarded } from '../workers/client';
import { distillWorker } from '../workers/distill-client';
import { RunForm } from './distill/RunForm';
import { RunMonitor } from './distill/RunMonitor';
import { RunsList } from './distill/RunsList';

function useCatalog(): { catalog: MethodCatalogItem[] | null; error: string | null } {
  const [state, setState] = useState<{ catalog: MethodCatalogItem[] | null; error: string | null }>({ catalog: null, error: null });
  useEffect(() => {
    const w = distillWorker();
    guarded(w, w.api.catalog()).then(
      (catalog) => setState({ catalog, error: null }),
      (e) => setState({ catalog: null, error: String(e) }),
    );
  }, []);
  return state;
}

export function DistillView() {
  const { catalog, error } = useCatalog();
  const { runs, selected, load, loaded, storageError } = useRunsStore();
  useEffect(() => {
    if (!loaded) void load();
  }, [load, loaded]);
  const run = runs.find((r) => r.id === selected) ?? runs[0];
  return (
    <section className="view" aria-label="Distill">
      <div>{catalog ? <RunForm catalog={catalog} /> : <div className="panel">{error ? <p className="error">{error}</p> : 'Loading methods…'}</div>}</div>
      <div>
        {storageError && (
          <p className="error" role="alert" data-testid="storage-error">
            {storageError}
          </p>
        )}
        {run ? <RunMonitor run={run} /> : <div className="panel hint">Start a run: its losses, scores and images appear here as the student learns.</div>}
        <RunsList />
      </div>
    </section>
  );
}
