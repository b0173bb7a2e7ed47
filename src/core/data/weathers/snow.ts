// Snow: layers of flakes and a white veil that grows with depth.

import { addBlob } from '../raster.ts';
import { clamp01InPlace, cloneImage, type RGBImage } from '../image.ts';
import { resolveParams, sampleFromSpecs, type SampledParamSpec } from '../params.ts';
import { Rng } from '../rng.ts';
import type { WeatherResult, WeatherSpec } from '../weather.ts';
import { checkInputs, DEG } from './common.ts';

export interface SnowParams {
  density: number;
  sizeMin: number;
  sizeMax: number;
  layers: number;
  blur: number;
  motion: number;
  angle: number;
  opacity: number;
  veil: number;
}

export const SNOW_PARAMS: readonly SampledParamSpec<keyof SnowParams>[] = [
  {
    type: 'number',
    name: 'density',
    label: 'Flake coverage',
    min: 0.002,
    max: 0.5,
    step: 0.002,
    default: 0.06,
    range: [0.015, 0.2],
    wide: [0.008, 0.35],
    severity: 1,
    log: true,
    help: 'Fraction of the image covered by flakes, all layers',
  },
  {
    type: 'number',
    name: 'sizeMin',
    label: 'Smallest flake radius',
    min: 0.3,
    max: 4,
    step: 0.1,
    default: 0.6,
    range: [0.4, 1],
    wide: [0.3, 1.6],
    severity: 0,
    unit: 'px',
  },
  {
    type: 'number',
    name: 'sizeMax',
    label: 'Largest flake radius',
    min: 0.5,
    max: 16,
    step: 0.1,
    default: 3.5,
    range: [1.5, 6],
    wide: [0.6, 12],
    severity: 1,
    unit: 'px',
  },
  {
    type: 'int',
    name: 'layers',
    label: 'Layers',
    min: 1,
    max: 6,
    step: 1,
    default: 3,
    range: [2, 4],
    severity: 0,
    help: 'Depth layers from small far flakes to large near ones',
  },
  {
    type: 'number',
    name: 'blur',
    label: 'Near-flake defocus',
    min: 0,
    max: 6,
    step: 0.1,
    default: 1,
    range: [0.2, 2],
    wide: [0, 3.5],
    severity: 0,
    unit: 'px',
    help: 'Blur of the nearest layer; farther layers are sharper',
  },
  { type: 'number', name: 'motion', label: 'Motion smear', min: 0, max: 24, step: 0.5, default: 2, range: [0, 6], wide: [0, 12], severity: 0, unit: 'px' },
  { type: 'number', name: 'angle', label: 'Fall angle', min: -60, max: 60, step: 1, default: 0, range: [-30, 30], severity: 0, unit: 'deg' },
  { type: 'number', name: 'opacity', label: 'Flake opacity', min: 0.2, max: 1, step: 0.01, default: 0.9, range: [0.65, 1], wide: [0.5, 1], severity: 1 },
  {
    type: 'number',
    name: 'veil',
    label: 'Snow veil',
    min: 0,
    max: 0.6,
    step: 0.01,
    default: 0.1,
    range: [0, 0.3],
    wide: [0, 0.45],
    severity: 1,
    help: 'Whitening that grows with depth (falling snow between camera and scene)',
  },
];

/**
 * Snow (Snow100K-like): several layers of flakes composited over the scene, far layers small and
 * sharp, near layers large, defocused and smeared by motion; plus a depth-dependent white veil.
 */
export function applySnow(clean: RGBImage, depth: Float32Array, params: Partial<SnowParams>, seed: number): WeatherResult<SnowParams> {
  checkInputs(clean, depth);
  const p = resolveParams<SnowParams>(SNOW_PARAMS, params);
  if (p.sizeMax < p.sizeMin) p.sizeMax = p.sizeMin;
  const { width: w, height: h } = clean;
  const rng = new Rng(seed);
  const alpha = new Float32Array(w * h);
  const layers = Math.max(1, Math.round(p.layers));
  const angle = p.angle * DEG;
  for (let l = 0; l < layers; l++) {
    const near = layers === 1 ? 1 : l / (layers - 1);
    const r = p.sizeMin + (p.sizeMax - p.sizeMin) * Math.pow(near, 1.5);
    const sigma = p.blur * near * near;
    const smear = (p.motion * (0.3 + 0.7 * near)) / 2;
    const count = Math.round(((p.density / layers) * ((w + 2 * r) * (h + 2 * r))) / (Math.PI * r * r));
    for (let k = 0; k < count; k++) {
      const rr = r * rng.uniform(0.7, 1.3);
      // Defocus spreads a flake's light over a wider, fainter disk (same total light).
      const grown = rr + 0.8 * sigma;
      const opacity = p.opacity * rng.uniform(0.6, 1) * Math.min(1, (rr * rr) / (grown * grown)) * (rr / (rr + smear));
      const a = angle + rng.uniform(-0.15, 0.15);
      addBlob(alpha, w, h, rng.uniform(-rr, w + rr), rng.uniform(-rr, h + rr), Math.sin(a), Math.cos(a), smear, grown, 0.8 + 1.5 * sigma, opacity);
    }
  }
  const flake = [rng.uniform(0.92, 1), rng.uniform(0.94, 1), 1];
  const out = cloneImage(clean);
  const d = out.data;
  for (let i = 0, o = 0; i < alpha.length; i++, o += 3) {
    const v = p.veil * (0.3 + 0.7 * depth[i]);
    const a = alpha[i];
    for (let ch = 0; ch < 3; ch++) {
      const bg = d[o + ch] * (1 - v) + 0.9 * flake[ch] * v;
      d[o + ch] = bg * (1 - a) + flake[ch] * a;
    }
  }
  clamp01InPlace(d);
  return { image: out, params: p };
}

export const SNOW: WeatherSpec<'snow'> = {
  type: 'snow',
  label: 'Snow',
  description: 'Layers of flakes, small and sharp far away, large, defocused and smeared nearby (Snow100K-like).',
  params: SNOW_PARAMS,
  sampleParams: (rng, severity, wide) => sampleFromSpecs<SnowParams>(SNOW_PARAMS, rng, severity, wide),
  apply: applySnow,
};
