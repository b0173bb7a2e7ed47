// PSNR and SSIM on plain RGBImage values (docs/metrics.md), in float64.
//
// SSIM is computed like scikit-image's structural_similarity(data_range=1, gaussian_weights=True,
// sigma=1.5, use_sample_covariance=False): the means, variances and covariance come from a
// separable 11x11 Gaussian filter, and the SSIM map is averaged only where the window fits inside
// the image. scikit-image filters with reflected borders and then crops 5 pixels from every side,
// which throws away exactly the outputs that touched the reflection; a "valid" filter gives the
// same numbers without any padding. Rows stream through a ring buffer of 11 filtered rows, so the
// memory stays O(width) and a 4000x3000 photo needs no full-size temporaries.

import type { RGBImage } from '../data/image';
import { assertSsimSize, gaussianTaps, psnrFromMse, SSIM_C1, SSIM_C2, SSIM_WIN, Y_OFFSET, Y_WEIGHTS, type ImageScores, type MetricChannel } from './common';

/** Fills `out` (length = width) with one row of one signal plane as float64. */
type RowReader = (y: number, out: Float64Array) => void;

const TAPS = gaussianTaps();

function assertSameSize(a: RGBImage, b: RGBImage): void {
  for (const img of [a, b]) {
    if (img.data.length !== img.width * img.height * 3) {
      throw new RangeError(`image data has ${img.data.length} values, expected ${img.width}x${img.height}x3 = ${img.width * img.height * 3}`);
    }
  }
  if (a.width !== b.width || a.height !== b.height) {
    throw new RangeError(`image sizes differ: ${a.width}x${a.height} and ${b.width}x${b.height}`);
  }
}

function channelReader(img: RGBImage, c: number): RowReader {
  const { width, data } = img;
  return (y, out) => {
    let i = y * width * 3 + c;
    for (let x = 0; x < width; x++, i += 3) out[x] = data[i];
  };
}

function lumaReader(img: RGBImage): RowReader {
  const { width, data } = img;
  const [wr, wg, wb] = Y_WEIGHTS;
  return (y, out) => {
    let i = y * width * 3;
    for (let x = 0; x < width; x++, i += 3) out[x] = Y_OFFSET + wr * data[i] + wg * data[i + 1] + wb * data[i + 2];
  };
}

/** The planes a metric averages over: R, G, B, or the single Y plane. */
function planes(img: RGBImage, channel: MetricChannel): RowReader[] {
  return channel === 'y' ? [lumaReader(img)] : [0, 1, 2].map((c) => channelReader(img, c));
}

function squaredErrorSum(a: RowReader, b: RowReader, width: number, height: number): number {
  const ra = new Float64Array(width);
  const rb = new Float64Array(width);
  let sum = 0;
  for (let y = 0; y < height; y++) {
    a(y, ra);
    b(y, rb);
    for (let x = 0; x < width; x++) {
      const d = ra[x] - rb[x];
      sum += d * d;
    }
  }
  return sum;
}

// The filters below are unrolled for the symmetric 11-tap window (sigma 1.5): folding the taps in
// pairs halves the multiplies, and unrolling keeps the sums in registers (about 2x faster).
if (TAPS.length !== 11) throw new Error('image-metrics: the unrolled SSIM filter expects 11 taps');
const [W0, W1, W2, W3, W4, W5] = TAPS;

/** out[x] = sum_t TAPS[t] * src[x + t] for x < out.length (a "valid" horizontal filter). */
function filterRow(src: Float64Array, out: Float64Array): void {
  for (let x = 0; x < out.length; x++) {
    out[x] =
      W0 * (src[x] + src[x + 10]) +
      W1 * (src[x + 1] + src[x + 9]) +
      W2 * (src[x + 2] + src[x + 8]) +
      W3 * (src[x + 3] + src[x + 7]) +
      W4 * (src[x + 4] + src[x + 6]) +
      W5 * src[x + 5];
  }
}

/** out[x] = sum_t TAPS[t] * r[t][x]: the vertical filter over 11 rows, top to bottom. */
function filterRows(r: Float64Array[], out: Float64Array): void {
  const [r0, r1, r2, r3, r4, r5, r6, r7, r8, r9, r10] = r;
  for (let x = 0; x < out.length; x++) {
    out[x] = W0 * (r0[x] + r10[x]) + W1 * (r1[x] + r9[x]) + W2 * (r2[x] + r8[x]) + W3 * (r3[x] + r7[x]) + W4 * (r4[x] + r6[x]) + W5 * r5[x];
  }
}

/** Mean of the SSIM map of one plane over the region where the 11x11 window fits. */
function ssimPlane(readA: RowReader, readB: RowReader, width: number, height: number): number {
  const k = SSIM_WIN;
  const ow = width - k + 1;
  const oh = height - k + 1;
  const ra = new Float64Array(width);
  const rb = new Float64Array(width);
  const raa = new Float64Array(width);
  const rbb = new Float64Array(width);
  const rab = new Float64Array(width);
  const rows = [ra, rb, raa, rbb, rab];
  // ring[q][slot]: horizontally filtered row (y mod k) of quantity q = a, b, aa, bb, ab.
  const ring = Array.from({ length: 5 }, () => Array.from({ length: k }, () => new Float64Array(ow)));
  // win[q]: the k ring rows of quantity q in image order, top to bottom.
  const win = Array.from({ length: 5 }, () => new Array<Float64Array>(k));
  // mu[q]: the fully filtered output row of quantity q.
  const mu = Array.from({ length: 5 }, () => new Float64Array(ow));
  const [ma, mb, maa, mbb, mab] = mu;
  let total = 0;

  for (let y = 0; y < height; y++) {
    readA(y, ra);
    readB(y, rb);
    for (let x = 0; x < width; x++) {
      const a = ra[x];
      const b = rb[x];
      raa[x] = a * a;
      rbb[x] = b * b;
      rab[x] = a * b;
    }
    for (let q = 0; q < 5; q++) filterRow(rows[q], ring[q][y % k]);
    if (y < k - 1) continue;

    for (let q = 0; q < 5; q++) {
      for (let t = 0; t < k; t++) win[q][t] = ring[q][(y - k + 1 + t) % k];
      filterRows(win[q], mu[q]);
    }
    let rowSum = 0;
    for (let x = 0; x < ow; x++) {
      const ux = ma[x];
      const uy = mb[x];
      const vx = maa[x] - ux * ux;
      const vy = mbb[x] - uy * uy;
      const vxy = mab[x] - ux * uy;
      rowSum += ((2 * ux * uy + SSIM_C1) * (2 * vxy + SSIM_C2)) / ((ux * ux + uy * uy + SSIM_C1) * (vx + vy + SSIM_C2));
    }
    total += rowSum;
  }
  return total / (ow * oh);
}

/** Mean squared error over R, G, B (channel 'rgb') or over the BT.601 Y plane (channel 'y'). */
export function mse(restored: RGBImage, reference: RGBImage, channel: MetricChannel = 'rgb'): number {
  assertSameSize(restored, reference);
  const { width, height } = restored;
  const pa = planes(restored, channel);
  const pb = planes(reference, channel);
  let sum = 0;
  for (let i = 0; i < pa.length; i++) sum += squaredErrorSum(pa[i], pb[i], width, height);
  return sum / (width * height * pa.length);
}

/**
 * PSNR in dB for images in [0, 1]: 10 log10(1 / MSE). Returns Infinity when the MSE is 0 (the
 * images, or their Y planes, are identical), as scikit-image does.
 */
export function psnr(restored: RGBImage, reference: RGBImage, channel: MetricChannel = 'rgb'): number {
  return psnrFromMse(mse(restored, reference, channel));
}

/**
 * SSIM as scikit-image's structural_similarity(data_range=1, gaussian_weights=True, sigma=1.5,
 * use_sample_covariance=False); for 'rgb' the mean of the three per-channel values. Both sides must
 * be at least 11x11.
 */
export function ssim(restored: RGBImage, reference: RGBImage, channel: MetricChannel = 'rgb'): number {
  assertSameSize(restored, reference);
  const { width, height } = restored;
  assertSsimSize(width, height);
  const pa = planes(restored, channel);
  const pb = planes(reference, channel);
  let sum = 0;
  for (let i = 0; i < pa.length; i++) sum += ssimPlane(pa[i], pb[i], width, height);
  return sum / pa.length;
}

/** BT.601 luma plane (row-major, values in [16/255, 235/255]) of an RGB image, in float64. */
export function rgbToY(img: RGBImage): Float64Array {
  const out = new Float64Array(img.width * img.height);
  const read = lumaReader(img);
  const row = new Float64Array(img.width);
  for (let y = 0; y < img.height; y++) {
    read(y, row);
    out.set(row, y * img.width);
  }
  return out;
}

/** PSNR and SSIM, RGB and Y, of a restored image against its reference. */
export function scoreImages(restored: RGBImage, reference: RGBImage): ImageScores {
  return {
    psnr: psnr(restored, reference, 'rgb'),
    ssim: ssim(restored, reference, 'rgb'),
    psnr_y: psnr(restored, reference, 'y'),
    ssim_y: ssim(restored, reference, 'y'),
  };
}
