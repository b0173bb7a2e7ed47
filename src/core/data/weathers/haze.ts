// Haze by the atmospheric scattering model.

import { clamp01InPlace, cloneImage, type RGBImage } from '../image.ts';
import { resolveParams, sampleFromSpecs, type SampledParamSpec } from '../params.ts';
import { Rng } from '../rng.ts';
import type { WeatherResult, WeatherSpec } from '../weather.ts';
import { airlightColour, checkInputs, transmission } from './common.ts';

export interface HazeParams {
  beta: number;
  airlight: number;
  tint: number;
  nonuniform: number;
}

export const HAZE_PARAMS: readonly SampledParamSpec<keyof HazeParams>[] = [
  {
    type: 'number',
    name: 'beta',
    label: 'Haze density (beta)',
    min: 0,
    max: 6,
    step: 0.05,
    default: 1.2,
    range: [0.2, 2.8],
    // Dense haze: the input falls near 10 dB.
    wide: [0.2, 5.5],
    severity: 1,
    log: true,
    help: 'Scattering coefficient: t = exp(-beta * depth), depth in [0, 1]',
  },
  {
    type: 'number',
    name: 'airlight',
    label: 'Airlight',
    min: 0.3,
    max: 1,
    step: 0.01,
    default: 0.85,
    range: [0.7, 1],
    wide: [0.55, 1],
    severity: 0,
    help: 'Brightness A of the scattered light',
  },
  {
    type: 'number',
    name: 'tint',
    label: 'Airlight tint',
    min: -0.2,
    max: 0.2,
    step: 0.01,
    default: 0,
    range: [-0.06, 0.06],
    severity: 0,
    help: 'Positive warm (yellowish), negative cool (bluish)',
  },
  {
    type: 'number',
    name: 'nonuniform',
    label: 'Patchiness',
    min: 0,
    max: 1,
    step: 0.05,
    default: 0,
    range: [0, 0.4],
    wide: [0, 0.7],
    severity: 0,
    help: 'Low-frequency variation of beta across the image',
  },
];

/** Haze by the atmospheric scattering model I = J t + A (1 - t), t = exp(-beta d). */
export function applyHaze(clean: RGBImage, depth: Float32Array, params: Partial<HazeParams>, seed: number): WeatherResult<HazeParams> {
  checkInputs(clean, depth);
  const p = resolveParams<HazeParams>(HAZE_PARAMS, params);
  const { width: w, height: h } = clean;
  const t = transmission(w, h, depth, p.beta, p.nonuniform, new Rng(seed));
  const A = airlightColour(p.airlight, p.tint);
  const out = cloneImage(clean);
  const d = out.data;
  for (let i = 0, o = 0; i < t.length; i++, o += 3) {
    const ti = t[i];
    d[o] = d[o] * ti + A[0] * (1 - ti);
    d[o + 1] = d[o + 1] * ti + A[1] * (1 - ti);
    d[o + 2] = d[o + 2] * ti + A[2] * (1 - ti);
  }
  clamp01InPlace(d);
  return { image: out, params: p };
}

export const HAZE: WeatherSpec<'haze'> = {
  type: 'haze',
  label: 'Haze',
  description: 'Atmospheric scattering I = J t + A (1 - t), t = exp(-beta d), with the depth map.',
  params: HAZE_PARAMS,
  sampleParams: (rng, severity, wide) => sampleFromSpecs<HazeParams>(HAZE_PARAMS, rng, severity, wide),
  apply: applyHaze,
};
