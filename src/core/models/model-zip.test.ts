import { zipSync, strToU8 } from 'fflate';
import { describe, expect, it } from 'vitest';
import { ModelFileError } from './io';
import { packModelZip, unpackModelZip } from './model-zip';

describe('a model as one ZIP file', () => {
  const modelJson = {
    modelTopology: { a: 1 },
    weightsManifest: [
      { paths: ['group1-shard1of1.bin'], weights: [{ name: 'w1', shape: [2], dtype: 'float32' }] },
      { paths: ['group2-shard1of1.bin'], weights: [{ name: 'w2', shape: [1], dtype: 'float32' }] },
    ],
  };
  const weights = new Float32Array([1, 2, 3]).buffer;

  it('round-trips, gathering the weight groups into weights.bin', () => {
    const back = unpackModelZip(packModelZip(modelJson, weights));
    expect(new Float32Array(back.weights)).toEqual(new Float32Array([1, 2, 3]));
    expect(back.modelJson).toEqual({
      modelTopology: { a: 1 },
      weightsManifest: [{ paths: ['weights.bin'], weights: modelJson.weightsManifest.flatMap((g) => g.weights) }],
    });
  });

  it('reads a zipped folder, and names what is missing or broken', () => {
    const inFolder = zipSync({
      'student/model.json': strToU8(JSON.stringify({ weightsManifest: [{ paths: ['weights.bin'], weights: [] }] })),
      'student/weights.bin': new Uint8Array(4),
    });
    expect(unpackModelZip(inFolder).weights.byteLength).toBe(4);
    expect(() => unpackModelZip(new Uint8Array([1, 2, 3]), 'x.zip')).toThrow(/x.zip is not a readable ZIP file/);
    expect(() => unpackModelZip(zipSync({ 'a.txt': strToU8('hi') }), 'x.zip')).toThrow(/x.zip holds no model.json/);
    expect(() => unpackModelZip(zipSync({ 'model.json': strToU8('{') }))).toThrow(/not valid JSON/);
    const noWeights = zipSync({ 'model.json': strToU8(JSON.stringify({ weightsManifest: [{ paths: ['weights.bin'], weights: [] }] })) });
    expect(() => unpackModelZip(noWeights)).toThrow(ModelFileError);
    expect(() => unpackModelZip(noWeights)).toThrow(/lacks the weight file "weights.bin"/);
  });
});
