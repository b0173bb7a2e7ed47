// The restore worker: decodes a photo, restores it tile by tile with the chosen model, and sends
// back 8-bit pixels. One job at a time; a cancel takes effect between tiles.
import * as Comlink from 'comlink';
import type { BackendRequest } from '../state/backend';
import { backendReady, initBackend } from './backend-init';
import { decodeToRGB } from './decode-image';
import { fromRgba, toRgba } from '../core/data/image';
import { readModelFiles } from './model-store';
import { deserializeRestorer } from '../core/models/io';
import type { Restorer } from '../core/models/restorer';
import { restoreImage } from '../core/inference/restore';
import { restorerComplexity } from '../core/models/complexity';
import { scorePair, summarize, type EvalSummary } from '../core/inference/evaluate';
import { getEvalSet } from './eval-set-store';
import { scoreImages } from '../core/metrics/image-metrics';
import type { ImageScores } from '../core/metrics/common';

export interface RestoreResult {
  width: number;
  height: number;
  rgba: Uint8ClampedArray<ArrayBuffer>;
  millis: number;
  backend: string;
  /** The photo's own size when it was shrunk to fit the pixel limit. */
  downscaledFrom?: { width: number; height: number };
}

export interface ModelDescription {
  id: string;
  preset: string;
  params: number;
  flopsPerPixel: number;
}

// Loaded models stay in memory: loading the teacher costs a fetch and a graph build.
const loaded = new Map<string, Promise<Restorer>>();
const jobs = new Map<string, AbortController>();

function loadModel(id: string): Promise<Restorer> {
  let model = loaded.get(id);
  if (!model) {
    model = (async () => {
      await backendReady();
      const files = await readModelFiles(id, import.meta.env.BASE_URL);
      return deserializeRestorer(files.modelJson, files.weights);
    })();
    model.catch(() => loaded.delete(id)); // a failed load may succeed later (e.g. after a retrain)
    loaded.set(id, model);
  }
  return model;
}

const api = {
  init: (request: BackendRequest) => initBackend(request),

  async describeModel(id: string): Promise<ModelDescription> {
    const r = await loadModel(id);
    const c = restorerComplexity(r.config);
    return { id, preset: r.preset ?? 'custom', params: c.params, flopsPerPixel: c.flopsPerPixel };
  },

  /** Checks an uploaded model before it is stored: it must build and match its own description. */
  async checkModelFiles(modelJson: object, weights: ArrayBuffer): Promise<Omit<ModelDescription, 'id'>> {
    await backendReady();
    const r = await deserializeRestorer(modelJson, weights);
    try {
      const c = restorerComplexity(r.config);
      return { preset: r.preset ?? 'custom', params: c.params, flopsPerPixel: c.flopsPerPixel };
    } finally {
      r.dispose();
    }
  },

  /** Forget a cached model (after it was deleted or replaced). */
  evict(id: string): void {
    const m = loaded.get(id);
    loaded.delete(id);
    m?.then((r) => r.dispose()).catch(() => undefined);
  },

  /** Restores one photo; `downscale` shrinks one over the pixel limit to fit it instead of refusing it. */
  async restore(
    jobId: string,
    file: Blob,
    name: string,
    modelId: string,
    onProgress: (done: number, total: number) => void,
    downscale = false,
  ): Promise<RestoreResult> {
    const controller = new AbortController();
    jobs.set(jobId, controller);
    try {
      const report = await backendReady();
      const [image, restorer] = await Promise.all([decodeToRGB(file, name, { downscale }), loadModel(modelId)]);
      const t0 = performance.now();
      const out = await restoreImage(restorer, image, { signal: controller.signal, onProgress });
      const rgba = toRgba(out);
      const shrunk = image.original.width !== image.width;
      const result = {
        width: out.width,
        height: out.height,
        rgba,
        millis: performance.now() - t0,
        backend: report.backend,
        ...(shrunk ? { downscaledFrom: image.original } : {}),
      };
      return Comlink.transfer(result, [rgba.buffer]);
    } finally {
      jobs.delete(jobId);
    }
  },

  /** Scores a model on one of the user's evaluation sets (eval-set-store.ts): per image and the mean. */
  async scoreEvalSet(setName: string, modelId: string, onProgress: (done: number, total: number) => void | Promise<void>): Promise<EvalSummary> {
    await backendReady();
    const [set, restorer] = await Promise.all([getEvalSet(setName), loadModel(modelId)]);
    if (!set) throw new Error(`The evaluation set "${setName}" is no longer stored in this browser.`);
    const float = (w: number, h: number, rgb: Uint8Array) => ({ width: w, height: h, data: Float32Array.from(rgb, (v) => v / 255) });
    const images = [];
    for (const [i, p] of set.pairs.entries()) {
      images.push(await scorePair(restorer, p.stem, float(p.width, p.height, p.input), float(p.width, p.height, p.target)));
      // Awaited: the callback's messages travel on their own port, so a last one not waited for
      // could reach the page after the result (and leave the page showing "scoring…").
      await onProgress(i + 1, set.pairs.length);
    }
    return summarize(images);
  },

  /**
   * Scores the upload and each restoration of it against the user's clean version of the photo
   * (decoded at the same size, shrunk the same way when the upload was downscaled).
   */
  async scoreAgainstClean(
    upload: Blob,
    clean: Blob,
    cleanName: string,
    restored: readonly { width: number; height: number; rgba: Uint8ClampedArray }[],
    downscale: boolean,
  ): Promise<{ input: ImageScores; restored: ImageScores[] }> {
    const [input, target] = await Promise.all([decodeToRGB(upload, 'the photo', { downscale }), decodeToRGB(clean, cleanName, { downscale })]);
    if (target.width !== input.width || target.height !== input.height) {
      throw new Error(
        `"${cleanName}" is ${target.original.width}×${target.original.height}, the photo ${input.original.width}×${input.original.height}: the clean version must have the same size.`,
      );
    }
    return { input: scoreImages(input, target), restored: restored.map((r) => scoreImages(fromRgba(r.width, r.height, r.rgba), target)) };
  },

  cancel(jobId: string): void {
    jobs.get(jobId)?.abort();
  },
};

export type RestoreApi = typeof api;
Comlink.expose(api);
