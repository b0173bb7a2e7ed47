// The user's photos in D4IR's unpaired web pools, as the Distill form shows them. The photos live
// in IndexedDB (workers/pool-store.ts), so they survive a reload and the worker reads them itself.

import { create } from 'zustand';
import { decodeToRGB } from '../workers/decode-image';
import {
  deletePoolPhoto,
  listPoolPhotos,
  POOL_MAX_PHOTOS,
  POOL_MAX_SIDE,
  putPoolPhoto,
  toPoolPhoto,
  type PoolKind,
  type PoolPhoto,
} from '../workers/pool-store';

export type PoolPhotoInfo = Omit<PoolPhoto, 'rgb'>;

interface PoolsState {
  photos: PoolPhotoInfo[];
  error: string | null;
  load(): Promise<void>;
  add(kind: PoolKind, files: readonly File[]): Promise<void>;
  clear(kind: PoolKind): Promise<void>;
}

const info = ({ rgb: _rgb, ...rest }: PoolPhoto): PoolPhotoInfo => (void _rgb, rest);

export const usePoolsStore = create<PoolsState>((set, get) => ({
  photos: [],
  error: null,
  async load() {
    const photos = await listPoolPhotos().catch(() => []);
    set({ photos: photos.map(info) });
  },
  async add(kind, files) {
    const problems: string[] = [];
    for (const file of files) {
      if (get().photos.filter((p) => p.kind === kind).length >= POOL_MAX_PHOTOS) {
        problems.push(`At most ${POOL_MAX_PHOTOS} of your photos fit in one pool; "${file.name}" and the rest were not added.`);
        break;
      }
      try {
        const photo = toPoolPhoto(kind, file.name, await decodeToRGB(file, file.name, { maxSide: POOL_MAX_SIDE }));
        await putPoolPhoto(photo);
        set((s) => ({ photos: [...s.photos, info(photo)] }));
      } catch (e) {
        problems.push(e instanceof Error ? e.message : String(e));
      }
    }
    set({ error: problems.length ? problems.join(' ') : null });
  },
  async clear(kind) {
    const gone = get().photos.filter((p) => p.kind === kind);
    await Promise.all(gone.map((p) => deletePoolPhoto(p.id)));
    set((s) => ({ photos: s.photos.filter((p) => p.kind !== kind), error: null }));
  },
}));
