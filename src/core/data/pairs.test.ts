import { describe, expect, it } from 'vitest';
import { batchItem, createImage } from './image.ts';
import { CLEAN_SOURCES, makeEvalSet, makePair, makePairBatch, WEATHER_TYPES } from './pairs.ts';
import { userImageSource } from './photo-source.ts';

function itemData(data: Float32Array, i: number, len: number): Float32Array {
  return data.subarray(i * len, (i + 1) * len);
}

describe('makePairBatch', () => {
  it('exports the named constants', () => {
    expect([...WEATHER_TYPES]).toEqual(['rain', 'heavy-rain', 'haze', 'snow', 'raindrop', 'mix']);
    expect([...CLEAN_SOURCES]).toEqual(['scene', 'dead-leaves']);
  });

  it('has NHWC shapes, labels and values in [0, 1]', () => {
    const b = makePairBatch({ n: 5, size: { width: 40, height: 24 }, seed: 1 });
    for (const batch of [b.degraded, b.clean]) {
      expect(batch.n).toBe(5);
      expect(batch.width).toBe(40);
      expect(batch.height).toBe(24);
      expect(batch.data.length).toBe(5 * 24 * 40 * 3);
      expect(batch.data.findIndex((v) => !(v >= 0 && v <= 1))).toBe(-1);
    }
    expect(b.depth.length).toBe(5 * 24 * 40);
    expect(b.weather.length).toBe(5);
    expect(b.params.length).toBe(5);
    for (const w of b.weather) expect(WEATHER_TYPES).toContain(w);
  });

  it('is deterministic per seed and differs across seeds', () => {
    const a = makePairBatch({ n: 3, size: 32, seed: 9 });
    const b = makePairBatch({ n: 3, size: 32, seed: 9 });
    expect(b.degraded.data).toEqual(a.degraded.data);
    expect(b.clean.data).toEqual(a.clean.data);
    expect(b.params).toEqual(a.params);
    const c = makePairBatch({ n: 3, size: 32, seed: 10 });
    expect(c.clean.data).not.toEqual(a.clean.data);
  });

  it('makes item i depend on (seed, i) only', () => {
    const opts = { size: 32, seed: 4, weathers: ['rain', 'haze', 'snow'] as const };
    const small = makePairBatch({ ...opts, n: 2 });
    const big = makePairBatch({ ...opts, n: 6 });
    const len = 32 * 32 * 3;
    for (let i = 0; i < 2; i++) {
      expect(itemData(big.degraded.data, i, len)).toEqual(itemData(small.degraded.data, i, len));
      expect(itemData(big.clean.data, i, len)).toEqual(itemData(small.clean.data, i, len));
    }
    const single = makePair(opts, 5);
    expect(single.degraded.data).toEqual(batchItem(big.degraded, 5).data);
    expect(single.weather).toBe(big.weather[5]);
    // Items within a batch are different pictures.
    expect(itemData(big.clean.data, 0, len)).not.toEqual(itemData(big.clean.data, 1, len));
  });

  it('respects weathers, sources, severity and domains', () => {
    const b = makePairBatch({ n: 6, size: 24, seed: 2, weathers: ['snow'], source: 'dead-leaves', severity: [0.2, 0.4] });
    expect(b.weather).toEqual(Array(6).fill('snow'));
    const photo = createImage(50, 50);
    photo.data.fill(0.5);
    const u = makePairBatch({ n: 2, size: 16, seed: 2, weathers: ['haze'], source: userImageSource(photo) });
    expect(u.clean.data.every((v) => Math.abs(v - 0.5) < 1e-6)).toBe(true);
    const train = makePairBatch({ n: 2, size: 24, seed: 2 });
    const web = makePairBatch({ n: 2, size: 24, seed: 2, domain: 'web-clean' });
    expect(web.clean.data).not.toEqual(train.clean.data);
    // extremeShare draws from a stream of its own: at 0 nothing changes, at 1 the weather does.
    const plain = makePairBatch({ n: 4, size: 24, seed: 5, weathers: ['haze'] });
    expect(makePairBatch({ n: 4, size: 24, seed: 5, weathers: ['haze'], extremeShare: 0 })).toEqual(plain);
    const extreme = makePairBatch({ n: 4, size: 24, seed: 5, weathers: ['haze'], extremeShare: 1 });
    expect(extreme.clean.data).toEqual(plain.clean.data);
    expect(extreme.params).not.toEqual(plain.params);
    expect(() => makePairBatch({ n: 0, size: 8, seed: 1 })).toThrow();
    expect(() => makePairBatch({ n: 1, size: 8.5, seed: 1 })).toThrow();
  });
});

describe('makeEvalSet', () => {
  it('is fixed per (weather, seed), spans severities and is apart from training data', () => {
    const a = makeEvalSet('haze', 4, 32, 0);
    const b = makeEvalSet('haze', 4, 32, 0);
    expect(b.degraded.data).toEqual(a.degraded.data);
    expect(a.weather).toEqual(['haze', 'haze', 'haze', 'haze']);
    const betas = a.params.map((p) => (p as { beta: number }).beta);
    expect(betas[3]).toBeGreaterThan(betas[0]);
    const train = makePairBatch({ n: 4, size: 32, seed: 0, weathers: ['haze'], source: 'scene' });
    expect(train.clean.data).not.toEqual(a.clean.data);
    // Different weathers get different evaluation pictures too.
    expect(makeEvalSet('rain', 4, 32, 0).clean.data).not.toEqual(a.clean.data);
  });
});
