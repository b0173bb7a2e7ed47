// An artifact as a zip, in the same layout `weatherkd distill --out DIR` writes (core/run/artifact-files.ts).
// Runs in a worker: PNGs are encoded with OffscreenCanvas, the archive made with fflate.

import { strToU8, zipSync, type Zippable } from 'fflate';
import type { Artifact } from '../core/methods/method';
import { artifactFiles } from '../core/run/artifact-files';

import { pngBlob } from './png';

export async function zipArtifact(a: Artifact): Promise<Uint8Array> {
  const entries: Zippable = {};
  for (const f of artifactFiles(a)) {
    // PNGs are compressed already: stored as they are.
    entries[f.path] = 'image' in f ? [new Uint8Array(await (await pngBlob(f.image)).arrayBuffer()), { level: 0 }] : strToU8(f.text);
  }
  return zipSync(entries);
}
