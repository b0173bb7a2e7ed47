import type { Remote } from 'comlink';
import { workerSlot } from './client';
import type { DistillApi } from './distill.worker';

export type DistillWorkerApi = Remote<DistillApi>;

/** The page's distill worker, started on first use and afresh after a crash. */
// Vite bundles a worker only from this literal `new Worker(new URL(...))` form.
export const distillWorker = workerSlot<DistillApi>(
  'distill',
  () => new Worker(new URL('./distill.worker.ts', import.meta.url), { type: 'module', name: 'distill' }),
);
