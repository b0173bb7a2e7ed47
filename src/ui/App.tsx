import { useEffect, useState } from 'react';
import { BackendNotice, BackendStatus } from './BackendStatus';
import { DataView } from './DataView';
import { RestoreView } from './RestoreView';
import { DistillView } from './DistillView';
import { CompareView } from './CompareView';
import { HomeView, openLesson } from './HomeView';
import { distillWorker } from '../workers/distill-client';
import { useBackendStore } from '../state/backend';
import { labWorker } from '../workers/lab-client';
import { restoreWorker } from '../workers/restore-client';
import { usePresenter } from '../state/presenter';

const TABS = [
  { id: 'home', label: 'Home', view: HomeView },
  { id: 'data', label: 'Data', view: DataView },
  { id: 'distill', label: 'Distill', view: DistillView },
  { id: 'compare', label: 'Compare', view: CompareView },
  { id: 'restore', label: 'Restore', view: RestoreView },
] as const;
type TabId = (typeof TABS)[number]['id'];

// TensorFlow.js runs in the workers only: the page never loads it, so that its first paint and its
// main thread do not wait on parsing it, and its WASM threads leave the cores to the workers.
const WORKERS = { lab: labWorker, restore: restoreWorker, distill: distillWorker };

/** Starts every worker (main.tsx calls it before the first render, so they load while the page renders). */
export function startWorkers(): void {
  for (const slot of Object.values(WORKERS)) slot();
}

function useBackends() {
  const { setWorker, setError } = useBackendStore();
  useEffect(() => {
    let alive = true;
    const fail = (where: string) => (e: unknown) => alive && setError(`${where}: ${e instanceof Error ? e.message : String(e)}`);
    for (const [name, slot] of Object.entries(WORKERS)) {
      slot()
        .ready.then((r) => alive && setWorker(name, r))
        .catch(fail(`${name} worker`));
    }
    return () => {
      alive = false;
    };
  }, [setWorker, setError]);
}

/** The open tab lives in the URL hash, so a reload or a shared link opens the same view. */
function useTab(): [TabId, (t: TabId) => void] {
  // "#distill?method=..." is a share link into the Distill view (core/run/share.ts).
  const read = () => (TABS.find((t) => `#${t.id}` === location.hash.split('?')[0])?.id ?? 'home') as TabId;
  const [tab, setTab] = useState<TabId>(read);
  useEffect(() => {
    // "#lesson/N" starts lesson N; its steps then open their own views.
    const lessonLink = () => {
      const n = /^#lesson\/(\d+)$/.exec(location.hash)?.[1];
      if (n) openLesson(Number(n) - 1);
    };
    lessonLink();
    const onHash = () => {
      lessonLink();
      setTab(read());
    };
    window.addEventListener('hashchange', onHash);
    return () => window.removeEventListener('hashchange', onHash);
  }, []);
  return [tab, (t) => (location.hash = t)];
}

export function App() {
  useBackends();
  const [tab, setTab] = useTab();
  const presenter = usePresenter();
  useEffect(() => {
    document.documentElement.classList.toggle('presenter', presenter.on);
  }, [presenter.on]);
  // The ARIA tab pattern: arrow keys move between tabs, Home and End jump to the ends.
  const onTabKey = (e: React.KeyboardEvent) => {
    const i = TABS.findIndex((t) => t.id === tab);
    const next = { ArrowRight: i + 1, ArrowLeft: i - 1, Home: 0, End: TABS.length - 1 }[e.key];
    if (next === undefined) return;
    e.preventDefault();
    const t = TABS[(next + TABS.length) % TABS.length].id;
    setTab(t);
    document.getElementById(`tab-${t}`)?.focus();
  };
  return (
    <>
      <header className="top">
        <h1>
          WeatherKD Playground <span>· knowledge distillation for weather restoration</span>
        </h1>
        <nav className="tabs" role="tablist" aria-label="Views" onKeyDown={onTabKey}>
          {TABS.map((t) => (
            <button
              key={t.id}
              id={`tab-${t.id}`}
              role="tab"
              aria-selected={tab === t.id}
              aria-controls={`view-${t.id}`}
              tabIndex={tab === t.id ? 0 : -1}
              data-testid={`tab-${t.id}`}
              onClick={() => setTab(t.id)}
            >
              {t.label}
            </button>
          ))}
        </nav>
        <div className="spacer" />
        <button
          type="button"
          className="secondary presenter-toggle"
          aria-pressed={presenter.on}
          onClick={presenter.toggle}
          title="Larger type, charts and images, for a projector"
          data-testid="presenter-toggle"
        >
          Presenter
        </button>
        <BackendStatus />
      </header>
      <BackendNotice />
      <main>
        {TABS.map(({ id, view: View }) => (
          // Views stay mounted so a running restore or a slider position survives a tab switch.
          <div key={id} id={`view-${id}`} role="tabpanel" aria-labelledby={`tab-${id}`} hidden={tab !== id}>
            <View />
          </div>
        ))}
      </main>
    </>
  );
}
