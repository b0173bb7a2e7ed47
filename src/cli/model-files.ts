// Node-only: a restorer as a folder holding model.json + weights.bin (the layout
// tf.loadLayersModel('file://.../model.json') and the page's upload both read).

import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import type { Restorer } from '../core/models/restorer';
import {
  DEFAULT_WEIGHTS_PATH,
  deserializeRestorer,
  ModelFileError,
  parseRestorerModelJson,
  serializeRestorer,
  type SaveRestorerOptions,
} from '../core/models/io';

export const MODEL_JSON = 'model.json';

/** Writes dir/model.json and dir/weights.bin; returns the model.json path. */
export async function saveRestorerToDir(restorer: Restorer, dir: string, options: Omit<SaveRestorerOptions, 'weightsPath'> = {}): Promise<string> {
  const { modelJson, weightsBin } = await serializeRestorer(restorer, { ...options, weightsPath: DEFAULT_WEIGHTS_PATH });
  await mkdir(dir, { recursive: true });
  const jsonPath = join(dir, MODEL_JSON);
  await writeFile(join(dir, DEFAULT_WEIGHTS_PATH), new Uint8Array(weightsBin));
  await writeFile(jsonPath, JSON.stringify(modelJson));
  return jsonPath;
}

/** Loads a restorer from a folder (or a model.json path) and the weight files it names. */
export async function loadRestorerFromDir(dirOrModelJson: string): Promise<Restorer> {
  const jsonPath = dirOrModelJson.endsWith('.json') ? dirOrModelJson : join(dirOrModelJson, MODEL_JSON);
  const dir = dirname(resolve(jsonPath));
  let text: string;
  try {
    text = await readFile(jsonPath, 'utf8');
  } catch (e) {
    throw new ModelFileError(`cannot read ${jsonPath}: ${(e as Error).message}`);
  }
  const parsed = parseRestorerModelJson(text);
  const buffers: ArrayBuffer[] = [];
  for (const p of parsed.weightPaths) {
    // Weight paths are file names next to model.json; refuse anything that climbs out.
    if (basename(p) !== p.replace(/^\.\//, '')) {
      throw new ModelFileError(`weight path "${p}" in ${jsonPath} must be a file name in the same folder`);
    }
    let buf: Buffer;
    try {
      buf = await readFile(join(dir, p));
    } catch (e) {
      throw new ModelFileError(`cannot read weight file ${join(dir, p)}: ${(e as Error).message}`);
    }
    // A Buffer may be a view into a shared pool: copy out exactly its bytes.
    buffers.push(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength) as ArrayBuffer);
  }
  return deserializeRestorer(parsed.modelJson, buffers);
}
