// Decoding an uploaded photo in a worker or the page (createImageBitmap and OffscreenCanvas exist
// in both), with the limits that keep a tab alive.
import { fromRgba, type RGBImage } from '../core/data/image';

/** About 36 megapixels: float buffers for input, output and blending stay under ~1.5 GB. */
export const MAX_PIXELS = 36e6;

export class ImageInputError extends Error {
  override name = 'ImageInputError';
}

/** A photo over the pixel limit; its name survives the worker boundary, so the page can offer to downscale. */
export class ImageTooLargeError extends ImageInputError {
  override name = 'ImageTooLargeError';
}

/**
 * Decodes an image file to float RGB. `maxSide` shrinks a larger photo (previews); `downscale`
 * shrinks one over `maxPixels` to just under it; otherwise such a photo is refused with a message
 * that says what to do. `original` is the photo's own size.
 */
export async function decodeToRGB(
  file: Blob,
  name: string,
  { maxPixels = MAX_PIXELS, maxSide = Infinity, downscale = false } = {},
): Promise<RGBImage & { original: { width: number; height: number } }> {
  if (file.size === 0) throw new ImageInputError(`"${name}" is empty.`);
  let bitmap: ImageBitmap;
  try {
    bitmap = await createImageBitmap(file);
  } catch {
    throw new ImageInputError(`"${name}" is not an image this browser can read, or the file is damaged (PNG, JPEG and WebP work).`);
  }
  const original = { width: bitmap.width, height: bitmap.height };
  let k = Math.min(1, maxSide / Math.max(bitmap.width, bitmap.height));
  if (downscale) k = Math.min(k, Math.sqrt(maxPixels / (bitmap.width * bitmap.height)) * 0.999);
  const width = Math.max(1, Math.round(bitmap.width * k));
  const height = Math.max(1, Math.round(bitmap.height * k));
  if (width * height > maxPixels) {
    bitmap.close();
    throw new ImageTooLargeError(
      `"${name}" is ${width}×${height} (${((width * height) / 1e6).toFixed(0)} MP), more than the ${(maxPixels / 1e6).toFixed(0)} MP this page can restore in memory.`,
    );
  }
  const canvas = new OffscreenCanvas(width, height);
  const ctx = canvas.getContext('2d', { willReadFrequently: true });
  if (!ctx) throw new ImageInputError(`Could not get a canvas to read "${name}".`);
  ctx.drawImage(bitmap, 0, 0, width, height);
  bitmap.close();
  return { ...fromRgba(width, height, ctx.getImageData(0, 0, width, height).data), original };
}
