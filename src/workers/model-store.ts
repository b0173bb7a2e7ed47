// Models kept in the browser: the shipped teacher (a static file of this site) and restorers
// trained or loaded by the user (IndexedDB, so they survive a reload). Used by the page, which
// lists them, and by workers, which load them; no tfjs here.
import { createStore, del, entries, get, set } from 'idb-keyval';
import { SHIPPED_MODELS, shippedModel, shippedModelPath } from '../core/models/shipped';

export interface StoredModelInfo {
  id: string;
  label: string;
  kind: 'shipped' | 'trained' | 'uploaded';
  /** Preset name or 'custom'. */
  preset: string;
  params?: number;
  flopsPerPixel?: number;
  createdAt: number;
}

export interface StoredRestorer {
  info: StoredModelInfo;
  modelJson: object;
  weights: ArrayBuffer;
}

/** The models shipped with the site (core/models/shipped.ts), as the model list shows them. */
export const SHIPPED: readonly StoredModelInfo[] = SHIPPED_MODELS.map((m) => ({ id: m.id, label: m.label, kind: 'shipped', preset: m.preset, createdAt: 0 }));

const store = () => createStore('weatherkd-models', 'models');

/** Every model the user has trained or loaded, newest first. */
export async function listStoredModels(): Promise<StoredModelInfo[]> {
  const all = await entries<string, StoredRestorer>(store());
  return all.map(([, m]) => m.info).sort((a, b) => b.createdAt - a.createdAt);
}

export function putStoredModel(model: StoredRestorer): Promise<void> {
  return set(model.info.id, model, store());
}

export function deleteStoredModel(id: string): Promise<void> {
  return del(id, store());
}

async function fetchOk(url: string): Promise<Response> {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`Could not load ${url} (HTTP ${res.status}).`);
  return res;
}

/** The files of a model, from this site (the shipped teacher) or from IndexedDB. */
export async function readModelFiles(id: string, baseUrl: string): Promise<{ modelJson: object; weights: ArrayBuffer }> {
  if (shippedModel(id)) {
    const dir = baseUrl + shippedModelPath(id);
    const modelJson = (await (await fetchOk(`${dir}model.json`)).json()) as { weightsManifest?: { paths: string[] }[] };
    const paths = modelJson.weightsManifest?.flatMap((g) => g.paths) ?? [];
    const parts = await Promise.all(paths.map(async (p) => (await fetchOk(dir + p)).arrayBuffer()));
    const weights = new Uint8Array(parts.reduce((n, b) => n + b.byteLength, 0));
    let offset = 0;
    for (const b of parts) {
      weights.set(new Uint8Array(b), offset);
      offset += b.byteLength;
    }
    return { modelJson, weights: weights.buffer };
  }
  const stored = await get<StoredRestorer>(id, store());
  if (!stored) throw new Error(`Model "${id}" is no longer stored in this browser.`);
  return stored;
}
