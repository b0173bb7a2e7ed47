// Restoring whole images with a Restorer: one pass when the image fits in a tile, tiles beyond.

import type { RGBImage } from '../data/image';
import type { Restorer } from '../models/restorer';
import { sizeMultiple } from '../models/restorer-config';
import { AbortError, DEFAULT_OVERLAP, DEFAULT_TILE, restoreTiled, restoreWhole, type TilePredict, type TiledOptions } from './tiled';

export function restorerPredict(restorer: Restorer): TilePredict {
  return (x) => restorer.predict(x);
}

/**
 * Restores an image of any size. Images whose sides both fit in `tile` run in one pass (padded
 * only to the size multiple: exact and cheapest); larger ones run tiled, which bounds memory.
 */
export async function restoreImage(restorer: Restorer, image: RGBImage, options: Omit<TiledOptions, 'multiple'> = {}): Promise<RGBImage> {
  const multiple = sizeMultiple(restorer.config);
  const tile = options.tile ?? DEFAULT_TILE;
  const predict = restorerPredict(restorer);
  if (image.width <= tile && image.height <= tile) {
    if (options.signal?.aborted) throw new AbortError('restore aborted before it started');
    options.onProgress?.(0, 1);
    const out = await restoreWhole(predict, image, { multiple, clamp: options.clamp });
    options.onProgress?.(1, 1);
    return out;
  }
  return restoreTiled(predict, image, { overlap: DEFAULT_OVERLAP, ...options, tile, multiple });
}
