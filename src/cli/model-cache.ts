// The command line's ModelCache: one folder per key under the cache directory, holding meta.json
// (the model's description and weight specs) and weights.bin. Written to a temporary folder and
// renamed, so an interrupted save leaves no half-written entry.

import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { ModelCache } from '../core/methods/method';
import type { StoredModel } from '../core/models/param-set';

export function directoryModelCache(dir: string): ModelCache {
  const entry = (key: string) => path.join(dir, key.replace(/[^a-zA-Z0-9._-]/g, '_'));
  return {
    async load(key) {
      let metaText: string;
      try {
        metaText = await readFile(path.join(entry(key), 'meta.json'), 'utf8');
      } catch {
        return null; // not cached
      }
      const { meta, specs } = JSON.parse(metaText) as Pick<StoredModel, 'meta' | 'specs'>;
      const bin = await readFile(path.join(entry(key), 'weights.bin'));
      return { meta, specs, weights: bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.byteLength) as ArrayBuffer };
    },
    async save(key, model) {
      const final = entry(key);
      const tmp = `${final}.tmp-${process.pid}`;
      await mkdir(tmp, { recursive: true });
      await writeFile(path.join(tmp, 'weights.bin'), new Uint8Array(model.weights));
      await writeFile(path.join(tmp, 'meta.json'), `${JSON.stringify({ meta: model.meta, specs: model.specs }, null, 1)}\n`);
      await rm(final, { recursive: true, force: true });
      await rename(tmp, final);
    },
  };
}
