// Starts workers, wraps them with Comlink, and turns a crashed worker into one clear error.
import * as Comlink from 'comlink';
import type { BackendReport } from '../core/backend/select';
import { backendRequest, type BackendRequest } from '../state/backend';

export interface WorkerHandle<T> {
  api: Comlink.Remote<T>;
  /** Rejects when the worker dies (script error, out of memory): race it against long calls. */
  crashed: Promise<never>;
  terminate(): void;
}

export function startWorker<T>(name: string, worker: Worker): WorkerHandle<T> {
  const crashed = new Promise<never>((_, reject) => {
    worker.addEventListener('error', (e) => {
      e.preventDefault();
      reject(new Error(`The ${name} worker crashed${e.message ? `: ${e.message}` : ''}.`));
    });
    worker.addEventListener('messageerror', () => reject(new Error(`The ${name} worker sent a message that could not be read.`)));
  });
  crashed.catch(() => undefined); // observed by callers that race it; never an unhandled rejection
  return { api: Comlink.wrap<T>(worker), crashed, terminate: () => worker.terminate() };
}

/** Runs a worker call, failing fast if the worker dies meanwhile. */
export function guarded<R>(handle: WorkerHandle<unknown>, call: Promise<R>): Promise<R> {
  return Promise.race([call, handle.crashed]);
}

/** What every worker of the page answers: start your backend (honouring ?backend=). */
export interface BackendWorker {
  init(request: BackendRequest): Promise<BackendReport>;
}

export type StartedWorker<T> = WorkerHandle<T> & { ready: Promise<BackendReport> };

/** A lazily started worker of a kind; `restart()` ends it so the next call starts a fresh one. */
export type WorkerSlot<T> = (() => StartedWorker<T>) & { restart(): void };

/**
 * One lazily started worker of a kind: started (and its backend initialised) on first use, and
 * afresh after a crash, so a crashed worker costs one failed call, not the session.
 */
export function workerSlot<T extends BackendWorker>(name: string, create: () => Worker): WorkerSlot<T> {
  let handle: StartedWorker<T> | null = null;
  const slot = () => {
    if (!handle) {
      const started = startWorker<T>(name, create());
      const h: StartedWorker<T> = { ...started, ready: guarded(started, started.api.init(backendRequest()) as Promise<BackendReport>) };
      h.ready.catch(() => undefined);
      h.crashed.catch(() => {
        h.terminate();
        if (handle === h) handle = null;
      });
      handle = h;
    }
    return handle;
  };
  return Object.assign(slot, {
    restart() {
      handle?.terminate();
      handle = null;
    },
  });
}
