import { describe, expect, it } from 'vitest';
import { batchItem } from './image';
import { independentWeather, INDEPENDENT_CONDITIONS } from './independent-weather';
import { makeEvalSet } from './pairs';
import { scoreImages } from '../metrics/image-metrics';

describe('independent weather (the check synthesiser)', () => {
  const clean = batchItem(makeEvalSet('rain', 1, 96, 3).clean, 0);

  it('degrades every condition reproducibly, dense haze and heavy rain the most', () => {
    const psnr: Record<string, number> = {};
    for (const c of INDEPENDENT_CONDITIONS) {
      const a = independentWeather(clean, c, 7);
      expect(independentWeather(clean, c, 7).data).toEqual(a.data);
      expect(a.data.every((v) => v >= 0 && v <= 1)).toBe(true);
      psnr[c] = scoreImages(a, clean).psnr;
      expect(psnr[c]).toBeLessThan(30);
    }
    expect(psnr['dense-haze']).toBeLessThan(psnr['light-haze']);
    expect(psnr['heavy-rain']).toBeLessThan(psnr.rain);
    expect(psnr['coarse-snow']).toBeLessThan(psnr['fine-snow']);
  });

  it('rain and snow only add light', () => {
    for (const c of ['rain', 'fine-snow', 'coarse-snow'] as const) {
      const a = independentWeather(clean, c, 1).data;
      expect(a.every((v, i) => v >= clean.data[i] - 1e-6)).toBe(true);
    }
  });
});
