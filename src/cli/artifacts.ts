// Writes a run's artifacts (core/methods/method.ts, Artifact) under `weatherkd distill --out DIR`:
// each into DIR/<name>/, paired images in the input/ and target/ layout that `weatherkd eval` reads.

import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Artifact } from '../core/methods/method';
import { writeImage } from './image-io';

/** Writes every artifact; returns the folders written. A folder left by an earlier run is replaced. */
export async function writeArtifacts(dir: string, artifacts: readonly Artifact[]): Promise<string[]> {
  const written: string[] = [];
  for (const a of artifacts) {
    const folder = path.join(dir, a.name);
    await rm(folder, { recursive: true, force: true });
    await mkdir(folder, { recursive: true });
    if (a.kind === 'pairs') {
      await mkdir(path.join(folder, 'input'));
      await mkdir(path.join(folder, 'target'));
      for (const p of a.pairs) {
        await writeImage(path.join(folder, 'input', `${p.stem}.png`), p.input);
        await writeImage(path.join(folder, 'target', `${p.stem}.png`), p.target);
      }
      const captions = { title: a.title, input: a.inputLabel, target: a.targetLabel, pairs: a.pairs.map((p) => ({ stem: p.stem, caption: p.caption })) };
      await writeFile(path.join(folder, 'captions.json'), `${JSON.stringify(captions, null, 1)}\n`);
    } else {
      await writeFile(path.join(folder, `${a.name}.json`), `${JSON.stringify({ title: a.title, data: a.data }, null, 1)}\n`);
    }
    written.push(folder);
  }
  return written;
}
