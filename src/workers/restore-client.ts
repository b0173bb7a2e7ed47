import { startWorker, type WorkerHandle } from './client';
import type { RestoreApi } from './restore.worker';

let handle: WorkerHandle<RestoreApi> | null = null;

/** The page's restore worker, started on first use and restarted after a crash. */
export function restoreWorker(): WorkerHandle<RestoreApi> {
  handle ??= startWorker<RestoreApi>('restore', new Worker(new URL('./restore.worker.ts', import.meta.url), { type: 'module', name: 'restore' }));
  return handle;
}

/** Drops a crashed worker so the next call starts a fresh one. */
export function resetRestoreWorker(): void {
  handle?.terminate();
  handle = null;
}
