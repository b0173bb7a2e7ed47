import { startWorker, type WorkerHandle } from './client';
import type { DistillApi } from './distill.worker';

let handle: WorkerHandle<DistillApi> | null = null;

/** The page's distillation worker, started on first use and replaced after a crash. */
export function distillWorker(): WorkerHandle<DistillApi> {
  handle ??= startWorker<DistillApi>('distill', new Worker(new URL('./distill.worker.ts', import.meta.url), { type: 'module', name: 'distill' }));
  return handle;
}

export function resetDistillWorker(): void {
  handle?.terminate();
  handle = null;
}
