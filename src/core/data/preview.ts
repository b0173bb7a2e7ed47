// One clean/degraded pair with its scores, as the Data view shows it.
import { getCleanSource, type CleanSourceName } from './clean';
import { userImageSource } from './photo-source';
import type { RGBImage } from './image';
import { deriveSeed } from './rng';
import { synthesizeWeather, WEATHERS, type WeatherParams, type WeatherType } from './weather';
import { scoreImages } from '../metrics/image-metrics';
import type { ImageScores } from '../metrics/common';

export interface SynthesisRequest {
  source: CleanSourceName | 'user';
  /** Required when source is 'user'. */
  userImage?: RGBImage;
  weather: WeatherType;
  /** Parameters to fix; the rest are sampled from the seed. */
  params?: Record<string, number>;
  seed: number;
  size: number;
}

export interface SynthesisResult {
  clean: RGBImage;
  degraded: RGBImage;
  depth: Float32Array;
  weather: WeatherType;
  params: WeatherParams;
  /** The degraded image scored against the clean one. */
  scores: ImageScores;
  millis: number;
}

export function synthesizeSample(req: SynthesisRequest): SynthesisResult {
  const t0 = performance.now();
  if (!WEATHERS[req.weather]) throw new Error(`Unknown weather type "${req.weather}".`);
  if (req.source === 'user' && !req.userImage) throw new Error('Choose a photo to use as the clean source.');
  // A huge zoom clamps to 'fit': the user's whole photo, centred, rather than a small crop.
  const source = req.source === 'user' ? userImageSource(req.userImage!, { minZoom: 1e6, maxZoom: 1e6, flip: false }) : getCleanSource(req.source);
  const { image: clean, depth } = source.generate(req.size, req.size, deriveSeed(req.seed, 'clean'));
  const { image: degraded, params } = synthesizeWeather(req.weather, clean, depth, deriveSeed(req.seed, 'weather'), {
    params: req.params as never,
  });
  const scores = scoreImages(degraded, clean);
  return { clean, degraded, depth, weather: req.weather, params, scores, millis: performance.now() - t0 };
}
