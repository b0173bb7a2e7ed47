// Node-only: a teacher training run on disk. RUN/checkpoint/ holds model.json + weights.bin (a
// restorer folder any command can load), optimizer.bin (Adam moments) and state.json (step,
// recipe, losses...). A checkpoint is written to a fresh folder and swapped in by renames, so a
// crash or a kill at any moment leaves a complete checkpoint: the new one, or the previous one.

import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DEFAULT_WEIGHTS_PATH } from '../core/models/io';
import type { TeacherCheckpoint, TeacherState } from '../core/train/teacher';
import { CliError } from './command';
import { MODEL_JSON } from './model-files';

export const CHECKPOINT_DIR = 'checkpoint';
export const STATE_JSON = 'state.json';
export const OPTIMIZER_BIN = 'optimizer.bin';

const PREVIOUS = `${CHECKPOINT_DIR}.previous`;

/** Writes RUN/checkpoint atomically (see the file header); returns its path. */
export async function writeTeacherCheckpoint(runDir: string, checkpoint: TeacherCheckpoint): Promise<string> {
  await mkdir(runDir, { recursive: true });
  const target = join(runDir, CHECKPOINT_DIR);
  const previous = join(runDir, PREVIOUS);
  const fresh = join(runDir, `${CHECKPOINT_DIR}.writing-${process.pid}`);
  await rm(fresh, { recursive: true, force: true });
  await mkdir(fresh);
  await writeFile(join(fresh, DEFAULT_WEIGHTS_PATH), new Uint8Array(checkpoint.model.weightsBin));
  await writeFile(join(fresh, MODEL_JSON), JSON.stringify(checkpoint.model.modelJson));
  await writeFile(join(fresh, OPTIMIZER_BIN), new Uint8Array(checkpoint.optimizerMoments));
  // state.json last: a folder with a state.json is complete.
  await writeFile(join(fresh, STATE_JSON), `${JSON.stringify(checkpoint.state)}\n`);
  await rm(previous, { recursive: true, force: true });
  if (existsSync(target)) await rename(target, previous);
  await rename(fresh, target);
  await rm(previous, { recursive: true, force: true });
  return target;
}

/**
 * Keeps a checkpoint's weights as RUN/snapshots/step-NNNNNN (model.json + weights.bin, a model
 * folder any command loads with --model), so that a run's checkpoints can be compared afterwards
 * on a development set. Returns its path.
 */
export async function writeWeightsSnapshot(runDir: string, checkpoint: TeacherCheckpoint): Promise<string> {
  const dir = join(runDir, 'snapshots', `step-${String(checkpoint.state.step).padStart(6, '0')}`);
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, DEFAULT_WEIGHTS_PATH), new Uint8Array(checkpoint.model.weightsBin));
  // model.json last: a folder with a model.json is complete.
  await writeFile(join(dir, MODEL_JSON), JSON.stringify(checkpoint.model.modelJson));
  return dir;
}

/**
 * The checkpoint folder for a path: RUN/checkpoint, the folder itself when it holds a
 * state.json, or RUN/checkpoint.previous when a write was cut off between its two renames.
 */
export function findCheckpointDir(path: string): string | null {
  for (const dir of [join(path, CHECKPOINT_DIR), path, join(path, PREVIOUS)]) {
    if (existsSync(join(dir, STATE_JSON))) return dir;
  }
  return null;
}

async function readBytes(path: string): Promise<ArrayBuffer> {
  try {
    const buf = await readFile(path);
    return buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength) as ArrayBuffer;
  } catch (e) {
    throw new CliError(`cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}

/** Reads a teacher checkpoint from a run folder or a checkpoint folder. */
export async function readTeacherCheckpoint(path: string): Promise<{ dir: string; checkpoint: TeacherCheckpoint }> {
  if (!existsSync(path)) throw new CliError(`no such folder: ${path}`);
  const dir = findCheckpointDir(path);
  if (!dir) throw new CliError(`${path} holds no teacher checkpoint (no ${STATE_JSON} in it or in ${join(path, CHECKPOINT_DIR)})`);
  const text = (p: string) => readBytes(p).then((b) => new TextDecoder().decode(b));
  let state: TeacherState;
  let modelJson: TeacherCheckpoint['model']['modelJson'];
  try {
    state = JSON.parse(await text(join(dir, STATE_JSON))) as TeacherState;
    modelJson = JSON.parse(await text(join(dir, MODEL_JSON))) as TeacherCheckpoint['model']['modelJson'];
  } catch (e) {
    if (e instanceof CliError) throw e;
    throw new CliError(`corrupt checkpoint in ${dir}: ${(e as Error).message}`);
  }
  const weightsBin = await readBytes(join(dir, DEFAULT_WEIGHTS_PATH));
  const optimizerMoments = await readBytes(join(dir, OPTIMIZER_BIN));
  return { dir, checkpoint: { state, model: { modelJson, weightsBin }, optimizerMoments } };
}
