// Rain streaks and heavy rain (streaks receding into a veil of haze).

import { addStreak } from '../raster.ts';
import { gaussianBlur } from '../filters.ts';
import { clamp01InPlace, cloneImage, type RGBImage } from '../image.ts';
import { resolveParams, sampleFromSpecs, type SampledParamSpec } from '../params.ts';
import { Rng } from '../rng.ts';
import type { WeatherResult, WeatherSpec } from '../weather.ts';
import { checkInputs, DEG, transmission } from './common.ts';

export interface RainParams {
  density: number;
  length: number;
  angle: number;
  width: number;
  intensity: number;
  layers: number;
  angleSpread: number;
}

export interface HeavyRainParams extends RainParams {
  beta: number;
  airlight: number;
  blur: number;
}

const STREAK_SPECS = (heavy: boolean): SampledParamSpec<keyof RainParams>[] => [
  {
    type: 'number',
    name: 'density',
    label: 'Streak density',
    min: 0.0005,
    max: 0.1,
    step: 0.0005,
    default: heavy ? 0.004 : 0.002,
    range: heavy ? [0.002, 0.006] : [0.001, 0.004],
    wide: heavy ? [0.002, 0.012] : [0.0005, 0.008],
    severity: 1,
    log: true,
    help: 'Fraction of pixels seeding a streak, per layer (the thresholded sparse noise)',
  },
  {
    type: 'number',
    name: 'length',
    label: 'Streak length',
    min: 2,
    max: 100,
    step: 1,
    default: heavy ? 30 : 20,
    range: heavy ? [15, 50] : [10, 40],
    wide: heavy ? [10, 80] : [4, 70],
    severity: 0,
    unit: 'px',
    help: 'Motion-blur length',
  },
  {
    type: 'number',
    name: 'angle',
    label: 'Angle from vertical',
    min: -60,
    max: 60,
    step: 1,
    default: 0,
    range: [-30, 30],
    severity: 0,
    unit: 'deg',
  },
  {
    type: 'number',
    name: 'width',
    label: 'Streak width',
    min: 0.4,
    max: 5,
    step: 0.1,
    default: heavy ? 1.5 : 1.1,
    range: heavy ? [0.8, 2.2] : [0.6, 1.8],
    wide: heavy ? [0.6, 3] : [0.4, 2.6],
    severity: 1,
    unit: 'px',
  },
  {
    type: 'number',
    name: 'intensity',
    label: 'Brightness',
    min: 0.05,
    max: 1,
    step: 0.01,
    default: heavy ? 0.5 : 0.5,
    range: heavy ? [0.3, 0.7] : [0.25, 0.85],
    wide: heavy ? [0.25, 0.9] : [0.12, 0.95],
    severity: 1,
    help: 'Light a full streak adds',
  },
  {
    type: 'int',
    name: 'layers',
    label: 'Layers',
    min: 1,
    max: 5,
    step: 1,
    default: heavy ? 3 : 1,
    range: heavy ? [2, 4] : [1, 3],
    wide: heavy ? [2, 5] : [1, 4],
    severity: 1,
    help: 'Rain100H mixes several directions',
  },
  {
    type: 'number',
    name: 'angleSpread',
    label: 'Layer angle spread',
    min: 0,
    max: 45,
    step: 1,
    default: 8,
    range: [0, 15],
    severity: 0,
    unit: 'deg',
  },
];

export const RAIN_PARAMS: readonly SampledParamSpec<keyof RainParams>[] = STREAK_SPECS(false);

export const HEAVY_RAIN_PARAMS: readonly SampledParamSpec<keyof HeavyRainParams>[] = [
  ...STREAK_SPECS(true),
  {
    type: 'number',
    name: 'beta',
    label: 'Haze density (beta)',
    min: 0,
    max: 6,
    step: 0.05,
    default: 0.8,
    range: [0.2, 1.4],
    wide: [0.2, 2.6],
    severity: 1,
    log: true,
    help: 'Scattering coefficient: t = exp(-beta * depth)',
  },
  { type: 'number', name: 'airlight', label: 'Airlight', min: 0.3, max: 1, step: 0.01, default: 0.85, range: [0.7, 0.95], severity: 0 },
  {
    type: 'number',
    name: 'blur',
    label: 'Scene blur',
    min: 0,
    max: 3,
    step: 0.05,
    default: 0.5,
    range: [0, 1],
    wide: [0, 1.6],
    severity: 1,
    unit: 'px',
    help: 'Gaussian sigma: scattering by the rain curtain softens the scene',
  },
];

/**
 * Rain streak map in [0, 1]: sparse seeds (uniform noise thresholded at 1 - density), each
 * motion-blurred along the layer's angle. With `recede`, earlier layers are farther: thinner,
 * shorter, dimmer (the Outdoor-Rain layering).
 */
function streakMap(w: number, h: number, p: RainParams, rng: Rng, recede: boolean): Float32Array {
  const map = new Float32Array(w * h);
  const layers = Math.max(1, Math.round(p.layers));
  for (let l = 0; l < layers; l++) {
    const near = recede ? (l + 1) / layers : 1;
    const angle = (p.angle + (l === 0 ? 0 : rng.uniform(-p.angleSpread, p.angleSpread))) * DEG;
    const len = p.length * (l === 0 ? 1 : rng.uniform(0.7, 1.2)) * (0.5 + 0.5 * near);
    const width = p.width * (0.5 + 0.5 * near);
    const amp = 0.55 + 0.45 * near;
    // Seeds over the image grown by half a streak, so streaks enter across the borders.
    const ex = (Math.abs(Math.sin(angle)) * len) / 2 + 2;
    const ey = (Math.abs(Math.cos(angle)) * len) / 2 + 2;
    const count = Math.round(p.density * (w + 2 * ex) * (h + 2 * ey) * (recede ? 1.5 - near * 0.5 : 1));
    const jitter = Math.min(2, p.angleSpread / 4) * DEG;
    for (let k = 0; k < count; k++) {
      const a = angle + rng.uniform(-jitter, jitter);
      const hl = (len * rng.uniform(0.7, 1.3)) / 2;
      addStreak(
        map,
        w,
        h,
        rng.uniform(-ex, w + ex),
        rng.uniform(-ey, h + ey),
        Math.sin(a),
        Math.cos(a),
        Math.max(hl, 0.75),
        width * rng.uniform(0.8, 1.2),
        amp * rng.uniform(0.45, 1),
      );
    }
  }
  for (let i = 0; i < map.length; i++) if (map[i] > 1) map[i] = 1;
  return map;
}

/** Rain streaks (the Rain100L/H recipe): streak map added to the image. Only adds light. */
export function applyRain(clean: RGBImage, depth: Float32Array, params: Partial<RainParams>, seed: number): WeatherResult<RainParams> {
  checkInputs(clean, depth);
  const p = resolveParams<RainParams>(RAIN_PARAMS, params);
  const { width: w, height: h } = clean;
  const map = streakMap(w, h, p, new Rng(seed), false);
  const out = cloneImage(clean);
  const d = out.data;
  for (let i = 0, o = 0; i < map.length; i++, o += 3) {
    const s = p.intensity * map[i];
    d[o] += s;
    d[o + 1] += s;
    d[o + 2] += s;
  }
  clamp01InPlace(d);
  return { image: out, params: p };
}

/**
 * Heavy rain (the Outdoor-Rain model): I = T (J + S) + (1 - T) A with T = exp(-beta d), streak
 * layers S receding with distance, and a slight scattering blur of the scene.
 */
export function applyHeavyRain(clean: RGBImage, depth: Float32Array, params: Partial<HeavyRainParams>, seed: number): WeatherResult<HeavyRainParams> {
  checkInputs(clean, depth);
  const p = resolveParams<HeavyRainParams>(HEAVY_RAIN_PARAMS, params);
  const { width: w, height: h } = clean;
  const rng = new Rng(seed);
  const map = streakMap(w, h, p, rng.fork('streaks'), true);
  const t = transmission(w, h, depth, p.beta, 0, rng);
  const out = cloneImage(clean);
  const d = out.data;
  gaussianBlur(d, w, h, 3, p.blur);
  const a = p.airlight;
  for (let i = 0, o = 0; i < map.length; i++, o += 3) {
    const s = p.intensity * map[i];
    const ti = t[i];
    const veil = (1 - ti) * a;
    d[o] = (d[o] + s) * ti + veil;
    d[o + 1] = (d[o + 1] + s) * ti + veil;
    d[o + 2] = (d[o + 2] + s) * ti + veil;
  }
  clamp01InPlace(d);
  return { image: out, params: p };
}

export const RAIN: WeatherSpec<'rain'> = {
  type: 'rain',
  label: 'Rain streaks',
  description: 'Sparse noise motion-blurred along an angle and added to the image (Rain100L/H recipe).',
  params: RAIN_PARAMS,
  sampleParams: (rng, severity, wide) => sampleFromSpecs<RainParams>(RAIN_PARAMS, rng, severity, wide),
  apply: applyRain,
};

export const HEAVY_RAIN: WeatherSpec<'heavy-rain'> = {
  type: 'heavy-rain',
  label: 'Heavy rain',
  description: 'Dense receding streak layers inside a veiling haze, I = T (J + S) + (1 - T) A (Outdoor-Rain).',
  params: HEAVY_RAIN_PARAMS,
  sampleParams: (rng, severity, wide) => sampleFromSpecs<HeavyRainParams>(HEAVY_RAIN_PARAMS, rng, severity, wide),
  apply: applyHeavyRain,
};
