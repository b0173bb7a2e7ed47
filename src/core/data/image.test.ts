import { describe, expect, it } from 'vitest';
import { toBytes, toRgba, toRgbaRows } from './image';

describe('RGBA conversion', () => {
  const img = {
    width: 3,
    height: 2,
    data: Float32Array.from([0, 0.5, 1, -1, 2, NaN, 0.2, 0.4, 0.6, 1 / 510, 3 / 510, 0.999, 0.1, 0.3, 0.7, 0.25, 0.75, 0.05]),
  };

  it('rounds as toBytes does, with opaque alpha', () => {
    const rgb = toBytes(img);
    const rgba = toRgba(img);
    expect(Array.from(rgba.subarray(0, 8))).toEqual([0, 128, 255, 255, 0, 255, 0, 255]);
    for (let p = 0; p < 6; p++) expect(Array.from(rgba.subarray(4 * p, 4 * p + 3))).toEqual(Array.from(rgb.subarray(3 * p, 3 * p + 3)));
  });

  it('gives the same pixels converted one row at a time', () => {
    const rgba = new Uint8ClampedArray(3 * 2 * 4);
    toRgbaRows(img, rgba, 1, 2);
    toRgbaRows(img, rgba, 0, 1);
    expect(rgba).toEqual(toRgba(img));
  });
});
