// Paired (degraded, clean) batches synthesised on the fly. Item i of a batch is a pure function
// of (seed, domain, i): batches can be generated in any order, split across workers, or
// regenerated later from their seed alone.

import { batchFromImages, type RGBBatch, type RGBImage } from './image.ts';
import { CLEAN_SOURCES, deadLeavesSource, getCleanSource, mixedSource, sceneSource, type CleanSource, type CleanSourceName } from './clean.ts';
import { deriveSeed, rngFor } from './rng.ts';
import { synthesizeWeather, WEATHER_TYPES, type WeatherParams, type WeatherType } from './weather.ts';

export { CLEAN_SOURCES, WEATHER_TYPES };
export type { CleanSourceName, WeatherType };

/** A built-in source by name, 'mixed' (scenes and dead leaves, half each), or any CleanSource. */
export type SourceOption = CleanSourceName | 'mixed' | CleanSource;

export interface PairOptions {
  /** Square side in pixels, or explicit dimensions. */
  size: number | { width: number; height: number };
  seed: number;
  /** Weathers drawn from uniformly per item (default: all of WEATHER_TYPES). */
  weathers?: readonly WeatherType[];
  /** Default 'mixed'. */
  source?: SourceOption;
  /** A fixed severity in [0, 1], a range drawn from per item, or undefined for full ranges. */
  severity?: number | readonly [number, number];
  /**
   * Seed domain, hashed into every item's seed: 'train' by default. Distinct domains never share
   * items, which keeps e.g. the unpaired "web" pools apart from the teacher's training pairs.
   */
  domain?: string;
  /**
   * Share of items whose weather is drawn from the parameters' wider training ranges
   * (SampledParamSpec.wide: dense haze, fine and coarse snow, ...). Default 0.
   */
  extremeShare?: number;
}

export interface PairBatchOptions extends PairOptions {
  n: number;
}

export interface Pair {
  degraded: RGBImage;
  clean: RGBImage;
  /** Depth of the clean image, width * height values in [0, 1], 1 farthest. */
  depth: Float32Array;
  weather: WeatherType;
  params: WeatherParams;
}

export interface PairBatch {
  degraded: RGBBatch;
  clean: RGBBatch;
  /** n * height * width depth values. */
  depth: Float32Array;
  weather: WeatherType[];
  params: WeatherParams[];
}

const defaultMixed = mixedSource([sceneSource, deadLeavesSource]);

export function resolveSource(source: SourceOption | undefined): CleanSource {
  if (source === undefined || source === 'mixed') return defaultMixed;
  return typeof source === 'string' ? getCleanSource(source) : source;
}

function dims(size: PairOptions['size']): { width: number; height: number } {
  const d = typeof size === 'number' ? { width: size, height: size } : size;
  if (!(d.width >= 1 && d.height >= 1 && Number.isInteger(d.width) && Number.isInteger(d.height))) {
    throw new Error(`pairs: bad size ${JSON.stringify(size)}`);
  }
  return d;
}

/** Item `index` of the stream (seed, domain): the same whatever batch it is generated in. */
export function makePair(opts: PairOptions, index: number): Pair {
  const { width, height } = dims(opts.size);
  const weathers = opts.weathers && opts.weathers.length > 0 ? opts.weathers : WEATHER_TYPES;
  const itemSeed = deriveSeed(opts.seed, opts.domain ?? 'train', index);
  const rng = rngFor(itemSeed, 'choice');
  const weather = rng.pick(weathers);
  const sev = opts.severity;
  const severity = typeof sev === 'number' ? sev : sev ? rng.uniform(sev[0], sev[1]) : undefined;
  const clean = resolveSource(opts.source).generate(width, height, deriveSeed(itemSeed, 'clean'));
  // A stream of its own, so that streams without extremes stay as they always were.
  const wide = (opts.extremeShare ?? 0) > 0 && rngFor(itemSeed, 'extreme').bool(opts.extremeShare as number);
  const res = synthesizeWeather(weather, clean.image, clean.depth, deriveSeed(itemSeed, 'weather'), { severity, wide });
  return { degraded: res.image, clean: clean.image, depth: clean.depth, weather, params: res.params };
}

function pack(pairs: readonly Pair[]): PairBatch {
  const hw = pairs[0].clean.width * pairs[0].clean.height;
  const depth = new Float32Array(pairs.length * hw);
  pairs.forEach((p, i) => depth.set(p.depth, i * hw));
  return {
    degraded: batchFromImages(pairs.map((p) => p.degraded)),
    clean: batchFromImages(pairs.map((p) => p.clean)),
    depth,
    weather: pairs.map((p) => p.weather),
    params: pairs.map((p) => p.params),
  };
}

/** n pairs, items 0..n-1 of the stream (seed, domain). Use a new seed per training step. */
export function makePairBatch(opts: PairBatchOptions): PairBatch {
  if (!(opts.n >= 1)) throw new Error(`makePairBatch: n must be at least 1, got ${opts.n}`);
  const pairs: Pair[] = [];
  for (let i = 0; i < opts.n; i++) pairs.push(makePair(opts, i));
  return pack(pairs);
}

export interface EvalSetOptions {
  /** Default 'scene': scenes have the depth that haze and heavy rain need. */
  source?: SourceOption;
  /** Draw the weather from the wider training ranges (the far ends: dense haze, fine and coarse snow). */
  wide?: boolean;
}

/**
 * A fixed evaluation set for one weather type: `count` pairs whose severities are spread evenly
 * over [0, 1] (item i at (i + 0.5) / count), in a seed domain of its own ('eval:<weather>') that
 * training batches never draw from.
 */
export function makeEvalSet(weather: WeatherType, count: number, size: number, seed: number, opts: EvalSetOptions = {}): PairBatch {
  if (!(count >= 1)) throw new Error(`makeEvalSet: count must be at least 1, got ${count}`);
  const pairs: Pair[] = [];
  for (let i = 0; i < count; i++) {
    const item = { size, seed, weathers: [weather], source: opts.source ?? 'scene', severity: (i + 0.5) / count, domain: `eval:${weather}` };
    pairs.push(makePair(opts.wide ? { ...item, extremeShare: 1 } : item, i));
  }
  return pack(pairs);
}
