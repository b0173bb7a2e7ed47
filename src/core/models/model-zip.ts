// A restorer as one file: a ZIP holding model.json and weights.bin, the folder layout every
// command and the page read, so that unzipping it gives a folder for --model. The page
// downloads students this way; the page's model picker and the CLI's --model read it back.

import { strFromU8, strToU8, unzipSync, zipSync } from 'fflate';
import { DEFAULT_WEIGHTS_PATH, ModelFileError } from './model-format';

const MODEL_JSON = 'model.json';

type Manifest = { paths: string[]; weights: unknown[] }[];

/** model.json (its weights gathered into one group named weights.bin) and the weights, zipped. */
export function packModelZip(modelJson: object, weights: ArrayBuffer): Uint8Array {
  const json = modelJson as { weightsManifest?: Manifest };
  const manifest = [{ paths: [DEFAULT_WEIGHTS_PATH], weights: (json.weightsManifest ?? []).flatMap((g) => g.weights) }];
  return zipSync({
    [MODEL_JSON]: strToU8(JSON.stringify({ ...json, weightsManifest: manifest })),
    // Weights barely compress: store them.
    [DEFAULT_WEIGHTS_PATH]: [new Uint8Array(weights), { level: 0 }],
  });
}

/** The model.json object and the weights of a packed model; a ModelFileError says what is wrong. */
export function unpackModelZip(bytes: Uint8Array, name = 'the file'): { modelJson: object; weights: ArrayBuffer } {
  let files: Record<string, Uint8Array>;
  try {
    files = unzipSync(bytes);
  } catch (e) {
    throw new ModelFileError(`${name} is not a readable ZIP file (${(e as Error).message})`);
  }
  // Tolerate one enclosing folder (a zipped folder rather than zipped files).
  const find = (base: string) => Object.keys(files).find((k) => k === base || k.endsWith(`/${base}`));
  const jsonKey = find(MODEL_JSON);
  if (!jsonKey) throw new ModelFileError(`${name} holds no ${MODEL_JSON}`);
  let modelJson: { weightsManifest?: Manifest };
  try {
    modelJson = JSON.parse(strFromU8(files[jsonKey]));
  } catch {
    throw new ModelFileError(`the ${MODEL_JSON} in ${name} is not valid JSON`);
  }
  const paths = (modelJson.weightsManifest ?? []).flatMap((g) => g.paths ?? []);
  if (paths.length === 0) throw new ModelFileError(`the ${MODEL_JSON} in ${name} is not a TensorFlow.js model (it names no weight files)`);
  const parts = paths.map((p) => {
    const key = find(p.split('/').pop()!);
    if (!key) throw new ModelFileError(`${name} lacks the weight file "${p}" that its ${MODEL_JSON} names`);
    return files[key];
  });
  const weights = new Uint8Array(parts.reduce((n, b) => n + b.byteLength, 0));
  let o = 0;
  for (const b of parts) {
    weights.set(b, o);
    o += b.byteLength;
  }
  return { modelJson, weights: weights.buffer };
}
