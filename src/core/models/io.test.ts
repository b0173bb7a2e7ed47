import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tf, type Tensor4D } from '../tf';
import { loadRestorerFromDir, saveRestorerToDir } from '../../cli/model-files';
import { cloneRestorer, deserializeRestorer, ModelFileError, parseRestorerModelJson, readRestorerMetadata, serializeRestorer, type RestorerFiles } from './io';
import { createRestorer, restorerPreset, type Restorer, type RestorerConfig } from './restorer';

const small: RestorerConfig = {
  levels: 3,
  widths: [4, 8, 12],
  encoderBlocks: [1, 1, 1],
  decoderBlocks: [1, 1],
  skip: 'concat',
  upsample: 'bilinear',
  globalResidual: true,
  activation: 'leakyRelu',
  zeroInitOutput: false,
};

let restorer: Restorer;
let files: RestorerFiles;
let x: Tensor4D;
let dir: string;

async function sameOutputs(a: Restorer, b: Restorer): Promise<void> {
  const fa = a.forwardWithFeatures(x);
  const fb = b.forwardWithFeatures(x);
  const ta = [fa.output, ...fa.encoder, ...fa.decoder];
  const tb = [fb.output, ...fb.encoder, ...fb.decoder];
  for (let i = 0; i < ta.length; i++) expect(Array.from(await tb[i].data())).toEqual(Array.from(await ta[i].data()));
  tf.dispose([...ta, ...tb]);
}

/** A mutable deep copy of the saved model.json. */
function json(): Record<string, any> {
  return JSON.parse(JSON.stringify(files.modelJson));
}

beforeAll(async () => {
  await tf.setBackend('cpu');
  restorer = createRestorer(small, { seed: 42 });
  files = await serializeRestorer(restorer, { info: { steps: 0 } });
  x = tf.randomUniform([2, 16, 24, 3], 0, 1, 'float32', 9) as Tensor4D;
  dir = await mkdtemp(join(tmpdir(), 'restorer-io-'));
});

afterAll(async () => {
  restorer.dispose();
  x.dispose();
  await rm(dir, { recursive: true, force: true });
});

describe('restorer save and load', () => {
  it('writes a standard tfjs layers model.json with the config in its metadata', () => {
    const mj = files.modelJson;
    expect(mj.format).toBe('layers-model');
    expect(mj.weightsManifest).toHaveLength(1);
    expect(mj.weightsManifest[0].paths).toEqual(['weights.bin']);
    expect(mj.userDefinedMetadata.weatherkd.config).toEqual(small);
    expect(mj.userDefinedMetadata.weatherkd.seed).toBe(42);
    expect(mj.userDefinedMetadata.weatherkd.info).toEqual({ steps: 0 });
    expect(files.weightsBin.byteLength).toBe(restorer.countParams() * 4);
  });

  it('in-memory round trip (object, text and bytes) gives identical outputs and features', async () => {
    const text = JSON.stringify(files.modelJson);
    for (const mj of [files.modelJson, text, new TextEncoder().encode(text)]) {
      const loaded = await deserializeRestorer(mj, files.weightsBin.slice(0));
      expect(loaded.config).toEqual(small);
      await sameOutputs(restorer, loaded);
      loaded.dispose();
    }
  });

  it('weights split across several buffers load too', async () => {
    const cut = 100;
    const loaded = await deserializeRestorer(files.modelJson, [files.weightsBin.slice(0, cut), files.weightsBin.slice(cut)]);
    await sameOutputs(restorer, loaded);
    loaded.dispose();
  });

  it('folder round trip keeps the preset name', async () => {
    const teacher = createRestorer('student-5', { seed: 1 });
    // Give the tail non-zero weights so the round trip is not trivially the identity.
    const tail = teacher.model.getLayer('tail');
    tail.setWeights(tail.getWeights().map((w) => tf.randomNormal(w.shape, 0, 0.1, 'float32', 3)));
    await saveRestorerToDir(teacher, dir);
    const meta = readRestorerMetadata(await readFile(join(dir, 'model.json'), 'utf8'));
    expect(meta.preset).toBe('student-5');
    expect(meta.config).toEqual(restorerPreset('student-5'));
    const loaded = await loadRestorerFromDir(dir);
    await sameOutputs(teacher, loaded);
    loaded.dispose();
    teacher.dispose();
  });

  it('the autoencoder (no skips, no global residual) round trips, and the shipped one loads as that preset', async () => {
    const ae = createRestorer({ ...small, skip: 'none', globalResidual: false }, { seed: 5 });
    const saved = await serializeRestorer(ae);
    const loaded = await deserializeRestorer(saved.modelJson, saved.weightsBin);
    expect(loaded.config.skip).toBe('none');
    await sameOutputs(ae, loaded);
    const shipped = await loadRestorerFromDir(fileURLToPath(new URL('../../../public/models/autoencoder', import.meta.url)));
    expect(shipped.config).toEqual(restorerPreset('autoencoder'));
    // Not the identity: no global residual, the image passes through the bottleneck.
    const out = shipped.predict(x);
    expect(tf.max(tf.abs(tf.sub(out, x))).dataSync()[0]).toBeGreaterThan(0.01);
    tf.dispose(out);
    [ae, loaded, shipped].forEach((r) => r.dispose());
  });

  it('the copy is independent of the original', async () => {
    const copy = await cloneRestorer(restorer);
    await sameOutputs(restorer, copy);
    copy.dispose();
    const y = restorer.predict(x);
    expect(y.isDisposed).toBe(false);
    y.dispose();
  });

  it('loading then disposing leaks no tensors', async () => {
    const before = tf.memory().numTensors;
    const loaded = await deserializeRestorer(files.modelJson, files.weightsBin);
    loaded.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('invalid model files', () => {
  const reject = async (modelJson: unknown, weights: ArrayBuffer | ArrayBuffer[], message: RegExp) => {
    const p = deserializeRestorer(modelJson as object, weights);
    await expect(p).rejects.toThrow(ModelFileError);
    await expect(deserializeRestorer(modelJson as object, weights)).rejects.toThrow(message);
  };

  it('invalid JSON', async () => {
    await reject('{"modelTopology": ', files.weightsBin, /model.json is not valid JSON/);
    expect(() => parseRestorerModelJson('[1, 2]')).toThrow(/must hold a JSON object/);
  });

  it('not a tfjs layers model', async () => {
    await reject({ hello: 'world' }, files.weightsBin, /not a TensorFlow.js layers model/);
    await reject({ ...json(), format: 'graph-model' }, files.weightsBin, /graph model/);
    await reject({ ...json(), weightsManifest: [{ paths: 'x' }] }, files.weightsBin, /malformed weightsManifest/);
  });

  it('unknown architecture: no or bad metadata', async () => {
    const noMeta = json();
    delete noMeta.userDefinedMetadata;
    await reject(noMeta, files.weightsBin, /unknown architecture: .*no userDefinedMetadata.weatherkd/);
    const gen = json();
    gen.userDefinedMetadata.weatherkd.kind = 'generator';
    await reject(gen, files.weightsBin, /unknown architecture: .*"generator", not a restorer/);
    const bad = json();
    bad.userDefinedMetadata.weatherkd.config.widths = [4, 8];
    await reject(bad, files.weightsBin, /unknown architecture: invalid restorer config.*widths must have 3 entries/);
    const future = json();
    future.userDefinedMetadata.weatherkd.version = 99;
    await reject(future, files.weightsBin, /unsupported restorer file version 99/);
  });

  it('config that does not match the weights', async () => {
    const other = json();
    other.userDefinedMetadata.weatherkd.config.widths = [4, 8, 16];
    await reject(other, files.weightsBin, /architecture mismatch: the weights hold \d+ parameters, the restorer config implies \d+/);
    // Same parameter count, different wiring: caught when the layers are checked.
    const swapped = json();
    swapped.userDefinedMetadata.weatherkd.config.activation = 'relu';
    await reject(swapped, files.weightsBin, /architecture mismatch: .*layer 1 is "head", the config builds "head" with other settings or wiring/);
    const nearest = json();
    nearest.userDefinedMetadata.weatherkd.config.upsample = 'nearest';
    await reject(nearest, files.weightsBin, /architecture mismatch: .*"dec1_resize".*with other settings or wiring/);
  });

  it('weights of the wrong size', async () => {
    await reject(
      files.modelJson,
      files.weightsBin.slice(0, 1000),
      /weights size mismatch: model.json describes \d+ bytes of weights, the weight file\(s\) hold 1000/,
    );
    await reject(files.modelJson, new ArrayBuffer(files.weightsBin.byteLength + 4), /weights size mismatch/);
  });

  it('a missing weight file in a folder', async () => {
    const d = await mkdtemp(join(tmpdir(), 'restorer-bad-'));
    await writeFile(join(d, 'model.json'), JSON.stringify(files.modelJson));
    await expect(loadRestorerFromDir(d)).rejects.toThrow(/cannot read weight file/);
    const escape = json();
    escape.weightsManifest[0].paths = ['../../etc/passwd'];
    await writeFile(join(d, 'model.json'), JSON.stringify(escape));
    await expect(loadRestorerFromDir(d)).rejects.toThrow(/must be a file name in the same folder/);
    await rm(d, { recursive: true, force: true });
  });
});
