import { workerSlot } from './client';
import type { RestoreApi } from './restore.worker';

/** The page's restore worker, started on first use and afresh after a crash. */
// Vite bundles a worker only from this literal `new Worker(new URL(...))` form.
export const restoreWorker = workerSlot<RestoreApi>(
  'restore',
  () => new Worker(new URL('./restore.worker.ts', import.meta.url), { type: 'module', name: 'restore' }),
);
