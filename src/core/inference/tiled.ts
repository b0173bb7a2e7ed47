// Whole-image and tiled inference for image-to-image models. Framework-free (no DOM, no React):
// the CLI calls it in Node and the page calls it from a Web Worker.
//
// How tiles are laid out, and why:
// - The image is read through reflect indexing, so any window, even one larger than the image,
//   has content: the bottom/right padding to the model's size multiple, and edge tiles of
//   images smaller than a tile, are both reflect padding, never zeros.
// - Tiles are fitted to the image: the fewest per axis that a tile of at most `tile` pixels
//   allows, each just long enough to cover the image with the asked overlap, so the network runs
//   on little more than the image's own pixels. Every tile of one image has the same shape
//   (WebGPU caches buffers by exact size), and tiled sides are multiples of TILE_QUANTUM, so a
//   few shapes serve every photo.
// - Tile origins are multiples of the model's size multiple (2^(levels-1) for the U-Net): the
//   strided convolutions then sample the same grid in every tile as in the whole image, which is
//   what lets a tiled result equal the untiled one.
// - Neighbouring tiles overlap by at least `overlap` pixels. In the middle of each shared region
//   the left tile fades out and the right one fades in along complementary raised-cosine ramps
//   (overlap - 2 * margin long), so the weights sum to 1 and there are no seams; and each tile
//   gives no weight to the `margin` pixels next to a shared edge, whose convolutions saw the
//   tile's zero border instead of the image. When margin >= the model's receptive-field radius,
//   tiled equals untiled to float error; core/inference/restore.ts measures how much shorter a
//   margin a trained model needs (its border reach).

import { tf, type Tensor4D } from '../tf';
import type { RGBImage } from '../data/image';

/** Runs the model on one [1, h, w, 3] batch; the returned tensor is disposed by the caller. */
export type TilePredict = (x: Tensor4D) => Tensor4D | Promise<Tensor4D>;

export interface WholeOptions {
  /** Input sides must be multiples of this (the model's size multiple). Default 1. */
  multiple?: number;
  /** Clamp the result into [0, 1]. Default true. */
  clamp?: boolean;
}

export interface TiledOptions extends WholeOptions {
  /** Largest tile side in pixels, rounded up to a multiple of `multiple`. Default 256. */
  tile?: number;
  /** Least overlap between neighbouring tiles, rounded up to a multiple of `multiple`. Default 64. */
  overlap?: number;
  /** Pixels at each shared tile edge given no weight; at most overlap / 2. Default overlap / 4. */
  margin?: number;
  /** Called with (0, total) before the first tile and after each tile. */
  onProgress?: (done: number, total: number) => void;
  /** Checked before every tile; an abort rejects with AbortError. */
  signal?: AbortSignal;
}

// Defaults for direct callers only: restoreImage (restore.ts) chooses both from the model, whose
// measured border reach (51 px for the shipped teacher) is longer than this default margin of 16.
const DEFAULT_TILE = 256;
const DEFAULT_OVERLAP = 64;
/** Fitted tile sides are multiples of this (or of the size multiple, if larger). */
export const TILE_QUANTUM = 32;

/** Thrown (rejected) when the signal aborts a tiled restore. */
export class AbortError extends Error {
  override name = 'AbortError';
}

/** Index i folded into [0, n) by mirror reflection without repeating the edge (numpy 'reflect'). */
export function reflectIndex(i: number, n: number): number {
  if (n === 1) return 0;
  const period = 2 * (n - 1);
  const r = ((i % period) + period) % period;
  return r < n ? r : period - r;
}

/** Copies the w x h window at (x0, y0) of the reflect-extended image into `out` (HWC). */
function readWindow(img: RGBImage, x0: number, y0: number, w: number, h: number, out: Float32Array): void {
  const { width, height, data } = img;
  const inside = x0 >= 0 && x0 + w <= width;
  for (let r = 0; r < h; r++) {
    const sy = reflectIndex(y0 + r, height);
    const rowBase = sy * width * 3;
    const dst = r * w * 3;
    if (inside) {
      out.set(data.subarray(rowBase + x0 * 3, rowBase + (x0 + w) * 3), dst);
      continue;
    }
    for (let c = 0; c < w; c++) {
      const s = rowBase + reflectIndex(x0 + c, width) * 3;
      const d = dst + c * 3;
      out[d] = data[s];
      out[d + 1] = data[s + 1];
      out[d + 2] = data[s + 2];
    }
  }
}

const roundUp = (v: number, m: number): number => Math.ceil(v / m) * m;

function checkInt(name: string, v: number, min: number): void {
  if (!Number.isInteger(v) || v < min) throw new RangeError(`${name} must be an integer >= ${min}, got ${v}`);
}

function checkImage(img: RGBImage): void {
  checkInt('image width', img.width, 1);
  checkInt('image height', img.height, 1);
  if (img.data.length !== img.width * img.height * 3) {
    throw new RangeError(`image data has ${img.data.length} values, expected ${img.width}x${img.height}x3`);
  }
}

async function runModel(predict: TilePredict, input: Float32Array, h: number, w: number): Promise<Float32Array> {
  const x = tf.tensor4d(input, [1, h, w, 3]);
  let y: Tensor4D | undefined;
  try {
    y = await predict(x);
    const s = y.shape;
    if (s.length !== 4 || s[0] !== 1 || s[1] !== h || s[2] !== w || s[3] !== 3) {
      throw new RangeError(`the model returned shape [${s.join(', ')}] for input [1, ${h}, ${w}, 3]`);
    }
    return (await y.data()) as Float32Array;
  } finally {
    x.dispose();
    if (y && y !== x) y.dispose();
  }
}

function clampInPlace(data: Float32Array): void {
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    data[i] = v > 0 ? (v < 1 ? v : 1) : 0;
  }
}

/**
 * Restores the image in one model call: reflect-pads the bottom and right to the size multiple,
 * runs the model, crops. For images whose padded size is affordable in one pass.
 */
export async function restoreWhole(predict: TilePredict, image: RGBImage, options: WholeOptions = {}): Promise<RGBImage> {
  checkImage(image);
  const m = options.multiple ?? 1;
  checkInt('multiple', m, 1);
  const pw = roundUp(image.width, m);
  const ph = roundUp(image.height, m);
  const input = new Float32Array(pw * ph * 3);
  readWindow(image, 0, 0, pw, ph, input);
  const out = await runModel(predict, input, ph, pw);
  const result = new Float32Array(image.width * image.height * 3);
  for (let r = 0; r < image.height; r++) {
    result.set(out.subarray(r * pw * 3, (r * pw + image.width) * 3), r * image.width * 3);
  }
  if (options.clamp ?? true) clampInPlace(result);
  return { width: image.width, height: image.height, data: result };
}

/** Where the tiles go along one axis, and how each weights its pixels. */
export interface AxisPlan {
  /** Tile length along this axis: the same for every tile. */
  size: number;
  /** Tile origins, increasing, each a multiple of the size multiple; the first is 0. */
  starts: number[];
  /** weights[i][k]: weight of pixel k (0 <= k < size) of tile i along this axis. */
  weights: Float32Array[];
}

export interface TilePlan {
  /** The largest tile side allowed; each axis's `size` is at most this. */
  tile: number;
  overlap: number;
  margin: number;
  x: AxisPlan;
  y: AxisPlan;
  /** Number of tiles (x.starts.length * y.starts.length). */
  total: number;
}

/**
 * The tile length along an axis: the padded length itself when one tile covers it; otherwise,
 * with n = the fewest tiles of at most `tile` that cover it with `overlap`, the shortest length
 * (in whole quanta) that n tiles need. The last tile then ends exactly at the padded length.
 */
function fittedSize(length: number, tile: number, overlap: number, multiple: number): number {
  const padded = roundUp(length, multiple);
  const quantum = Math.max(multiple, TILE_QUANTUM);
  if (padded <= tile) return padded;
  const n = Math.ceil((padded - overlap) / (tile - overlap));
  return Math.min(roundUp(Math.ceil((padded + (n - 1) * overlap) / n), quantum), tile);
}

function axisStarts(length: number, tile: number, overlap: number, multiple: number): number[] {
  const padded = roundUp(length, multiple);
  if (padded <= tile) return [0];
  // Spread (padded - tile) over the fewest gaps that keep every gap <= tile - overlap, in whole
  // multiples, so the overlaps come out near-equal and never below `overlap`.
  const units = (padded - tile) / multiple;
  const maxGap = Math.floor((tile - overlap) / multiple);
  const gaps = Math.ceil(units / maxGap);
  const starts = [0];
  for (let i = 1; i <= gaps; i++) starts.push(Math.round((i * units) / gaps) * multiple);
  return starts;
}

/** Raised-cosine ramp value at step k (0-based) of a ramp `len` long: rises from ~0 to ~1. */
const ramp = (k: number, len: number): number => 0.5 - 0.5 * Math.cos((Math.PI * (k + 0.5)) / len);

/**
 * Per-tile weights along one axis. In each region two neighbours share, the hand-over is a ramp
 * of length overlap - 2 * margin centred in the shared region, where the left tile's weight is
 * one minus the right tile's: the weights sum to exactly 1, and a tile's weight is 0 within
 * `margin` (or more, where tiles overlap by more than `overlap`) of a shared edge.
 */
function axisWeights(starts: number[], tile: number, overlap: number, margin: number): Float32Array[] {
  const len = overlap - 2 * margin;
  // Offset of the ramp from the start of the shared region [starts[i + 1], starts[i] + tile).
  const rampAt = (i: number): number => Math.floor((starts[i] + tile - starts[i + 1] - len) / 2);
  return starts.map((s, i) => {
    const w = new Float32Array(tile).fill(1);
    if (i > 0) {
      const a = rampAt(i - 1);
      for (let k = 0; k < a + len; k++) w[k] *= k < a ? 0 : ramp(k - a, len);
    }
    if (i < starts.length - 1) {
      const from = starts[i + 1] - s + rampAt(i);
      for (let k = from; k < tile; k++) w[k] *= k < from + len ? 1 - ramp(k - from, len) : 0;
    }
    return w;
  });
}

/** The tile layout restoreTiled uses for an image of width x height. */
export function planTiles(width: number, height: number, options: TiledOptions = {}): TilePlan {
  const m = options.multiple ?? 1;
  checkInt('multiple', m, 1);
  checkInt('width', width, 1);
  checkInt('height', height, 1);
  const tile = roundUp(options.tile ?? DEFAULT_TILE, m);
  const overlap = roundUp(options.overlap ?? DEFAULT_OVERLAP, m);
  checkInt('tile', tile, 1);
  checkInt('overlap', overlap, 0);
  if (tile - overlap < m) {
    throw new RangeError(`overlap ${overlap} leaves no stride in a ${tile}-pixel tile (size multiple ${m})`);
  }
  const margin = options.margin ?? Math.floor(overlap / 4);
  checkInt('margin', margin, 0);
  if (2 * margin > overlap) throw new RangeError(`margin ${margin} must be at most half the overlap (${overlap})`);
  const plan = (length: number): AxisPlan => {
    const size = fittedSize(length, tile, overlap, m);
    const starts = axisStarts(length, size, overlap, m);
    return { size, starts, weights: axisWeights(starts, size, overlap, margin) };
  };
  const x = plan(width);
  const y = plan(height);
  return { tile, overlap, margin, x, y, total: x.starts.length * y.starts.length };
}

/** Lets queued messages (an abort from the page) run between tiles. */
const yieldToEventLoop = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0));

/**
 * Restores an image tile by tile with same-size tiles and seamless blending (see the file
 * header). Images smaller than a tile run as one reflect-padded tile. Every tensor is freed,
 * also on error or abort.
 */
export async function restoreTiled(predict: TilePredict, image: RGBImage, options: TiledOptions = {}): Promise<RGBImage> {
  checkImage(image);
  const { signal, onProgress } = options;
  const plan = planTiles(image.width, image.height, options);
  const { total } = plan;
  const [tw, th] = [plan.x.size, plan.y.size];
  const { width, height } = image;
  const acc = new Float32Array(width * height * 3);
  const wsum = new Float32Array(width * height);
  const input = new Float32Array(tw * th * 3);
  let done = 0;
  const aborted = (): AbortError => new AbortError(`restore aborted after ${done} of ${total} tiles`);

  onProgress?.(0, total);
  for (let ty = 0; ty < plan.y.starts.length; ty++) {
    const y0 = plan.y.starts[ty];
    const wy = plan.y.weights[ty];
    for (let tx = 0; tx < plan.x.starts.length; tx++) {
      if (signal?.aborted) throw aborted();
      const x0 = plan.x.starts[tx];
      const wx = plan.x.weights[tx];
      readWindow(image, x0, y0, tw, th, input);
      const out = await runModel(predict, input, th, tw);
      // Accumulate only the part of the tile that lies inside the image.
      const rows = Math.min(th, height - y0);
      const cols = Math.min(tw, width - x0);
      for (let r = 0; r < rows; r++) {
        const wr = wy[r];
        if (wr === 0) continue;
        let o = r * tw * 3;
        let p = (y0 + r) * width + x0;
        for (let c = 0; c < cols; c++, o += 3, p++) {
          const w = wr * wx[c];
          if (w === 0) continue;
          acc[p * 3] += w * out[o];
          acc[p * 3 + 1] += w * out[o + 1];
          acc[p * 3 + 2] += w * out[o + 2];
          wsum[p] += w;
        }
      }
      done++;
      onProgress?.(done, total);
      if (done < total) await yieldToEventLoop();
    }
  }
  for (let p = 0; p < wsum.length; p++) {
    const inv = 1 / wsum[p];
    acc[p * 3] *= inv;
    acc[p * 3 + 1] *= inv;
    acc[p * 3 + 2] *= inv;
  }
  if (options.clamp ?? true) clampInPlace(acc);
  return { width, height, data: acc };
}
