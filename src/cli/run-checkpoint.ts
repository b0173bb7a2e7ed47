// A distillation run's checkpoint on disk (docs/architecture.md, "Resumable runs"): one file in the
// run's --out folder, replaced atomically (written beside, then renamed) so that a run killed while
// saving still leaves the previous checkpoint whole.

import { existsSync } from 'node:fs';
import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { CheckpointError, packCheckpoint, unpackCheckpoint, type RunCheckpoint } from '../core/run/checkpoint';
import { CliError } from './command';

export const CHECKPOINT_FILE = 'checkpoint.wkd';

export async function writeCheckpointFile(dir: string, checkpoint: RunCheckpoint): Promise<void> {
  const file = path.join(dir, CHECKPOINT_FILE);
  await writeFile(`${file}.tmp`, packCheckpoint(checkpoint));
  await rename(`${file}.tmp`, file);
}

export async function readCheckpointFile(dir: string): Promise<RunCheckpoint> {
  const file = path.join(dir, CHECKPOINT_FILE);
  if (!existsSync(file)) {
    throw new CliError(
      `${dir} holds no ${CHECKPOINT_FILE}: a run keeps one in its --out folder while it trains and when stopped, and deletes it once completed`,
    );
  }
  try {
    return unpackCheckpoint(new Uint8Array(await readFile(file)));
  } catch (e) {
    if (e instanceof CheckpointError) throw new CliError(`${file}: ${e.message}`);
    throw e;
  }
}

export async function removeCheckpointFile(dir: string): Promise<void> {
  await rm(path.join(dir, CHECKPOINT_FILE), { force: true });
}
