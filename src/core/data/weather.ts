// Weather synthesis: pure, seeded functions of (clean image, depth, params, seed). Each returns
// the degraded image and the full parameters it used (plain JSON), so a pair can be reproduced,
// shown in the UI, or used as a label. Spatial parameters are in output pixels. One file per
// weather in weathers/; this file holds the table (WEATHERS) and the mixtures drawn from it.

import { cloneImage, type RGBImage } from './image.ts';
import { resolveParams, sampleFromSpecs, type SampledParamSpec } from './params.ts';
import { deriveSeed, Rng, rngFor } from './rng.ts';
import { checkInputs } from './weathers/common.ts';
import { HAZE, type HazeParams } from './weathers/haze.ts';
import { HEAVY_RAIN, RAIN, type HeavyRainParams, type RainParams } from './weathers/rain.ts';
import { RAINDROP, type RaindropParams } from './weathers/raindrop.ts';
import { SNOW, type SnowParams } from './weathers/snow.ts';

export const WEATHER_TYPES = ['rain', 'heavy-rain', 'haze', 'snow', 'raindrop', 'mix'] as const;
export type WeatherType = (typeof WEATHER_TYPES)[number];

/** Weathers a mixture may combine (heavy rain is already rain plus haze). */
export const MIXABLE_WEATHERS = ['haze', 'rain', 'snow', 'raindrop'] as const;
export type MixableWeather = (typeof MIXABLE_WEATHERS)[number];

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
  params: readonly SampledParamSpec<NumericKeys<WeatherParamsMap[K]>>[];
  /** Draws parameters; severity in [0, 1] (0 light, 1 worst), or undefined for the full range. */
  sampleParams(rng: Rng, severity?: number, wide?: boolean): WeatherParamsMap[K];
  /** Missing parameters take their defaults; all are clamped to the table's bounds. */
  apply(clean: RGBImage, depth: Float32Array, params: Partial<WeatherParamsMap[K]>, seed: number): WeatherResult<WeatherParamsMap[K]>;
}

export const MIX_PARAMS: readonly SampledParamSpec<'count'>[] = [
  { type: 'int', name: 'count', label: 'Weathers combined', min: 2, max: 4, step: 1, default: 2, range: [2, 3], severity: 1 },
];

const MIX_ORDER: Record<MixableWeather, number> = { haze: 0, rain: 1, snow: 2, raindrop: 3 };

/** Draws a mixture; `count`, when given, fixes how many weathers it combines. */
function sampleMixParams(rng: Rng, severity?: number, count?: number, wide = false): MixParams {
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
    return { type, params: WEATHERS[type].sampleParams(rng, s, wide) } as MixComponent;
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

/** One component of a mixture, through the table: any mixable weather's own synthesiser. */
function applyComponent(c: MixComponent, image: RGBImage, depth: Float32Array, seed: number): { image: RGBImage; component: MixComponent } {
  const spec = WEATHERS[c.type] as unknown as WeatherSpec<MixableWeather>;
  const r = spec.apply(image, depth, c.params, seed);
  return { image: r.image, component: { type: c.type, params: r.params } as MixComponent };
}

const MIX: WeatherSpec<'mix'> = {
  type: 'mix',
  label: 'Mixed weather',
  description: 'Two or more of haze, rain, snow and raindrops, applied in physical order.',
  params: MIX_PARAMS,
  sampleParams: (rng, severity, wide) => sampleMixParams(rng, severity, undefined, wide),
  apply: applyMix,
};

// ---------------------------------------------------------------------------------------------
// The table
// ---------------------------------------------------------------------------------------------

export const WEATHERS: { readonly [K in WeatherType]: WeatherSpec<K> } = {
  rain: RAIN,
  'heavy-rain': HEAVY_RAIN,
  haze: HAZE,
  snow: SNOW,
  raindrop: RAINDROP,
  mix: MIX,
};

export interface SynthesizeOptions<K extends WeatherType> {
  /** Parameters to fix; the others are sampled. */
  params?: Partial<WeatherParamsMap[K]>;
  /** In [0, 1]; undefined samples over each parameter's full range. */
  severity?: number;
  /** Draw from the parameters' wider training ranges (SampledParamSpec.wide). */
  wide?: boolean;
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
      ? (sampleMixParams(rng, opts.severity, fixed.count, opts.wide) as WeatherParamsMap[K])
      : spec.sampleParams(rng, opts.severity, opts.wide);
  const params = { ...sampled, ...opts.params } as WeatherParamsMap[K];
  return spec.apply(clean, depth, params, deriveSeed(seed, 'noise'));
}
