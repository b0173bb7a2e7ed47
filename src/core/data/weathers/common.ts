// Helpers shared by the weather synthesisers: input checks and the atmospheric scattering model.

import { fbm } from '../filters.ts';
import type { RGBImage } from '../image.ts';
import type { Rng } from '../rng.ts';

export function checkInputs(clean: RGBImage, depth: Float32Array): void {
  if (clean.data.length !== clean.width * clean.height * 3) throw new Error('weather: image data length mismatch');
  if (depth.length !== clean.width * clean.height) {
    throw new Error(`weather: depth has ${depth.length} values, image has ${clean.width * clean.height} pixels`);
  }
}

export const DEG = Math.PI / 180;

/** Transmission t = exp(-beta * d * (1 + patchiness)) per pixel. */
export function transmission(w: number, h: number, depth: Float32Array, beta: number, nonuniform: number, rng: Rng): Float32Array {
  const t = new Float32Array(w * h);
  const patches = nonuniform > 0 ? fbm(w, h, Math.max(w, h) / 2, 3, rng) : null;
  for (let i = 0; i < t.length; i++) {
    const k = patches ? 1 + nonuniform * (2 * patches[i] - 1) : 1;
    t[i] = Math.exp(-beta * depth[i] * k);
  }
  return t;
}

export function airlightColour(airlight: number, tint: number): [number, number, number] {
  const c = (v: number): number => Math.min(Math.max(v, 0), 1);
  return [c(airlight * (1 + tint)), c(airlight), c(airlight * (1 - tint))];
}
