// The --model argument: a shipped model's name ("teacher"), a folder, or a model .zip as the page
// downloads it. A folder may be a restorer folder (model.json + weights.bin) or a training run,
// whose latest checkpoint is used.

import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { readFile } from 'node:fs/promises';
import { deserializeRestorer, ModelFileError } from '../core/models/io';
import { unpackModelZip } from '../core/models/model-zip';
import type { Restorer } from '../core/models/restorer';
import { SHIPPED_MODELS, shippedModel, shippedModelPath } from '../core/models/shipped';
import { CliError } from './command';
import { loadRestorerFromDir, MODEL_JSON } from './model-files';
import { findCheckpointDir } from './teacher-checkpoint';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** The folder holding model.json for a --model value; throws a one-line CliError if there is none. */
export function resolveModelDir(arg: string): string {
  const shipped = shippedModel(arg);
  if (shipped) {
    const folder = path.join('public', shippedModelPath(shipped.id));
    if (!existsSync(path.join(REPO_ROOT, folder, MODEL_JSON))) {
      throw new CliError(`the ${arg} model is not shipped yet: ${path.join(folder, MODEL_JSON)} is missing (train it with "${shipped.trainedBy}")`);
    }
    return path.join(REPO_ROOT, folder);
  }
  if (!existsSync(arg)) throw new CliError(`no model "${arg}": not a shipped model (${SHIPPED_MODELS.map((m) => m.id).join(', ')}) and no such folder`);
  if (!statSync(arg).isDirectory()) {
    if (arg.endsWith('.json') || arg.toLowerCase().endsWith('.zip')) return path.dirname(arg);
    throw new CliError(`--model ${arg} is a file; pass the folder that holds ${MODEL_JSON}`);
  }
  if (existsSync(path.join(arg, MODEL_JSON))) return arg;
  const checkpoint = findCheckpointDir(arg);
  if (checkpoint && existsSync(path.join(checkpoint, MODEL_JSON))) return checkpoint;
  throw new CliError(`no ${MODEL_JSON} in ${arg} (nor a training checkpoint)`);
}

export async function loadModelArg(arg: string): Promise<{ restorer: Restorer; dir: string }> {
  const dir = resolveModelDir(arg);
  try {
    if (arg.toLowerCase().endsWith('.zip') && statSync(arg).isFile()) {
      const { modelJson, weights } = unpackModelZip(new Uint8Array(await readFile(arg)), arg);
      return { restorer: await deserializeRestorer(modelJson, weights), dir };
    }
    return { restorer: await loadRestorerFromDir(dir), dir };
  } catch (e) {
    if (e instanceof ModelFileError) throw new CliError(`cannot load the model in ${dir}: ${e.message}`);
    throw e;
  }
}
