// Photos the user adds to the unpaired "web" pools (D4IR) and their own training pairs (degraded
// and clean photos paired by file stem: scratch, KD, DCKD, SLKD, TripleD), in IndexedDB: the page writes them, the
// distillation worker reads them when a run starts. Stored as 8-bit RGB at most POOL_MAX_SIDE px
// on a side: the pools feed 64 px crops, and a hundred photos stay a few megabytes.

import { createStore, del, entries, set } from 'idb-keyval';
import { toBytes, type RGBImage } from '../core/data/image';
import type { UserPools } from '../core/run/data';
import type { UserPair } from '../core/data/train-set';

export type PoolKind = 'clean' | 'degraded' | 'pair-input' | 'pair-target';
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

const float = (p: PoolPhoto): RGBImage => ({ width: p.width, height: p.height, data: Float32Array.from(p.rgb, (v) => v / 255) });

/** A file name without its extension: what pairs a degraded photo with its clean one. */
export const stemOf = (name: string): string => name.replace(/\.[^.]*$/, '');

/** The stems with both a degraded and a clean photo, and the names of photos with no partner. */
export function matchPairs<P extends Pick<PoolPhoto, 'kind' | 'name'>>(photos: readonly P[]): { pairs: [P, P][]; unmatched: string[] } {
  const inputs = new Map(photos.filter((p) => p.kind === 'pair-input').map((p) => [stemOf(p.name), p]));
  const targets = new Map(photos.filter((p) => p.kind === 'pair-target').map((p) => [stemOf(p.name), p]));
  const pairs = [...inputs].filter(([stem]) => targets.has(stem)).map(([stem, p]) => [p, targets.get(stem)!] as [P, P]);
  const unmatched = [...inputs, ...targets].filter(([stem]) => !(inputs.has(stem) && targets.has(stem))).map(([, p]) => p.name);
  return { pairs, unmatched };
}

/** The user's training pairs, as a run uses them; empty when none are matched. */
export async function readUserPairs(): Promise<UserPair[]> {
  return matchPairs(await listPoolPhotos()).pairs.map(([i, t]) => ({ stem: stemOf(i.name), input: float(i), target: float(t) }));
}

/** The pools as a run uses them (float RGB). */
export async function readUserPools(): Promise<UserPools> {
  const photos = await listPoolPhotos();
  return { clean: photos.filter((p) => p.kind === 'clean').map(float), degraded: photos.filter((p) => p.kind === 'degraded').map(float) };
}
