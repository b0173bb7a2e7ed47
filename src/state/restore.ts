import { create } from 'zustand';
import { guarded } from '../workers/client';
import { restoreWorker } from '../workers/restore-client';
import type { RestoreResult } from '../workers/restore.worker';
import * as Comlink from 'comlink';
import type { ImageScores } from '../core/metrics/common';

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
  /** The same photo restored by a second model, shown beside the first. */
  second?: { modelId: string; status: PhotoStatus; result: RestoreResult | null; error: string | null };
  /** The user's clean version of the photo, and the scores against it of the upload and each restoration. */
  clean?: { name: string; scores: { input: ImageScores; restored: ImageScores[] } | null; error: string | null };
}

interface RestoreState {
  photos: Photo[];
  add(files: Blob[], names: string[], modelId: string): void;
  cancel(id: string): void;
  remove(id: string): void;
  retry(id: string, modelId: string): void;
  /** Restores a photo that was too large, shrunk to fit the limit. */
  downscale(id: string): void;
  /** Restores a done photo with a second model too, to show the two side by side. */
  restoreWith(id: string, modelId: string): void;
  /** Scores the photo and its restorations against the user's clean version of it. */
  setClean(id: string, file: Blob, name: string): Promise<void>;
}

let nextId = 1;

export const useRestoreStore = create<RestoreState>((set, get) => {
  const patch = (id: string, p: Partial<Photo>) => set((s) => ({ photos: s.photos.map((x) => (x.id === id ? { ...x, ...p } : x)) }));
  let running = false;

  // One restoration at a time, in upload order: the worker has one backend and memory for one big image.
  async function pump(): Promise<void> {
    if (running) return;
    const next = get().photos.find((p) => p.status === 'queued' || p.second?.status === 'queued');
    if (!next) return;
    const isSecond = next.status !== 'queued';
    const modelId = isSecond ? next.second!.modelId : next.modelId;
    const update = (p: Partial<Photo> & Partial<NonNullable<Photo['second']>>) =>
      isSecond ? patch(next.id, { second: { ...get().photos.find((x) => x.id === next.id)!.second!, ...p } }) : patch(next.id, p);
    running = true;
    update({ status: 'running', error: null });
    if (!isSecond) patch(next.id, { progress: { done: 0, total: 1 } });
    const worker = restoreWorker();
    try {
      // The clock starts at the first tile, after the model and the photo have loaded.
      let startedAt: number | undefined;
      const onProgress = Comlink.proxy((done: number, total: number) => {
        if (done === 0) startedAt = performance.now();
        patch(next.id, { progress: { done, total, startedAt } });
      });
      const result = await guarded(
        worker,
        worker.api.restore(isSecond ? `${next.id}-second` : next.id, next.file, next.name, modelId, onProgress, next.downscale ?? false),
      );
      update({ status: 'done', result });
      if (clean.has(next.id)) void score(next.id);
    } catch (e) {
      const err = e as Error;
      if (err?.name === 'AbortError') update({ status: 'cancelled' });
      else update({ status: 'error', error: err?.message ?? String(e), ...(isSecond ? {} : { tooLarge: err?.name === 'ImageTooLargeError' }) });
    } finally {
      running = false;
      void pump();
    }
  }

  // The clean versions the user gave (kept out of the photo records, which the UI renders).
  const clean = new Map<string, Blob>();
  async function score(id: string): Promise<void> {
    const p = get().photos.find((x) => x.id === id);
    const file = clean.get(id);
    if (!p?.result || !file || !p.clean) return;
    const restored = [p.result, ...(p.second?.result ? [p.second.result] : [])];
    const worker = restoreWorker();
    try {
      const scores = await guarded(worker, worker.api.scoreAgainstClean(p.file, file, p.clean.name, restored, p.downscale ?? false));
      patch(id, { clean: { name: p.clean.name, scores, error: null } });
    } catch (e) {
      patch(id, { clean: { name: p.clean.name, scores: null, error: e instanceof Error ? e.message : String(e) } });
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
      else if (p?.second?.status === 'queued') patch(id, { second: { ...p.second, status: 'cancelled' } });
      else if (p?.second?.status === 'running') void restoreWorker().api.cancel(`${id}-second`);
    },
    remove(id) {
      const p = get().photos.find((x) => x.id === id);
      if (!p) return;
      if (p.status === 'running') void restoreWorker().api.cancel(id);
      if (p.second?.status === 'running') void restoreWorker().api.cancel(`${id}-second`);
      clean.delete(id);
      URL.revokeObjectURL(p.url);
      set((s) => ({ photos: s.photos.filter((x) => x.id !== id) }));
    },
    retry(id, modelId) {
      patch(id, { status: 'queued', modelId, result: null, error: null, second: undefined });
      void pump();
    },
    restoreWith(id, modelId) {
      patch(id, { second: { modelId, status: 'queued', result: null, error: null } });
      void pump();
    },
    async setClean(id, file, name) {
      clean.set(id, file);
      patch(id, { clean: { name, scores: null, error: null } });
      await score(id);
    },
    downscale(id) {
      patch(id, { status: 'queued', downscale: true, tooLarge: false, result: null, error: null });
      void pump();
    },
  };
});
