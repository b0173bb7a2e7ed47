// Restoring whole images with a Restorer: one pass when the image fits in a tile, tiles beyond.
// Tile size and overlap come from the model (docs/performance.md#tiles): the largest tile whose
// activations fit a memory budget, and an overlap just wider than the distance at which a tile's
// border still changes its output.

import type { RGBImage } from '../data/image';
import { makePair } from '../data/pairs';
import { activationBytesPerPixel, receptiveFieldRadius } from '../models/complexity';
import type { Restorer } from '../models/restorer';
import { sizeMultiple, type RestorerConfig } from '../models/restorer-config';
import { AbortError, restoreTiled, restoreWhole, type TilePredict, type TiledOptions } from './tiled';

export function restorerPredict(restorer: Restorer): TilePredict {
  return (x) => restorer.predict(x);
}

/** Activation memory one tile may use: well inside WASM's heap and WebGPU's buffer limits. */
const TILE_MEMORY_BUDGET = 512 * 2 ** 20;
const MAX_TILE = 1024;
/** Length of the cross-fade between neighbouring tiles, beyond the border reach on each side. */
const BLEND = 16;
/** A tile border whose effect on the output stays below this (a quarter of an 8-bit level) is not felt. */
const REACH_TOLERANCE = 1 / 1024;

/** The largest tile side (a multiple of 64, at most 1024) whose activations fit TILE_MEMORY_BUDGET. */
export function maxTileSide(config: RestorerConfig): number {
  const side = Math.sqrt(TILE_MEMORY_BUDGET / activationBytesPerPixel(config));
  return Math.max(128, Math.min(MAX_TILE, Math.floor(side / 64) * 64));
}

const reachCache = new WeakMap<Restorer, Promise<number>>();

/**
 * How far into a tile its border changes the output by more than REACH_TOLERANCE, in pixels.
 * Measured once per model: a rainy synthetic scene restored whole, and its centre crop restored
 * alone; the reach is the least distance from the crop's edge beyond which the two agree. It is
 * at most the theoretical receptive-field radius and, for trained networks, far shorter.
 */
export function tileBorderReach(restorer: Restorer): Promise<number> {
  let reach = reachCache.get(restorer);
  if (!reach) {
    reach = measureReach(restorer);
    reachCache.set(restorer, reach);
  }
  return reach;
}

async function measureReach(restorer: Restorer): Promise<number> {
  const m = sizeMultiple(restorer.config);
  const radius = receptiveFieldRadius(restorer.config);
  const offset = Math.ceil(radius / m) * m;
  const crop = Math.ceil((2 * radius + 2) / m) * m;
  const side = crop + 2 * offset;
  const scene = makePair({ size: side, seed: 7, weathers: ['rain'], source: 'scene' }, 0).degraded;
  const inner = new Float32Array(crop * crop * 3);
  for (let y = 0; y < crop; y++) {
    inner.set(scene.data.subarray(((offset + y) * side + offset) * 3, ((offset + y) * side + offset + crop) * 3), y * crop * 3);
  }
  const predict = restorerPredict(restorer);
  const whole = await restoreWhole(predict, scene, { multiple: m, clamp: false });
  const alone = await restoreWhole(predict, { width: crop, height: crop, data: inner }, { multiple: m, clamp: false });
  // worst[d]: the largest difference at distance d from the crop's nearest edge.
  const worst = new Float64Array(crop);
  for (let y = 0; y < crop; y++) {
    for (let x = 0; x < crop; x++) {
      const d = Math.min(x, y, crop - 1 - x, crop - 1 - y);
      const a = (y * crop + x) * 3;
      const b = ((offset + y) * side + offset + x) * 3;
      for (let c = 0; c < 3; c++) worst[d] = Math.max(worst[d], Math.abs(alone.data[a + c] - whole.data[b + c]));
    }
  }
  let reach = crop >> 1;
  while (reach > 0 && worst[reach - 1] < REACH_TOLERANCE) reach--;
  return Math.min(reach, radius);
}

/**
 * Restores an image of any size. Images that fit in one tile run in one pass (padded only to the
 * size multiple: exact and cheapest); larger ones run in fitted tiles, which bounds memory.
 * `tile` and `overlap` default to the model's (maxTileSide, tileBorderReach).
 */
export async function restoreImage(restorer: Restorer, image: RGBImage, options: Omit<TiledOptions, 'multiple'> = {}): Promise<RGBImage> {
  const multiple = sizeMultiple(restorer.config);
  const tile = options.tile ?? maxTileSide(restorer.config);
  const predict = restorerPredict(restorer);
  if (image.width <= tile && image.height <= tile) {
    if (options.signal?.aborted) throw new AbortError('restore aborted before it started');
    options.onProgress?.(0, 1);
    const out = await restoreWhole(predict, image, { multiple, clamp: options.clamp });
    options.onProgress?.(1, 1);
    return out;
  }
  let { overlap, margin } = options;
  if (overlap === undefined) {
    margin ??= await tileBorderReach(restorer);
    overlap = 2 * margin + BLEND;
  }
  return restoreTiled(predict, image, { ...options, overlap, margin, tile, multiple });
}
