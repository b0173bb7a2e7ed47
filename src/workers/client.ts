// Starts workers, wraps them with Comlink, and turns a crashed worker into one clear error.
import * as Comlink from 'comlink';

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
