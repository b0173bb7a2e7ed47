import { describe, expect, it } from 'vitest';
import { deriveSeed, Rng, rngFor } from './rng.ts';

const draw = (r: Rng, n: number): number[] => Array.from({ length: n }, () => r.next());

describe('Rng', () => {
  it('is deterministic per seed and differs across seeds', () => {
    expect(draw(new Rng(42), 20)).toEqual(draw(new Rng(42), 20));
    expect(draw(new Rng(42), 20)).not.toEqual(draw(new Rng(43), 20));
    // Seeds beyond 32 bits and fractional seeds are not truncated into each other.
    expect(draw(new Rng(2 ** 32 + 1), 5)).not.toEqual(draw(new Rng(1), 5));
    expect(draw(new Rng(0.5), 5)).not.toEqual(draw(new Rng(0), 5));
  });

  it('draws uniform values in [0, 1) with the right moments', () => {
    const xs = draw(new Rng(7), 20000);
    expect(Math.min(...xs)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...xs)).toBeLessThan(1);
    const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
    expect(Math.abs(mean - 0.5)).toBeLessThan(0.01);
  });

  it('draws normals with mean 0 and std 1', () => {
    const r = new Rng(3);
    const xs = Array.from({ length: 20000 }, () => r.normal());
    const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
    const sd = Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / xs.length);
    expect(Math.abs(mean)).toBeLessThan(0.03);
    expect(Math.abs(sd - 1)).toBeLessThan(0.03);
  });

  it('keeps int, pick and weighted in bounds', () => {
    const r = new Rng(9);
    const seen = new Set<number>();
    for (let i = 0; i < 2000; i++) {
      const v = r.int(3, 8);
      expect(Number.isInteger(v) && v >= 3 && v < 8).toBe(true);
      seen.add(v);
    }
    expect(seen.size).toBe(5);
    for (let i = 0; i < 200; i++) expect(['a', 'b']).toContain(r.pick(['a', 'b']));
    for (let i = 0; i < 200; i++) expect(r.weighted([0, 1, 0])).toBe(1);
  });

  it('derives sub-streams from (seed, keys) only, independent of draws made before', () => {
    const a = new Rng(5);
    const b = new Rng(5);
    draw(b, 100);
    expect(draw(a.fork(3), 10)).toEqual(draw(b.fork(3), 10));
    expect(draw(a.fork(3), 10)).not.toEqual(draw(a.fork(4), 10));
    expect(deriveSeed(1, 'x', 2)).not.toBe(deriveSeed(1, 2, 'x'));
    expect(draw(rngFor(1, 'eval'), 5)).not.toEqual(draw(rngFor(1, 'train'), 5));
  });
});
