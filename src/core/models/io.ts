// Save and load restorers in the standard tfjs layers format (model.json + binary weights),
// in memory, so the same code serves the browser (downloads, uploads, IndexedDB), workers and
// Node (see src/cli/model-files.ts). The restorer config travels in
// model.json's userDefinedMetadata.weatherkd, so a loaded file knows its architecture and preset.

import { tf } from '../tf';
import { DEFAULT_WEIGHTS_PATH, ModelFileError } from './model-format';
import { countRestorerParams } from './complexity';
import { assertTopologyMatchesConfig, Restorer } from './restorer';
import { findPresetName, RestorerConfigError, type RestorerConfig, type RestorerPresetName, validateRestorerConfig } from './restorer-config';

export const WEATHERKD_METADATA_KEY = 'weatherkd';
export const RESTORER_FORMAT_VERSION = 1;
export { DEFAULT_WEIGHTS_PATH, ModelFileError };

/** What model.json's userDefinedMetadata.weatherkd holds for a restorer. */
export interface RestorerMetadata {
  kind: 'restorer';
  version: number;
  config: RestorerConfig;
  /** The preset whose config this equals, if any. */
  preset: RestorerPresetName | null;
  seed: number | null;
  /** Free-form provenance (training steps, data, metrics); must be JSON. */
  info?: Record<string, unknown>;
}

/** A tfjs layers model.json (tf.io.ModelJSON) with our metadata. */
export type RestorerModelJson = tf.io.ModelJSON & {
  userDefinedMetadata: { [WEATHERKD_METADATA_KEY]: RestorerMetadata };
};

export interface RestorerFiles {
  modelJson: RestorerModelJson;
  /** All weights, in weightsManifest order, as one buffer. */
  weightsBin: ArrayBuffer;
}

export interface SaveRestorerOptions {
  /** File name written into weightsManifest[0].paths. */
  weightsPath?: string;
  info?: Record<string, unknown>;
}

/** Serialises a restorer to {modelJson, weightsBin} through tf.io.withSaveHandler. */
export async function serializeRestorer(restorer: Restorer, options: SaveRestorerOptions = {}): Promise<RestorerFiles> {
  const metadata: RestorerMetadata = {
    kind: 'restorer',
    version: RESTORER_FORMAT_VERSION,
    config: restorer.config,
    preset: findPresetName(restorer.config) ?? null,
    seed: restorer.seed ?? null,
    ...(options.info ? { info: options.info } : {}),
  };
  // JSON round trip: userDefinedMetadata must be plain JSON; this also rejects cycles early.
  restorer.model.setUserDefinedMetadata({ [WEATHERKD_METADATA_KEY]: JSON.parse(JSON.stringify(metadata)) });
  let artifacts: tf.io.ModelArtifacts | undefined;
  await restorer.model.save(
    tf.io.withSaveHandler(async (a) => {
      artifacts = a;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  if (!artifacts || !artifacts.modelTopology || !artifacts.weightSpecs || artifacts.weightData === undefined) {
    throw new Error('tfjs returned incomplete model artifacts');
  }
  const modelJson: RestorerModelJson = {
    modelTopology: artifacts.modelTopology,
    format: artifacts.format ?? 'layers-model',
    generatedBy: artifacts.generatedBy,
    convertedBy: artifacts.convertedBy ?? null,
    weightsManifest: [{ paths: [options.weightsPath ?? DEFAULT_WEIGHTS_PATH], weights: artifacts.weightSpecs }],
    userDefinedMetadata: { [WEATHERKD_METADATA_KEY]: metadata },
  };
  return { modelJson, weightsBin: tf.io.CompositeArrayBuffer.join(artifacts.weightData) };
}

export interface ParsedRestorerModelJson {
  modelJson: RestorerModelJson;
  metadata: RestorerMetadata;
  weightSpecs: tf.io.WeightsManifestEntry[];
  /** Weight file paths in the order their bytes are concatenated. */
  weightPaths: string[];
  /** Bytes the weights must total. */
  expectedWeightBytes: number;
}

const BYTES_PER_ELEMENT: Record<string, number> = {
  float32: 4,
  int32: 4,
  bool: 1,
  uint8: 1,
  uint16: 2,
  float16: 2,
};

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function specBytes(spec: tf.io.WeightsManifestEntry): number {
  if (!Array.isArray(spec.shape) || !spec.shape.every((d) => Number.isInteger(d) && d >= 0)) {
    throw new ModelFileError(`weight "${spec.name}" has an invalid shape`);
  }
  const size = spec.shape.reduce((a, b) => a * b, 1);
  const dtype = spec.quantization?.dtype ?? spec.dtype;
  const bytes = BYTES_PER_ELEMENT[dtype];
  if (bytes === undefined) throw new ModelFileError(`weight "${spec.name}" has unsupported dtype "${dtype}"`);
  return size * bytes;
}

/**
 * Validates a model.json (text, bytes or an already-parsed object) as a WeatherKD restorer.
 * Throws ModelFileError with a message fit for the UI: invalid JSON, not a tfjs layers model,
 * no or invalid restorer metadata (unknown architecture), weights inconsistent with the config.
 */
export function parseRestorerModelJson(input: string | ArrayBuffer | Uint8Array | object): ParsedRestorerModelJson {
  let json: unknown = input;
  if (typeof input === 'string' || input instanceof ArrayBuffer || input instanceof Uint8Array) {
    const text = typeof input === 'string' ? input : new TextDecoder().decode(input);
    try {
      json = JSON.parse(text);
    } catch (e) {
      throw new ModelFileError(`model.json is not valid JSON: ${(e as Error).message}`);
    }
  }
  if (!isObject(json)) throw new ModelFileError('model.json must hold a JSON object');
  if (json.format === 'graph-model') {
    throw new ModelFileError('model.json is a tfjs graph model; a restorer is a tfjs layers model');
  }
  if (json.format !== undefined && json.format !== 'layers-model') {
    throw new ModelFileError(`model.json has format "${String(json.format)}"; expected "layers-model"`);
  }
  if (!isObject(json.modelTopology) || !Array.isArray(json.weightsManifest)) {
    throw new ModelFileError('model.json is not a TensorFlow.js layers model (needs modelTopology and weightsManifest)');
  }
  const weightSpecs: tf.io.WeightsManifestEntry[] = [];
  const weightPaths: string[] = [];
  for (const group of json.weightsManifest as unknown[]) {
    if (!isObject(group) || !Array.isArray(group.paths) || !Array.isArray(group.weights)) {
      throw new ModelFileError('model.json has a malformed weightsManifest (each group needs paths and weights)');
    }
    for (const p of group.paths) {
      if (typeof p !== 'string') throw new ModelFileError('model.json weightsManifest paths must be strings');
      weightPaths.push(p);
    }
    for (const w of group.weights) {
      if (!isObject(w) || typeof w.name !== 'string' || !Array.isArray(w.shape) || typeof w.dtype !== 'string') {
        throw new ModelFileError('model.json weightsManifest has a malformed weight entry');
      }
      weightSpecs.push(w as unknown as tf.io.WeightsManifestEntry);
    }
  }
  const udm = json.userDefinedMetadata;
  const raw = isObject(udm) ? udm[WEATHERKD_METADATA_KEY] : undefined;
  if (!isObject(raw)) {
    throw new ModelFileError('unknown architecture: model.json has no userDefinedMetadata.weatherkd (not saved by WeatherKD)');
  }
  if (raw.kind !== 'restorer') {
    throw new ModelFileError(`unknown architecture: model.json holds a "${String(raw.kind)}", not a restorer`);
  }
  if (typeof raw.version !== 'number' || raw.version > RESTORER_FORMAT_VERSION) {
    throw new ModelFileError(`unsupported restorer file version ${String(raw.version)} (this build reads up to ${RESTORER_FORMAT_VERSION})`);
  }
  let config: RestorerConfig;
  try {
    config = validateRestorerConfig(raw.config);
  } catch (e) {
    const why = e instanceof RestorerConfigError ? e.message : String(e);
    throw new ModelFileError(`unknown architecture: invalid restorer config in model.json: ${why}`);
  }
  const metadata: RestorerMetadata = {
    kind: 'restorer',
    version: raw.version,
    config,
    preset: findPresetName(config) ?? null,
    seed: typeof raw.seed === 'number' ? raw.seed : null,
    ...(isObject(raw.info) ? { info: raw.info } : {}),
  };
  const expectedParams = countRestorerParams(config);
  const fileParams = weightSpecs.reduce((s, w) => s + (w.shape as number[]).reduce((a, b) => a * b, 1), 0);
  if (fileParams !== expectedParams) {
    throw new ModelFileError(`architecture mismatch: the weights hold ${fileParams} parameters, the restorer config implies ${expectedParams}`);
  }
  return {
    modelJson: json as unknown as RestorerModelJson,
    metadata,
    weightSpecs,
    weightPaths,
    expectedWeightBytes: weightSpecs.reduce((s, w) => s + specBytes(w), 0),
  };
}

function joinBuffers(weights: ArrayBuffer | ArrayBuffer[]): ArrayBuffer {
  return Array.isArray(weights) ? tf.io.CompositeArrayBuffer.join(weights) : weights;
}

/**
 * Loads a restorer from a model.json (text, bytes or object) and its weights (one buffer, or
 * one per weightsManifest path, in order). Throws ModelFileError on any invalid input.
 */
export async function deserializeRestorer(modelJson: string | ArrayBuffer | Uint8Array | object, weights: ArrayBuffer | ArrayBuffer[]): Promise<Restorer> {
  const parsed = parseRestorerModelJson(modelJson);
  const weightData = joinBuffers(weights);
  if (weightData.byteLength !== parsed.expectedWeightBytes) {
    throw new ModelFileError(
      `weights size mismatch: model.json describes ${parsed.expectedWeightBytes} bytes of weights, ` + `the weight file(s) hold ${weightData.byteLength}`,
    );
  }
  const { modelJson: mj, metadata } = parsed;
  let model: tf.LayersModel;
  try {
    model = await tf.loadLayersModel(
      tf.io.fromMemory({
        modelTopology: mj.modelTopology,
        format: mj.format,
        generatedBy: mj.generatedBy,
        convertedBy: mj.convertedBy,
        weightSpecs: parsed.weightSpecs,
        weightData,
        userDefinedMetadata: mj.userDefinedMetadata,
      }),
    );
  } catch (e) {
    throw new ModelFileError(`could not build the model from model.json: ${(e as Error).message}`);
  }
  try {
    assertTopologyMatchesConfig(model, metadata.config);
    return new Restorer(model, metadata.config, metadata.seed ?? undefined);
  } catch (e) {
    model.dispose();
    throw new ModelFileError(`architecture mismatch: ${(e as Error).message}`);
  }
}

/** A copy of a restorer (same config and weights), via the file format. */
export async function cloneRestorer(restorer: Restorer): Promise<Restorer> {
  const { modelJson, weightsBin } = await serializeRestorer(restorer);
  return deserializeRestorer(modelJson, weightsBin);
}

/** Reads the metadata of a saved restorer without loading weights (e.g. to list presets). */
export function readRestorerMetadata(modelJson: string | ArrayBuffer | Uint8Array | object): RestorerMetadata {
  return parseRestorerModelJson(modelJson).metadata;
}
