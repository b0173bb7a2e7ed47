// Writes a run's artifacts under `weatherkd distill --out DIR`, in the layout of
// core/run/artifact-files.ts.

import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Artifact } from '../core/methods/method';
import { artifactFiles } from '../core/run/artifact-files';
import { writeImage } from './image-io';

/** Writes every artifact; returns the folders written. A folder left by an earlier run is replaced. */
export async function writeArtifacts(dir: string, artifacts: readonly Artifact[]): Promise<string[]> {
  const written: string[] = [];
  for (const a of artifacts) {
    const folder = path.join(dir, a.name);
    await rm(folder, { recursive: true, force: true });
    for (const f of artifactFiles(a)) {
      const file = path.join(dir, f.path);
      await mkdir(path.dirname(file), { recursive: true });
      if ('image' in f) await writeImage(file, f.image);
      else await writeFile(file, f.text);
    }
    written.push(folder);
  }
  return written;
}
