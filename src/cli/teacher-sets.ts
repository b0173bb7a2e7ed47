// The image sets a teacher is judged on, in one place for the checkpoint scorer
// (scripts/score-snapshots.ts, dev sets only) and the model card (scripts/model-card.ts, test
// sets): synthetic weather on procedural scenes, the held-out Kodak photos under the project's
// weather and under the independent synthesiser, and the real sets of ../shared/data with their
// dev/test split (docs/data.md#splits). Images are read in place and never copied.

import { existsSync } from 'node:fs';
import path from 'node:path';
import { batchItem, cropImage, type RGBImage } from '../core/data/image';
import { independentWeather, INDEPENDENT_CONDITIONS, type IndependentCondition } from '../core/data/independent-weather';
import { makeEvalSet } from '../core/data/pairs';
import { KODAK_TEST_PHOTOS, stemsInSplit, type SplitName } from '../core/data/splits';
import { synthesizeWeather, WEATHER_TYPES, type WeatherType } from '../core/data/weather';
import { deriveSeed } from '../core/data/rng';
import { quantize8, scorePair, summarize, type EvalSummary } from '../core/inference/evaluate';
import type { Restorer } from '../core/models/restorer';
import { readImageOrFail } from './evaluate-pairs';
import { pairByStem, type FilePair } from './paired-dir';

export interface ImagePair {
  name: string;
  input: RGBImage;
  target: RGBImage;
}

/** makeEvalSet as 8-bit pairs; `wide` draws the far ends of each weather (dense haze, fine snow...). */
export function syntheticPairs(weather: WeatherType, count: number, size: number, seed: number, wide = false): ImagePair[] {
  const set = makeEvalSet(weather, count, size, seed, { wide });
  return Array.from({ length: count }, (_, i) => ({
    name: `${weather}${wide ? '-wide' : ''}-${i}`,
    input: quantize8(batchItem(set.degraded, i)),
    target: quantize8(batchItem(set.clean, i)),
  }));
}

/** The held-out Kodak photos (never training scenes), centre-cropped to size x size. */
export async function kodakTestPhotos(dataDir: string, size = 256): Promise<{ name: string; image: RGBImage }[]> {
  const dir = path.join(dataDir, 'kodak24/clean');
  const out = [];
  for (const stem of KODAK_TEST_PHOTOS) {
    const img = await readImageOrFail(path.join(dir, `${stem}.png`));
    const side = Math.min(size, img.width, img.height);
    out.push({ name: stem, image: cropImage(img, (img.width - side) >> 1, (img.height - side) >> 1, side, side) });
  }
  return out;
}

/** A photo under the project's weather at severity in [0, 1] (depth: the image row, far at the top). */
export function projectWeatherPair(photo: { name: string; image: RGBImage }, weather: WeatherType, severity: number, seed: number): ImagePair {
  const { width: w, height: h } = photo.image;
  const depth = new Float32Array(w * h).map((_, i) => 1 - Math.floor(i / w) / (h - 1));
  const res = synthesizeWeather(weather, photo.image, depth, deriveSeed(seed, photo.name, weather), { severity });
  return { name: `${photo.name}-${weather}`, input: quantize8(res.image), target: quantize8(photo.image) };
}

export function independentWeatherPair(photo: { name: string; image: RGBImage }, condition: IndependentCondition, seed: number): ImagePair {
  const input = independentWeather(photo.image, condition, deriveSeed(seed, photo.name, condition));
  return { name: `${photo.name}-${condition}`, input: quantize8(input), target: quantize8(photo.image) };
}

export { INDEPENDENT_CONDITIONS, WEATHER_TYPES };

/** The pairs of a real paired set, or of one half of it when it declares a split. */
export async function realSetPairs(dataDir: string, set: string, split?: SplitName): Promise<FilePair[] | null> {
  const input = path.join(dataDir, set, 'input');
  if (!existsSync(input)) return null;
  const pairs = await pairByStem(input, path.join(dataDir, set, 'target'));
  if (!split) return pairs;
  const keep = new Set(
    stemsInSplit(
      set,
      split,
      pairs.map((p) => p.name),
    ),
  );
  return pairs.filter((p) => keep.has(p.name));
}

/** Scores in-memory pairs (restored images rounded to 8 bits, as eval does). */
export async function scorePairs(restorer: Restorer, pairs: readonly ImagePair[]): Promise<EvalSummary> {
  const scores = [];
  for (const p of pairs) scores.push(await scorePair(restorer, p.name, p.input, p.target));
  return summarize(scores);
}
