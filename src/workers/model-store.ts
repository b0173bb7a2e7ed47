// Models kept in the browser: the shipped teacher (a static file of this site) and restorers
// trained or loaded by the user (IndexedDB, so they survive a reload). Used by the page, which
// lists them, and by workers, which load them; no tfjs here.
import { createStore, del, entries, get, set } from 'idb-keyval';

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

export interface StoredModel {
  info: StoredModelInfo;
  modelJson: object;
  weights: ArrayBuffer;
}

export const SHIPPED_TEACHER: StoredModelInfo = {
  id: 'teacher',
  label: 'Teacher (shipped)',
  kind: 'shipped',
  preset: 'teacher',
  createdAt: 0,
};

const store = () => createStore('weatherkd-models', 'models');

/** Every model the user has trained or loaded, newest first. */
export async function listStoredModels(): Promise<StoredModelInfo[]> {
  const all = await entries<string, StoredModel>(store());
  return all.map(([, m]) => m.info).sort((a, b) => b.createdAt - a.createdAt);
}

export function putStoredModel(model: StoredModel): Promise<void> {
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
  if (id === SHIPPED_TEACHER.id) {
    const dir = `${baseUrl}models/teacher/`;
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
  const stored = await get<StoredModel>(id, store());
  if (!stored) throw new Error(`Model "${id}" is no longer stored in this browser.`);
  return stored;
}
