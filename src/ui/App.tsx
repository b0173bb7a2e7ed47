import { useEffect } from 'react';
import { BackendNotice, BackendStatus } from './BackendStatus';
import { DataView } from './DataView';
import { backendOverride, useBackendStore } from '../state/backend';
import { labWorker } from '../workers/lab-client';
import { guarded } from '../workers/client';

function useBackends() {
  const { setPage, setWorker, setError } = useBackendStore();
  useEffect(() => {
    const override = backendOverride();
    let alive = true;
    // The page's own backend (used only for light work such as previews); loaded lazily so
    // the first paint does not wait for TensorFlow.js.
    import('../workers/backend-init')
      .then(({ initBackend }) => initBackend(override))
      .then((r) => alive && setPage(r))
      .catch((e) => alive && setError(`Page backend: ${String(e)}`));
    const lab = labWorker();
    guarded(lab, lab.api.init(override))
      .then((r) => alive && setWorker('lab', r))
      .catch((e) => alive && setError(`Lab worker: ${e instanceof Error ? e.message : String(e)}`));
    return () => {
      alive = false;
    };
  }, [setPage, setWorker, setError]);
}

export function App() {
  useBackends();
  return (
    <>
      <header className="top">
        <h1>
          WeatherKD Playground <span>· knowledge distillation for weather restoration</span>
        </h1>
        <nav className="tabs" role="tablist">
          <button role="tab" aria-selected="true">
            Data
          </button>
        </nav>
        <div className="spacer" />
        <BackendStatus />
      </header>
      <BackendNotice />
      <main>
        <DataView />
      </main>
    </>
  );
}
