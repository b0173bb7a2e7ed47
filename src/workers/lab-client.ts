import { workerSlot } from './client';
import type { LabApi } from './lab.worker';

/** The page's lab worker, started on first use and afresh after a crash. */
// Vite bundles a worker only from this literal `new Worker(new URL(...))` form.
export const labWorker = workerSlot<LabApi>('lab', () => new Worker(new URL('./lab.worker.ts', import.meta.url), { type: 'module', name: 'lab' }));
