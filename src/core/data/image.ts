// Plain-array images shared by data synthesis, metrics and I/O. No DOM, no tensors:
// they run the same in a worker, in Node and in tests.

/** An RGB image, row-major HWC, float values in [0, 1]. */
export interface RGBImage {
  width: number;
  height: number;
  data: Float32Array; // length width * height * 3
}

/** A batch of RGB images, NHWC, float values in [0, 1]. */
export interface RGBBatch {
  n: number;
  height: number;
  width: number;
  data: Float32Array; // length n * height * width * 3
}

export function createImage(width: number, height: number): RGBImage {
  return { width, height, data: new Float32Array(width * height * 3) };
}

export function cloneImage(img: RGBImage): RGBImage {
  return { width: img.width, height: img.height, data: img.data.slice() };
}

/** Item i of a batch as an image (a copy, so the batch can be transferred or reused). */
export function batchItem(batch: RGBBatch, i: number): RGBImage {
  const len = batch.width * batch.height * 3;
  return {
    width: batch.width,
    height: batch.height,
    data: batch.data.slice(i * len, (i + 1) * len),
  };
}

/** Packs same-sized images into one NHWC batch. */
export function batchFromImages(images: readonly RGBImage[]): RGBBatch {
  if (images.length === 0) throw new Error('batchFromImages: no images');
  const { width, height } = images[0];
  const len = width * height * 3;
  const data = new Float32Array(images.length * len);
  images.forEach((img, i) => {
    if (img.width !== width || img.height !== height) {
      throw new Error(`batchFromImages: image ${i} is ${img.width}x${img.height}, not ${width}x${height}`);
    }
    data.set(img.data, i * len);
  });
  return { n: images.length, height, width, data };
}

/** Copy of the rectangle [x, x + width) x [y, y + height); it must lie inside the image. */
export function cropImage(img: RGBImage, x: number, y: number, width: number, height: number): RGBImage {
  if (x < 0 || y < 0 || x + width > img.width || y + height > img.height) {
    throw new Error(`cropImage: ${width}x${height}+${x}+${y} outside ${img.width}x${img.height}`);
  }
  const out = createImage(width, height);
  for (let r = 0; r < height; r++) {
    const src = ((y + r) * img.width + x) * 3;
    out.data.set(img.data.subarray(src, src + width * 3), r * width * 3);
  }
  return out;
}

/**
 * Bilinear resampling to width x height (pixel centres aligned). Shrinking by more than 2x
 * aliases: halve with downscale2x first.
 */
export function resizeBilinear(img: RGBImage, width: number, height: number): RGBImage {
  const out = createImage(width, height);
  const sx = img.width / width;
  const sy = img.height / height;
  const src = img.data;
  const dst = out.data;
  const iw = img.width;
  for (let y = 0; y < height; y++) {
    const fy = Math.min(Math.max((y + 0.5) * sy - 0.5, 0), img.height - 1);
    const y0 = Math.floor(fy);
    const y1 = Math.min(y0 + 1, img.height - 1);
    const ty = fy - y0;
    for (let x = 0; x < width; x++) {
      const fx = Math.min(Math.max((x + 0.5) * sx - 0.5, 0), iw - 1);
      const x0 = Math.floor(fx);
      const x1 = Math.min(x0 + 1, iw - 1);
      const tx = fx - x0;
      const a = (y0 * iw + x0) * 3;
      const b = (y0 * iw + x1) * 3;
      const c = (y1 * iw + x0) * 3;
      const d = (y1 * iw + x1) * 3;
      const o = (y * width + x) * 3;
      for (let ch = 0; ch < 3; ch++) {
        const top = src[a + ch] + (src[b + ch] - src[a + ch]) * tx;
        const bot = src[c + ch] + (src[d + ch] - src[c + ch]) * tx;
        dst[o + ch] = top + (bot - top) * ty;
      }
    }
  }
  return out;
}

/** Halves an image by 2x2 box averaging (odd last row/column dropped): a mip level. */
export function downscale2x(img: RGBImage): RGBImage {
  const w = Math.max(1, img.width >> 1);
  const h = Math.max(1, img.height >> 1);
  if (img.width < 2 || img.height < 2) return resizeBilinear(img, w, h);
  const out = createImage(w, h);
  const s = img.data;
  const iw = img.width;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const a = (2 * y * iw + 2 * x) * 3;
      const c = a + iw * 3;
      const o = (y * w + x) * 3;
      for (let ch = 0; ch < 3; ch++) {
        out.data[o + ch] = 0.25 * (s[a + ch] + s[a + 3 + ch] + s[c + ch] + s[c + 3 + ch]);
      }
    }
  }
  return out;
}

/** Clamps every value into [0, 1] in place (NaN becomes 0). */
export function clamp01InPlace(data: Float32Array): void {
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    data[i] = v > 0 ? (v < 1 ? v : 1) : 0;
  }
}

/** 8-bit RGB bytes of an image: values clamped to [0, 1], rounded to the nearest level (NaN -> 0). */
export function toBytes(img: RGBImage): Uint8Array {
  const out = new Uint8Array(img.data.length);
  for (let i = 0; i < out.length; i++) out[i] = Math.round(Math.min(1, Math.max(0, img.data[i])) * 255);
  return out;
}

/** Float RGB in [0, 1] from 8-bit RGBA pixels (ImageData, a canvas), alpha dropped. */
export function fromRgba(width: number, height: number, rgba: ArrayLike<number>): RGBImage {
  const data = new Float32Array(width * height * 3);
  for (let i = 0, j = 0; j < data.length; i += 4, j += 3) {
    data[j] = rgba[i] / 255;
    data[j + 1] = rgba[i + 1] / 255;
    data[j + 2] = rgba[i + 2] / 255;
  }
  return { width, height, data };
}

/** Opaque 8-bit RGBA pixels (for ImageData), rounded as toBytes rounds. */
export function toRgba(img: RGBImage): Uint8ClampedArray<ArrayBuffer> {
  const rgba = new Uint8ClampedArray(img.width * img.height * 4);
  toRgbaRows(img, rgba, 0, img.height);
  return rgba;
}

/** Rows [y0, y1) of toRgba(img), written into rgba (so that a large image can be converted in slices). */
export function toRgbaRows(img: RGBImage, rgba: Uint8ClampedArray, y0: number, y1: number): void {
  const src = img.data;
  for (let i = y0 * img.width * 3, j = y0 * img.width * 4, end = y1 * img.width * 3; i < end; i += 3, j += 4) {
    rgba[j] = Math.round(Math.min(1, Math.max(0, src[i])) * 255);
    rgba[j + 1] = Math.round(Math.min(1, Math.max(0, src[i + 1])) * 255);
    rgba[j + 2] = Math.round(Math.min(1, Math.max(0, src[i + 2])) * 255);
    rgba[j + 3] = 255;
  }
}
