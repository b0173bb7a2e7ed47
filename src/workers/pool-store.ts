// Photos the user adds to the unpaired "web" pools (D4IR), in IndexedDB: the page writes them, the
// distillation worker reads them when a run starts. Stored as 8-bit RGB at most POOL_MAX_SIDE px
// on a side: the pools feed 64 px crops, and a hundred photos stay a few megabytes.

import { createStore, del, entries, set } from 'idb-keyval';
import { toBytes, type RGBImage } from '../core/data/image';
import type { UserPools } from '../core/run/data';

export type PoolKind = 'clean' | 'degraded';
export const POOL_MAX_SIDE = 256;
export const POOL_MAX_PHOTOS = 200;

export interface PoolPhoto {
  id: string;
  kind: PoolKind;
  name: string;
  width: number;
  height: number;
  /** width * height * 3 bytes. */
  rgb: Uint8Array;
}

const store = () => createStore('weatherkd-pools', 'photos');

export async function listPoolPhotos(): Promise<PoolPhoto[]> {
  const all = await entries<string, PoolPhoto>(store());
  return all.map(([, p]) => p).sort((a, b) => a.id.localeCompare(b.id));
}

export function toPoolPhoto(kind: PoolKind, name: string, img: RGBImage): PoolPhoto {
  const rgb = toBytes(img);
  return { id: `${kind}:${Date.now().toString(36)}:${Math.random().toString(36).slice(2, 8)}`, kind, name, width: img.width, height: img.height, rgb };
}

export const putPoolPhoto = (p: PoolPhoto) => set(p.id, p, store());
export const deletePoolPhoto = (id: string) => del(id, store());

/** The pools as a run uses them (float RGB). */
export async function readUserPools(): Promise<UserPools> {
  const photos = await listPoolPhotos();
  const float = (p: PoolPhoto): RGBImage => ({ width: p.width, height: p.height, data: Float32Array.from(p.rgb, (v) => v / 255) });
  return { clean: photos.filter((p) => p.kind === 'clean').map(float), degraded: photos.filter((p) => p.kind === 'degraded').map(float) };
}
