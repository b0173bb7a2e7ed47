import { describe, expect, it } from 'vitest';
import { stemsInSplit } from './splits';

describe('dev/test splits', () => {
  const stems = Array.from({ length: 100 }, (_, i) => String(i + 1));

  it('splits rain100h 51/49 with every repeated scene on one side', () => {
    const dev = stemsInSplit('rain100h', 'dev', stems);
    const test = stemsInSplit('rain100h', 'test', stems);
    expect(dev.length).toBe(51);
    expect(test.length).toBe(49);
    expect(new Set([...dev, ...test]).size).toBe(100);
    for (const [a, b] of [
      [3, 4],
      [5, 14],
      [6, 25],
      [7, 36],
      [8, 47],
      [9, 58],
      [10, 69],
      [11, 80],
      [12, 91],
    ]) {
      expect(dev.includes(String(a))).toBe(dev.includes(String(b)));
    }
  });

  it('refuses sets without a split and images it does not know', () => {
    expect(() => stemsInSplit('rain12', 'dev', ['1'])).toThrow(/no dev\/test split is declared for the set "rain12"/);
    expect(() => stemsInSplit('rain100h', 'dev', ['101'])).toThrow(/no image 101/);
  });
});
