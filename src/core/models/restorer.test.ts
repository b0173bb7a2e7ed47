import { beforeAll, describe, expect, it } from 'vitest';
import { tf, type Tensor4D } from '../tf';
import {
  convSpecs,
  createRestorer,
  featureShapes,
  RESTORER_PRESET_NAMES,
  restorerPreset,
  RestorerConfigError,
  validateRestorerConfig,
  type RestorerConfig,
} from './restorer';
import { countRestorerParams, restorerComplexity, restorerFlopsPerPixel, trainStepFlops } from './complexity';

const tiny: RestorerConfig = {
  levels: 3,
  widths: [4, 8, 12],
  encoderBlocks: [1, 0, 2],
  decoderBlocks: [0, 1],
  skip: 'add',
  upsample: 'bilinear',
  globalResidual: true,
  activation: 'relu',
  zeroInitOutput: false,
};

const variants: RestorerConfig[] = [
  tiny,
  { ...tiny, skip: 'concat', upsample: 'nearest', activation: 'leakyRelu' },
  { ...tiny, activation: 'swish', globalResidual: false, zeroInitOutput: true },
  { ...tiny, levels: 1, widths: [5], encoderBlocks: [2], decoderBlocks: [] },
  { ...tiny, levels: 2, widths: [4, 6], encoderBlocks: [0, 0], decoderBlocks: [0], skip: 'concat' },
];

function image(shape: [number, number, number, number], seed = 1): Tensor4D {
  return tf.randomUniform(shape, 0, 1, 'float32', seed) as Tensor4D;
}

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('restorer config', () => {
  it('accepts every preset', () => {
    for (const name of RESTORER_PRESET_NAMES) expect(() => validateRestorerConfig(restorerPreset(name))).not.toThrow();
  });

  it.each([
    [{ ...tiny, levels: 0 }, /levels must be an integer/],
    [{ ...tiny, widths: [4, 8] }, /widths must have 3 entries/],
    [{ ...tiny, widths: [4, 0, 8] }, /widths\[1\]/],
    [{ ...tiny, encoderBlocks: [1, 1, 1.5] }, /encoderBlocks\[2\]/],
    [{ ...tiny, decoderBlocks: [1, 1, 1] }, /decoderBlocks must have 2 entries/],
    [{ ...tiny, skip: 'mul' }, /skip must be one of add, concat/],
    [{ ...tiny, upsample: 'bicubic' }, /upsample must be one of/],
    [{ ...tiny, activation: 'gelu' }, /activation must be one of relu, leakyRelu, swish/],
    [{ ...tiny, globalResidual: 'yes' }, /globalResidual must be true or false/],
    [null, /must be an object/],
  ])('rejects %j', (cfg, message) => {
    expect(() => validateRestorerConfig(cfg)).toThrow(RestorerConfigError);
    expect(() => validateRestorerConfig(cfg)).toThrow(message);
  });
});

describe('restorer model', () => {
  it.each(variants.map((v, i) => [i, v] as const))('variant %i: output and feature shapes for several sizes', (_, cfg) => {
    const r = createRestorer(cfg, { seed: 3 });
    const m = 2 ** (cfg.levels - 1);
    for (const [h, w] of [
      [4 * m, 4 * m],
      [2 * m, 6 * m],
      [m, 3 * m],
    ] as const) {
      const x = image([2, h, w, 3]);
      const y = r.predict(x);
      expect(y.shape).toEqual([2, h, w, 3]);
      const f = r.forwardWithFeatures(x);
      const want = featureShapes(cfg, h, w);
      expect(f.output.shape).toEqual([2, h, w, 3]);
      expect(f.encoder.map((t) => t.shape.slice(1))).toEqual(want.encoder);
      expect(f.decoder.map((t) => t.shape.slice(1))).toEqual(want.decoder);
      // The feature model shares weights with the inference model: same output.
      expect(tf.max(tf.abs(tf.sub(f.output, y))).dataSync()[0]).toBe(0);
      tf.dispose([x, y, f.output, ...f.encoder, ...f.decoder]);
    }
    r.dispose();
  });

  it('rejects inputs whose size is not a multiple of 2^(levels-1)', () => {
    const r = createRestorer(tiny);
    const x = image([1, 10, 8, 3]);
    expect(() => r.predict(x)).toThrow(/not a positive multiple of 4/);
    const g = image([1, 8, 8, 1]);
    expect(() => r.predict(g)).toThrow(/expected input \[N, H, W, 3\]/);
    tf.dispose([x, g]);
    r.dispose();
  });

  it('parameter count formula matches countParams() and each conv', () => {
    for (const cfg of [...variants, ...RESTORER_PRESET_NAMES.map(restorerPreset)]) {
      const r = createRestorer(cfg);
      expect(r.countParams()).toBe(countRestorerParams(cfg));
      for (const spec of convSpecs(cfg)) {
        expect(r.model.getLayer(spec.name).countParams()).toBe(spec.kernel * spec.kernel * spec.inChannels * spec.outChannels + spec.outChannels);
      }
      r.dispose();
    }
  });

  it('presets: teacher 1-2M params, students ~10% and ~5% of its FLOPs per pixel', () => {
    const t = restorerComplexity(restorerPreset('teacher'));
    const s10 = restorerComplexity(restorerPreset('student-10'));
    const s5 = restorerComplexity(restorerPreset('student-5'));
    expect(t.params).toBeGreaterThanOrEqual(1e6);
    expect(t.params).toBeLessThanOrEqual(2e6);
    expect(s10.flopsPerPixel / t.flopsPerPixel).toBeGreaterThanOrEqual(0.08);
    expect(s10.flopsPerPixel / t.flopsPerPixel).toBeLessThanOrEqual(0.12);
    expect(s5.flopsPerPixel / t.flopsPerPixel).toBeGreaterThanOrEqual(0.04);
    expect(s5.flopsPerPixel / t.flopsPerPixel).toBeLessThanOrEqual(0.06);
    expect(trainStepFlops(restorerPreset('teacher'), 8, 64, 64)).toBe(3 * 8 * 64 * 64 * t.flopsPerPixel);
  });

  it('FLOPs per pixel of a single-conv-per-level model by hand', () => {
    // levels 2, widths [4, 8], no blocks: head 3->4 @L0, down 4->8 @L1, upconv 8->4 @L1, tail 4->3 @L0.
    const cfg: RestorerConfig = { ...tiny, levels: 2, widths: [4, 8], encoderBlocks: [0, 0], decoderBlocks: [0] };
    const want = 2 * 9 * (3 * 4 + 4 * 3) + (2 * 9 * (4 * 8 + 8 * 4)) / 4;
    expect(restorerFlopsPerPixel(cfg)).toBe(want);
  });

  it('global residual with a zero-initialised tail is the identity', () => {
    const r = createRestorer('student-5', { seed: 11 });
    const x = image([2, 16, 24, 3]);
    const y = r.predict(x);
    expect(tf.max(tf.abs(tf.sub(y, x))).dataSync()[0]).toBe(0);
    tf.dispose([x, y]);
    r.dispose();
  });

  it('initialisation is deterministic by seed', () => {
    const weights = (seed: number) => {
      const r = createRestorer(tiny, { seed });
      const w = r.model.getWeights().map((t) => Array.from(t.dataSync()));
      r.dispose();
      return w;
    };
    const a = weights(5);
    expect(weights(5)).toEqual(a);
    const b = weights(6);
    expect(b).not.toEqual(a);
    expect(() => createRestorer(tiny, { seed: 1.5 })).toThrow(/seed must be an integer/);
    // Layers of the same shape get different draws.
    const r = createRestorer(tiny, { seed: 5 });
    const c1 = r.model.getLayer('enc2_b0_c1').getWeights()[0].dataSync();
    const c2 = r.model.getLayer('enc2_b1_c1').getWeights()[0].dataSync();
    expect(Array.from(c1)).not.toEqual(Array.from(c2));
    r.dispose();
  });

  it('knows its preset', () => {
    const t = createRestorer('student-10');
    expect(t.preset).toBe('student-10');
    t.dispose();
    const c = createRestorer(tiny);
    expect(c.preset).toBeUndefined();
    c.dispose();
  });

  it('dispose frees every weight', () => {
    const before = tf.memory().numTensors;
    const r = createRestorer('student-10');
    expect(tf.memory().numTensors).toBeGreaterThan(before);
    r.dispose();
    expect(tf.memory().numTensors).toBe(before);
    expect(() => r.predict(image([1, 8, 8, 3]))).toThrow(/disposed/);
  });
});
