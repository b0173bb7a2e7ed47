// Weather synthesis: pure, seeded functions of (clean image, depth, params, seed). Each returns
// the degraded image and the full parameters it used (plain JSON), so a pair can be reproduced,
// shown in the UI, or used as a label. Spatial parameters are in output pixels.

import { addBlob, addStreak } from './raster.ts';
import { fbm, gaussianBlur, sampleBilinear3 } from './filters.ts';
import { clamp01InPlace, cloneImage, createImage, type RGBImage } from './image.ts';
import { resolveParams, sampleFromSpecs, type ParamSpec } from './params.ts';
import { deriveSeed, Rng, rngFor } from './rng.ts';

export const WEATHER_TYPES = ['rain', 'heavy-rain', 'haze', 'snow', 'raindrop', 'mix'] as const;
export type WeatherType = (typeof WEATHER_TYPES)[number];

/** Weathers a mixture may combine (heavy rain is already rain plus haze). */
export const MIXABLE_WEATHERS = ['haze', 'rain', 'snow', 'raindrop'] as const;
export type MixableWeather = (typeof MIXABLE_WEATHERS)[number];

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

export interface HazeParams {
  beta: number;
  airlight: number;
  tint: number;
  nonuniform: number;
}

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

export interface RaindropParams {
  coverage: number;
  radiusMin: number;
  radiusMax: number;
  blur: number;
  refraction: number;
  edgeDarkening: number;
  highlight: number;
  elongation: number;
  veil: number;
  sceneBlur: number;
}

export type MixComponent = {
  [K in MixableWeather]: { type: K; params: WeatherParamsMap[K] };
}[MixableWeather];

export interface MixParams {
  count: number;
  /** Applied in this order: haze, rain, snow, raindrop (scene, then air, then glass). */
  components: MixComponent[];
}

export interface WeatherParamsMap {
  rain: RainParams;
  'heavy-rain': HeavyRainParams;
  haze: HazeParams;
  snow: SnowParams;
  raindrop: RaindropParams;
  mix: MixParams;
}
export type WeatherParams = WeatherParamsMap[WeatherType];

export interface WeatherResult<P> {
  image: RGBImage;
  params: P;
}

type NumericKeys<P> = { [K in keyof P]: P[K] extends number ? K : never }[keyof P] & string;

export interface WeatherSpec<K extends WeatherType> {
  type: K;
  label: string;
  description: string;
  /** One row per numeric parameter: slider bounds, default, sampling range. */
  params: readonly ParamSpec<NumericKeys<WeatherParamsMap[K]>>[];
  /** Draws parameters; severity in [0, 1] (0 light, 1 worst), or undefined for the full range. */
  sampleParams(rng: Rng, severity?: number): WeatherParamsMap[K];
  /** Missing parameters take their defaults; all are clamped to the table's bounds. */
  apply(
    clean: RGBImage,
    depth: Float32Array,
    params: Partial<WeatherParamsMap[K]>,
    seed: number,
  ): WeatherResult<WeatherParamsMap[K]>;
}

// ---------------------------------------------------------------------------------------------
// Parameter tables
// ---------------------------------------------------------------------------------------------

const STREAK_SPECS = (heavy: boolean): ParamSpec<keyof RainParams>[] => [
  {
    name: 'density', label: 'Streak density', min: 0.0005, max: 0.1, step: 0.0005, default: heavy ? 0.004 : 0.002,
    range: heavy ? [0.002, 0.006] : [0.001, 0.004], severity: 1, log: true,
    help: 'Fraction of pixels seeding a streak, per layer (the thresholded sparse noise)',
  },
  {
    name: 'length', label: 'Streak length', min: 2, max: 100, step: 1, default: heavy ? 30 : 20,
    range: heavy ? [15, 50] : [10, 40], severity: 0, unit: 'px', help: 'Motion-blur length',
  },
  {
    name: 'angle', label: 'Angle from vertical', min: -60, max: 60, step: 1, default: 0,
    range: [-30, 30], severity: 0, unit: 'deg',
  },
  {
    name: 'width', label: 'Streak width', min: 0.4, max: 5, step: 0.1, default: heavy ? 1.5 : 1.1,
    range: heavy ? [0.8, 2.2] : [0.6, 1.8], severity: 1, unit: 'px',
  },
  {
    name: 'intensity', label: 'Brightness', min: 0.05, max: 1, step: 0.01, default: heavy ? 0.5 : 0.5,
    range: heavy ? [0.3, 0.7] : [0.25, 0.85], severity: 1, help: 'Light a full streak adds',
  },
  {
    name: 'layers', label: 'Layers', min: 1, max: 5, step: 1, default: heavy ? 3 : 1,
    range: heavy ? [2, 4] : [1, 3], severity: 1, integer: true, help: 'Rain100H mixes several directions',
  },
  {
    name: 'angleSpread', label: 'Layer angle spread', min: 0, max: 45, step: 1, default: 8,
    range: [0, 15], severity: 0, unit: 'deg',
  },
];

export const RAIN_PARAMS: readonly ParamSpec<keyof RainParams>[] = STREAK_SPECS(false);

export const HEAVY_RAIN_PARAMS: readonly ParamSpec<keyof HeavyRainParams>[] = [
  ...STREAK_SPECS(true),
  {
    name: 'beta', label: 'Haze density (beta)', min: 0, max: 6, step: 0.05, default: 0.8,
    range: [0.2, 1.4], severity: 1, log: true, help: 'Scattering coefficient: t = exp(-beta * depth)',
  },
  { name: 'airlight', label: 'Airlight', min: 0.3, max: 1, step: 0.01, default: 0.85, range: [0.7, 0.95], severity: 0 },
  {
    name: 'blur', label: 'Scene blur', min: 0, max: 3, step: 0.05, default: 0.5, range: [0, 1], severity: 1,
    unit: 'px', help: 'Gaussian sigma: scattering by the rain curtain softens the scene',
  },
];

export const HAZE_PARAMS: readonly ParamSpec<keyof HazeParams>[] = [
  {
    name: 'beta', label: 'Haze density (beta)', min: 0, max: 6, step: 0.05, default: 1.2,
    range: [0.2, 2.8], severity: 1, log: true, help: 'Scattering coefficient: t = exp(-beta * depth), depth in [0, 1]',
  },
  {
    name: 'airlight', label: 'Airlight', min: 0.3, max: 1, step: 0.01, default: 0.85, range: [0.7, 1],
    severity: 0, help: 'Brightness A of the scattered light',
  },
  {
    name: 'tint', label: 'Airlight tint', min: -0.2, max: 0.2, step: 0.01, default: 0, range: [-0.06, 0.06],
    severity: 0, help: 'Positive warm (yellowish), negative cool (bluish)',
  },
  {
    name: 'nonuniform', label: 'Patchiness', min: 0, max: 1, step: 0.05, default: 0, range: [0, 0.4],
    severity: 0, help: 'Low-frequency variation of beta across the image',
  },
];

export const SNOW_PARAMS: readonly ParamSpec<keyof SnowParams>[] = [
  {
    name: 'density', label: 'Flake coverage', min: 0.002, max: 0.5, step: 0.002, default: 0.06,
    range: [0.015, 0.2], severity: 1, log: true, help: 'Fraction of the image covered by flakes, all layers',
  },
  { name: 'sizeMin', label: 'Smallest flake radius', min: 0.3, max: 4, step: 0.1, default: 0.6, range: [0.4, 1], severity: 0, unit: 'px' },
  { name: 'sizeMax', label: 'Largest flake radius', min: 0.5, max: 16, step: 0.1, default: 3.5, range: [1.5, 6], severity: 1, unit: 'px' },
  {
    name: 'layers', label: 'Layers', min: 1, max: 6, step: 1, default: 3, range: [2, 4], severity: 0, integer: true,
    help: 'Depth layers from small far flakes to large near ones',
  },
  {
    name: 'blur', label: 'Near-flake defocus', min: 0, max: 6, step: 0.1, default: 1, range: [0.2, 2], severity: 0,
    unit: 'px', help: 'Blur of the nearest layer; farther layers are sharper',
  },
  { name: 'motion', label: 'Motion smear', min: 0, max: 24, step: 0.5, default: 2, range: [0, 6], severity: 0, unit: 'px' },
  { name: 'angle', label: 'Fall angle', min: -60, max: 60, step: 1, default: 0, range: [-30, 30], severity: 0, unit: 'deg' },
  { name: 'opacity', label: 'Flake opacity', min: 0.2, max: 1, step: 0.01, default: 0.9, range: [0.65, 1], severity: 1 },
  {
    name: 'veil', label: 'Snow veil', min: 0, max: 0.6, step: 0.01, default: 0.1, range: [0, 0.3], severity: 1,
    help: 'Whitening that grows with depth (falling snow between camera and scene)',
  },
];

export const RAINDROP_PARAMS: readonly ParamSpec<keyof RaindropParams>[] = [
  {
    name: 'coverage', label: 'Glass coverage', min: 0.01, max: 0.8, step: 0.01, default: 0.25, range: [0.06, 0.55],
    severity: 1, help: 'Fraction of the glass covered by drops',
  },
  { name: 'radiusMin', label: 'Smallest drop radius', min: 1, max: 30, step: 0.5, default: 2.5, range: [1.5, 4], severity: 0, unit: 'px' },
  // Real drops (RainDrop) reach 20-40 px in radius at 720x480 and are often strongly defocused.
  { name: 'radiusMax', label: 'Largest drop radius', min: 2, max: 60, step: 0.5, default: 10, range: [6, 28], severity: 1, unit: 'px' },
  {
    name: 'blur', label: 'Defocus', min: 0, max: 8, step: 0.1, default: 1.2, range: [0.4, 5], severity: 0, unit: 'px',
    help: 'The camera focuses on the scene, so the drops are out of focus',
  },
  {
    name: 'refraction', label: 'Refraction', min: 0.5, max: 6, step: 0.1, default: 2.5, range: [1.5, 4], severity: 0,
    help: 'A drop shows an inverted view of a region this many times its size',
  },
  { name: 'edgeDarkening', label: 'Rim darkening', min: 0, max: 1, step: 0.01, default: 0.35, range: [0.15, 0.55], severity: 0 },
  { name: 'highlight', label: 'Specular highlight', min: 0, max: 1, step: 0.01, default: 0.3, range: [0.05, 0.5], severity: 0 },
  { name: 'elongation', label: 'Vertical elongation', min: 1, max: 2.5, step: 0.05, default: 1.15, range: [1, 1.5], severity: 0 },
  {
    // In the RainDrop pairs the wet glass brightens the input by 3 to 29 grey levels on average,
    // most in blue: a veil of about 0.04 to 0.25 towards a bluish white.
    name: 'veil', label: 'Wet-glass veil', min: 0, max: 0.5, step: 0.01, default: 0.08, range: [0, 0.28], severity: 1,
    help: 'Light scattered by the wet glass: a patchy bluish-white veil, strongest over the drops',
  },
  {
    // The RainDrop targets have 1.5 to 1.85 times the fine detail (mean |Laplacian| of Y) of their
    // inputs; sharpening an input brings it closer to its target, blurring it moves it away.
    name: 'sceneBlur', label: 'Wet-glass blur', min: 0, max: 3, step: 0.05, default: 0.5, range: [0, 1.2], severity: 1,
    unit: 'px', help: 'The water film on the glass softens the whole scene behind it',
  },
];

export const MIX_PARAMS: readonly ParamSpec<'count'>[] = [
  { name: 'count', label: 'Weathers combined', min: 2, max: 4, step: 1, default: 2, range: [2, 3], severity: 1, integer: true },
];

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

function checkInputs(clean: RGBImage, depth: Float32Array): void {
  if (clean.data.length !== clean.width * clean.height * 3) throw new Error('weather: image data length mismatch');
  if (depth.length !== clean.width * clean.height) {
    throw new Error(`weather: depth has ${depth.length} values, image has ${clean.width * clean.height} pixels`);
  }
}

const DEG = Math.PI / 180;

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
        map, w, h,
        rng.uniform(-ex, w + ex), rng.uniform(-ey, h + ey),
        Math.sin(a), Math.cos(a),
        Math.max(hl, 0.75), width * rng.uniform(0.8, 1.2), amp * rng.uniform(0.45, 1),
      );
    }
  }
  for (let i = 0; i < map.length; i++) if (map[i] > 1) map[i] = 1;
  return map;
}

/** Transmission t = exp(-beta * d * (1 + patchiness)) per pixel. */
function transmission(w: number, h: number, depth: Float32Array, beta: number, nonuniform: number, rng: Rng): Float32Array {
  const t = new Float32Array(w * h);
  const patches = nonuniform > 0 ? fbm(w, h, Math.max(w, h) / 2, 3, rng) : null;
  for (let i = 0; i < t.length; i++) {
    const k = patches ? 1 + nonuniform * (2 * patches[i] - 1) : 1;
    t[i] = Math.exp(-beta * depth[i] * k);
  }
  return t;
}

function airlightColour(airlight: number, tint: number): [number, number, number] {
  const c = (v: number): number => Math.min(Math.max(v, 0), 1);
  return [c(airlight * (1 + tint)), c(airlight), c(airlight * (1 - tint))];
}

// ---------------------------------------------------------------------------------------------
// Synthesisers
// ---------------------------------------------------------------------------------------------

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
export function applyHeavyRain(
  clean: RGBImage,
  depth: Float32Array,
  params: Partial<HeavyRainParams>,
  seed: number,
): WeatherResult<HeavyRainParams> {
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
    const count = Math.round((p.density / layers) * ((w + 2 * r) * (h + 2 * r)) / (Math.PI * r * r));
    for (let k = 0; k < count; k++) {
      const rr = r * rng.uniform(0.7, 1.3);
      // Defocus spreads a flake's light over a wider, fainter disk (same total light).
      const grown = rr + 0.8 * sigma;
      const opacity = p.opacity * rng.uniform(0.6, 1) * Math.min(1, (rr * rr) / (grown * grown)) * (rr / (rr + smear));
      const a = angle + rng.uniform(-0.15, 0.15);
      addBlob(
        alpha, w, h,
        rng.uniform(-rr, w + rr), rng.uniform(-rr, h + rr),
        Math.sin(a), Math.cos(a), smear,
        grown, 0.8 + 1.5 * sigma, opacity,
      );
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

/**
 * Raindrops on glass (after the RainDrop data set): each drop is a small lens showing an
 * inverted, blurred view of a larger region behind it, with a darker rim and a specular glint;
 * the camera focuses on the scene, so drops and their surroundings are then defocused; and the
 * wet glass softens the whole scene and scatters light into a veil over it.
 */
export function applyRaindrop(
  clean: RGBImage,
  depth: Float32Array,
  params: Partial<RaindropParams>,
  seed: number,
): WeatherResult<RaindropParams> {
  checkInputs(clean, depth);
  const p = resolveParams<RaindropParams>(RAINDROP_PARAMS, params);
  if (p.radiusMax < p.radiusMin) p.radiusMax = p.radiusMin;
  const { width: w, height: h } = clean;
  const rng = new Rng(seed);
  // The scene as seen through the wet glass.
  const J = clean.data.slice();
  gaussianBlur(J, w, h, 3, p.sceneBlur);
  // What a drop refracts is a tiny low-resolution image: blur the background before sampling.
  const Jb = J.slice();
  gaussianBlur(Jb, w, h, 3, 1 + 0.5 * p.blur);
  const comp = J.slice();
  const mask = new Float32Array(w * h);
  const lo = p.radiusMin;
  const hi = p.radiusMax * 1.000001;
  // Mean drop area for log-uniform radii: pi * E[r^2] * elongation.
  const meanR2 = hi > lo * 1.0001 ? (hi * hi - lo * lo) / (2 * Math.log(hi / lo)) : lo * lo;
  const count = Math.round((p.coverage * w * h) / (Math.PI * meanR2 * p.elongation));
  const px = new Float32Array(3);
  for (let k = 0; k < count; k++) {
    const r = rng.logUniform(lo, hi);
    const rx = r;
    const ry = r * p.elongation * rng.uniform(0.9, 1.1);
    const cx = rng.uniform(-0.5 * r, w + 0.5 * r);
    const cy = rng.uniform(-0.5 * ry, h + 0.5 * ry);
    // Irregular outline: radius modulated by 2nd and 3rd angular harmonics.
    const a2 = rng.uniform(0, 0.12);
    const c2 = Math.cos(rng.uniform(0, 2 * Math.PI));
    const s2 = Math.sqrt(1 - c2 * c2) * (rng.bool() ? 1 : -1);
    const a3 = rng.uniform(0, 0.08);
    const c3 = Math.cos(rng.uniform(0, 2 * Math.PI));
    const s3 = Math.sqrt(1 - c3 * c3) * (rng.bool() ? 1 : -1);
    const bound = 1 + a2 + a3;
    const edge = 1.2 / r; // about a pixel of anti-aliasing, in normalised radius
    const k0 = p.refraction * rng.uniform(0.85, 1.15);
    const xa = Math.max(0, Math.floor(cx - rx * bound));
    const xb = Math.min(w - 1, Math.ceil(cx + rx * bound));
    const ya = Math.max(0, Math.floor(cy - ry * bound));
    const yb = Math.min(h - 1, Math.ceil(cy + ry * bound));
    for (let y = ya; y <= yb; y++) {
      const v = (y + 0.5 - cy) / ry;
      for (let x = xa; x <= xb; x++) {
        const u = (x + 0.5 - cx) / rx;
        const rho2 = u * u + v * v;
        if (rho2 >= bound * bound) continue;
        const rho0 = Math.sqrt(rho2) + 1e-9;
        const cs = u / rho0;
        const sn = v / rho0;
        // cos(2θ + φ) and cos(3θ + φ) from (cos θ, sin θ) without atan2.
        const cos2 = cs * cs - sn * sn;
        const sin2 = 2 * cs * sn;
        const cos3 = cs * (4 * cs * cs - 3);
        const sin3 = sn * (3 - 4 * sn * sn);
        const rim = 1 + a2 * (cos2 * c2 - sin2 * s2) + a3 * (cos3 * c3 - sin3 * s3);
        const rho = rho0 / rim;
        if (rho >= 1) continue;
        const m = rho <= 1 - edge ? 1 : (1 - rho) / edge;
        // Inverted lens, bending harder towards the rim (a fisheye).
        const kk = k0 * (1 + 0.6 * rho * rho);
        sampleBilinear3(Jb, w, h, cx - u * rx * kk - 0.5, cy - v * ry * kk - 0.5, px);
        const dark = 1 - p.edgeDarkening * rho * rho * rho;
        const gu = u + 0.35;
        const gv = v + 0.4;
        const glint = p.highlight * Math.exp(-(gu * gu + gv * gv) * 30);
        const i = y * w + x;
        const o = i * 3;
        for (let ch = 0; ch < 3; ch++) {
          const c = px[ch] * dark;
          const val = c + glint * (1 - c);
          comp[o + ch] += (val - comp[o + ch]) * m;
        }
        if (m > mask[i]) mask[i] = m;
      }
    }
  }
  const out = createImage(w, h);
  const d = out.data;
  if (p.blur > 0.05) {
    gaussianBlur(comp, w, h, 3, p.blur);
    gaussianBlur(mask, w, h, 1, p.blur);
  }
  // Near drops the defocused composite replaces the scene; elsewhere it is only softened and veiled.
  const patches = p.veil > 0 ? fbm(w, h, Math.max(w, h) / 2, 3, rng) : null;
  const A = airlightColour(rng.uniform(0.82, 0.97), -rng.uniform(0, 0.08));
  for (let i = 0, o = 0; i < mask.length; i++, o += 3) {
    const m = Math.min(1, mask[i] * 1.3);
    const v = patches ? Math.min(0.6, p.veil * (0.4 + 0.6 * patches[i] + m)) : 0;
    for (let ch = 0; ch < 3; ch++) {
      const c = J[o + ch] + (comp[o + ch] - J[o + ch]) * m;
      d[o + ch] = c + (A[ch] - c) * v;
    }
  }
  clamp01InPlace(d);
  return { image: out, params: p };
}

const MIX_ORDER: Record<MixableWeather, number> = { haze: 0, rain: 1, snow: 2, raindrop: 3 };

/** Draws a mixture; `count`, when given, fixes how many weathers it combines. */
function sampleMixParams(rng: Rng, severity?: number, count?: number): MixParams {
  const drawn = sampleFromSpecs<{ count: number }>(MIX_PARAMS, rng, severity).count;
  if (count !== undefined) count = resolveParams<{ count: number }>(MIX_PARAMS, { count }).count;
  else count = drawn;
  const pool = [...MIXABLE_WEATHERS];
  const chosen: MixableWeather[] = [];
  for (let k = 0; k < count && pool.length > 0; k++) chosen.push(pool.splice(rng.int(0, pool.length), 1)[0]);
  chosen.sort((a, b) => MIX_ORDER[a] - MIX_ORDER[b]);
  // Several weathers at full strength bury the image: each component is toned down.
  const components = chosen.map((type) => {
    const s = severity === undefined ? rng.uniform(0.1, 0.7) : 0.8 * severity;
    return { type, params: WEATHERS[type].sampleParams(rng, s) } as MixComponent;
  });
  return { count: components.length, components };
}

/** Two or more weathers, applied in physical order: haze, rain, snow, then drops on the glass. */
export function applyMix(clean: RGBImage, depth: Float32Array, params: Partial<MixParams>, seed: number): WeatherResult<MixParams> {
  checkInputs(clean, depth);
  const p: MixParams =
    params.components && params.components.length > 0
      ? { count: params.components.length, components: params.components }
      : sampleMixParams(rngFor(seed, 'mix-params'), undefined, params.count);
  // Scene first, then the air, then the glass, whatever order the caller listed.
  const ordered = [...p.components].sort((a, b) => MIX_ORDER[a.type] - MIX_ORDER[b.type]);
  let image = clean;
  const used: MixComponent[] = [];
  ordered.forEach((c, k) => {
    const res = applyComponent(c, image, depth, deriveSeed(seed, 'mix', k));
    image = res.image;
    used.push(res.component);
  });
  return { image: image === clean ? cloneImage(clean) : image, params: { count: used.length, components: used } };
}

function applyComponent(c: MixComponent, image: RGBImage, depth: Float32Array, seed: number): { image: RGBImage; component: MixComponent } {
  switch (c.type) {
    case 'haze': {
      const r = applyHaze(image, depth, c.params, seed);
      return { image: r.image, component: { type: 'haze', params: r.params } };
    }
    case 'rain': {
      const r = applyRain(image, depth, c.params, seed);
      return { image: r.image, component: { type: 'rain', params: r.params } };
    }
    case 'snow': {
      const r = applySnow(image, depth, c.params, seed);
      return { image: r.image, component: { type: 'snow', params: r.params } };
    }
    case 'raindrop': {
      const r = applyRaindrop(image, depth, c.params, seed);
      return { image: r.image, component: { type: 'raindrop', params: r.params } };
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Registry
// ---------------------------------------------------------------------------------------------

export const WEATHERS: { readonly [K in WeatherType]: WeatherSpec<K> } = {
  rain: {
    type: 'rain',
    label: 'Rain streaks',
    description: 'Sparse noise motion-blurred along an angle and added to the image (Rain100L/H recipe).',
    params: RAIN_PARAMS,
    sampleParams: (rng, severity) => sampleFromSpecs<RainParams>(RAIN_PARAMS, rng, severity),
    apply: applyRain,
  },
  'heavy-rain': {
    type: 'heavy-rain',
    label: 'Heavy rain',
    description: 'Dense receding streak layers inside a veiling haze, I = T (J + S) + (1 - T) A (Outdoor-Rain).',
    params: HEAVY_RAIN_PARAMS,
    sampleParams: (rng, severity) => sampleFromSpecs<HeavyRainParams>(HEAVY_RAIN_PARAMS, rng, severity),
    apply: applyHeavyRain,
  },
  haze: {
    type: 'haze',
    label: 'Haze',
    description: 'Atmospheric scattering I = J t + A (1 - t), t = exp(-beta d), with the depth map.',
    params: HAZE_PARAMS,
    sampleParams: (rng, severity) => sampleFromSpecs<HazeParams>(HAZE_PARAMS, rng, severity),
    apply: applyHaze,
  },
  snow: {
    type: 'snow',
    label: 'Snow',
    description: 'Layers of flakes, small and sharp far away, large, defocused and smeared nearby (Snow100K-like).',
    params: SNOW_PARAMS,
    sampleParams: (rng, severity) => sampleFromSpecs<SnowParams>(SNOW_PARAMS, rng, severity),
    apply: applySnow,
  },
  raindrop: {
    type: 'raindrop',
    label: 'Raindrops on glass',
    description: 'Out-of-focus drops on the lens or window, each showing an inverted, blurred view of the scene; the wet glass veils and softens everything behind it.',
    params: RAINDROP_PARAMS,
    sampleParams: (rng, severity) => sampleFromSpecs<RaindropParams>(RAINDROP_PARAMS, rng, severity),
    apply: applyRaindrop,
  },
  mix: {
    type: 'mix',
    label: 'Mixed weather',
    description: 'Two or more of haze, rain, snow and raindrops, applied in physical order.',
    params: MIX_PARAMS,
    sampleParams: (rng, severity) => sampleMixParams(rng, severity),
    apply: applyMix,
  },
};

export interface SynthesizeOptions<K extends WeatherType> {
  /** Parameters to fix; the others are sampled. */
  params?: Partial<WeatherParamsMap[K]>;
  /** In [0, 1]; undefined samples over each parameter's full range. */
  severity?: number;
}

/**
 * Samples parameters (from the stream (seed, 'params')), overrides them with any given, and
 * applies the weather with noise from the stream (seed, 'noise').
 */
export function synthesizeWeather<K extends WeatherType>(
  type: K,
  clean: RGBImage,
  depth: Float32Array,
  seed: number,
  opts: SynthesizeOptions<K> = {},
): WeatherResult<WeatherParamsMap[K]> {
  const spec = WEATHERS[type] as WeatherSpec<K>;
  const rng = rngFor(seed, 'params');
  const fixed = opts.params as Partial<MixParams> | undefined;
  // A mixture's count decides which components are drawn, so it has to be known while sampling.
  const sampled =
    type === 'mix' && fixed?.count !== undefined && !fixed.components
      ? (sampleMixParams(rng, opts.severity, fixed.count) as WeatherParamsMap[K])
      : spec.sampleParams(rng, opts.severity);
  const params = { ...sampled, ...(opts.params ?? {}) } as WeatherParamsMap[K];
  return spec.apply(clean, depth, params, deriveSeed(seed, 'noise'));
}
