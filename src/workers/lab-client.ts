import { startWorker, type WorkerHandle } from './client';
import type { LabApi } from './lab.worker';

let lab: WorkerHandle<LabApi> | null = null;

/** The page's one lab worker, started on first use. */
export function labWorker(): WorkerHandle<LabApi> {
  lab ??= startWorker<LabApi>('lab', new Worker(new URL('./lab.worker.ts', import.meta.url), { type: 'module', name: 'lab' }));
  return lab;
}
