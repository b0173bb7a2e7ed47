import { create } from 'zustand';
import { guarded } from '../workers/client';
import { restoreWorker } from '../workers/restore-client';
import type { RestoreResult } from '../workers/restore.worker';
import * as Comlink from 'comlink';

export type PhotoStatus = 'queued' | 'running' | 'done' | 'error' | 'cancelled';

export interface Photo {
  id: string;
  name: string;
  file: Blob;
  /** Object URL of the upload, for the "before" side. */
  url: string;
  modelId: string;
  status: PhotoStatus;
  /** Tiles done of total, and when the first tile started (for the time left). */
  progress: { done: number; total: number; startedAt?: number };
  result: RestoreResult | null;
  error: string | null;
  /** The photo is over the page's pixel limit: the card offers to downscale it. */
  tooLarge?: boolean;
  /** Restore it shrunk to just under the limit. */
  downscale?: boolean;
}

interface RestoreState {
  photos: Photo[];
  add(files: Blob[], names: string[], modelId: string): void;
  cancel(id: string): void;
  remove(id: string): void;
  retry(id: string, modelId: string): void;
  /** Restores a photo that was too large, shrunk to fit the limit. */
  downscale(id: string): void;
}

let nextId = 1;

export const useRestoreStore = create<RestoreState>((set, get) => {
  const patch = (id: string, p: Partial<Photo>) => set((s) => ({ photos: s.photos.map((x) => (x.id === id ? { ...x, ...p } : x)) }));
  let running = false;

  // One photo at a time, in upload order: the worker has one backend and memory for one big image.
  async function pump(): Promise<void> {
    if (running) return;
    const next = get().photos.find((p) => p.status === 'queued');
    if (!next) return;
    running = true;
    patch(next.id, { status: 'running', progress: { done: 0, total: 1 }, error: null });
    const worker = restoreWorker();
    try {
      // The clock starts at the first tile, after the model and the photo have loaded.
      let startedAt: number | undefined;
      const onProgress = Comlink.proxy((done: number, total: number) => {
        if (done === 0) startedAt = performance.now();
        patch(next.id, { progress: { done, total, startedAt } });
      });
      const result = await guarded(worker, worker.api.restore(next.id, next.file, next.name, next.modelId, onProgress, next.downscale ?? false));
      patch(next.id, { status: 'done', result });
    } catch (e) {
      const err = e as Error;
      if (err?.name === 'AbortError') patch(next.id, { status: 'cancelled' });
      else patch(next.id, { status: 'error', error: err?.message ?? String(e), tooLarge: err?.name === 'ImageTooLargeError' });
    } finally {
      running = false;
      void pump();
    }
  }

  return {
    photos: [],
    add(files, names, modelId) {
      const added = files.map((file, i) => ({
        id: `photo-${nextId++}`,
        name: names[i],
        file,
        url: URL.createObjectURL(file),
        modelId,
        status: 'queued' as const,
        progress: { done: 0, total: 1 },
        result: null,
        error: null,
      }));
      set((s) => ({ photos: [...added, ...s.photos] }));
      void pump();
    },
    cancel(id) {
      const p = get().photos.find((x) => x.id === id);
      if (p?.status === 'queued') patch(id, { status: 'cancelled' });
      else if (p?.status === 'running') void restoreWorker().api.cancel(id);
    },
    remove(id) {
      const p = get().photos.find((x) => x.id === id);
      if (!p) return;
      if (p.status === 'running') void restoreWorker().api.cancel(id);
      URL.revokeObjectURL(p.url);
      set((s) => ({ photos: s.photos.filter((x) => x.id !== id) }));
    },
    retry(id, modelId) {
      patch(id, { status: 'queued', modelId, result: null, error: null });
      void pump();
    },
    downscale(id) {
      patch(id, { status: 'queued', downscale: true, tooLarge: false, result: null, error: null });
      void pump();
    },
  };
});
