// An artifact as a zip, in the same layout `weatherkd distill --out DIR` writes (core/run/artifact-files.ts).
// Runs in a worker: PNGs are encoded with OffscreenCanvas, the archive made with fflate.

import { strToU8, zipSync, type Zippable } from 'fflate';
import { toRgba, type RGBImage } from '../core/data/image';
import type { Artifact } from '../core/methods/method';
import { artifactFiles } from '../core/run/artifact-files';

async function png(img: RGBImage): Promise<Uint8Array> {
  const canvas = new OffscreenCanvas(img.width, img.height);
  canvas.getContext('2d')!.putImageData(new ImageData(toRgba(img), img.width, img.height), 0, 0);
  return new Uint8Array(await (await canvas.convertToBlob({ type: 'image/png' })).arrayBuffer());
}

export async function zipArtifact(a: Artifact): Promise<Uint8Array> {
  const entries: Zippable = {};
  for (const f of artifactFiles(a)) {
    // PNGs are compressed already: stored as they are.
    entries[f.path] = 'image' in f ? [await png(f.image), { level: 0 }] : strToU8(f.text);
  }
  return zipSync(entries);
}
