// Constants and types shared by the plain-array and the tensor metrics (docs/metrics.md).

/** Which signal a metric is computed on: the three RGB channels, or BT.601 luma. */
export type MetricChannel = 'rgb' | 'y';

/** The four numbers reported for one restored image against its reference. */
export interface ImageScores {
  /** PSNR over R, G and B together, dB; Infinity when the images are identical. */
  psnr: number;
  /** SSIM, mean of the per-channel SSIMs of R, G and B. */
  ssim: number;
  /** PSNR on the BT.601 Y channel, dB; Infinity when the Y planes are identical. */
  psnr_y: number;
  /** SSIM on the BT.601 Y channel. */
  ssim_y: number;
}

/** SSIM stabilisers for data_range = 1: C1 = (K1 R)^2, C2 = (K2 R)^2. */
export const SSIM_K1 = 0.01;
export const SSIM_K2 = 0.03;
export const SSIM_C1 = SSIM_K1 * SSIM_K1;
export const SSIM_C2 = SSIM_K2 * SSIM_K2;

/** Gaussian window: sigma 1.5 truncated at 3.5 sigma, radius int(3.5 * 1.5 + 0.5) = 5, as scipy. */
export const SSIM_SIGMA = 1.5;
export const SSIM_RADIUS = Math.trunc(3.5 * SSIM_SIGMA + 0.5);
export const SSIM_WIN = 2 * SSIM_RADIUS + 1;

/**
 * The normalised 1-D Gaussian taps, built exactly as scipy.ndimage._gaussian_kernel1d does, so the
 * separable 11x11 window equals the one scikit-image applies.
 */
export function gaussianTaps(): Float64Array {
  const taps = new Float64Array(SSIM_WIN);
  const sigma2 = SSIM_SIGMA * SSIM_SIGMA;
  let sum = 0;
  for (let i = 0; i < SSIM_WIN; i++) {
    const x = i - SSIM_RADIUS;
    taps[i] = Math.exp((-0.5 / sigma2) * x * x);
    sum += taps[i];
  }
  for (let i = 0; i < SSIM_WIN; i++) taps[i] /= sum;
  return taps;
}

/**
 * BT.601 luma as BasicSR's rgb2ycbcr(y_only=True), rescaled to [0, 1]:
 * Y = (16 + 65.481 R + 128.553 G + 24.966 B) / 255 with R, G, B in [0, 1], so Y lies in
 * [16/255, 235/255].
 */
export const Y_OFFSET = 16 / 255;
export const Y_WEIGHTS: readonly [number, number, number] = [65.481 / 255, 128.553 / 255, 24.966 / 255];

/** PSNR in dB for signals in [0, 1]; an MSE of 0 (identical inputs) gives Infinity. */
export function psnrFromMse(mse: number): number {
  return mse === 0 ? Infinity : -10 * Math.log10(mse);
}

export function assertSsimSize(width: number, height: number): void {
  if (width < SSIM_WIN || height < SSIM_WIN) {
    throw new RangeError(`SSIM needs images of at least ${SSIM_WIN}x${SSIM_WIN} pixels (the Gaussian window), got ${width}x${height}`);
  }
}
