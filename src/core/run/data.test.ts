// The user's photos in the unpaired web pools: about half of each batch comes from them, as crops,
// labelled 'user' in the degraded pool; the synthetic pool fills the rest.

import { describe, expect, it } from 'vitest';
import type { RGBImage } from '../data/image';
import { resolveRunConfig } from './config';
import { createDataProvider, USER_LABEL } from './data';
import { photosFingerprint } from '../data/train-set';
import { METHODS } from '../methods/registry';

const flat = (w: number, h: number, v: number): RGBImage => ({ width: w, height: h, data: new Float32Array(w * h * 3).fill(v) });
const config = resolveRunConfig({ method: 'd4ir', batch: 32, patch: 16 }, METHODS, 'quick');

describe('user pools', () => {
  it("mix crops of the user's photos into the web pools, labelled as user photos", () => {
    const data = createDataProvider(config, { clean: [flat(40, 30, 0.25)], degraded: [flat(8, 12, 0.75)] });
    const per = 16 * 16 * 3;
    const { images, weather } = data.webDegraded('s', 0, 32, 16);
    const user = weather
      .map((w, i) => [w, i] as const)
      .filter(([w]) => w === USER_LABEL)
      .map(([, i]) => i);
    expect(user.length).toBeGreaterThan(6);
    expect(user.length).toBeLessThan(26);
    // A photo smaller than the crop is enlarged first; a flat photo gives a flat crop.
    for (const i of user) expect(images.data.subarray(i * per, (i + 1) * per).every((v) => Math.abs(v - 0.75) < 1e-6)).toBe(true);
    const clean = data.webClean('s', 0, 32, 16);
    const fromUser = Array.from({ length: 32 }, (_, i) => clean.data.subarray(i * per, (i + 1) * per).every((v) => v === 0.25)).filter(Boolean);
    expect(fromUser.length).toBeGreaterThan(6);
    // Pure functions of (seed, stream, index).
    expect(data.webDegraded('s', 0, 32, 16).weather).toEqual(weather);
  });

  it('without user photos the pools are the synthetic ones, and the fingerprint tells photo sets apart', () => {
    const plain = createDataProvider(config);
    expect(plain.webDegraded('s', 0, 8, 16).weather.includes(USER_LABEL)).toBe(false);
    expect(plain.userDegradedFingerprint).toBe('');
    expect(photosFingerprint([flat(8, 8, 0.5)])).not.toBe(photosFingerprint([flat(8, 8, 0.6)]));
    expect(photosFingerprint([flat(8, 8, 0.5)])).toBe(photosFingerprint([flat(8, 8, 0.5)]));
  });
});
