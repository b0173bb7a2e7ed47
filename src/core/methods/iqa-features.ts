// Differentiable image-quality statistics of feature maps, for SLKD (docs/methods.md#slkd):
// a BRISQUE-style extractor (mean-subtracted contrast-normalised coefficients and the products
// of neighbours) and a PIQE-style one (block variance and the gradient energy on block borders
// and inside). Both work channel by channel on [n, h, w, c] tensors and keep gradients.

import { tf, type Tensor4D } from '../tf';

/** BRISQUE's window: 7x7 Gaussian, sigma 7/6, summing to 1. */
export function gaussianWindow(size = 7, sigma = 7 / 6): number[][] {
  const r = (size - 1) / 2;
  const g = Array.from({ length: size }, (_, i) => Array.from({ length: size }, (_, j) => Math.exp(-((i - r) ** 2 + (j - r) ** 2) / (2 * sigma * sigma))));
  const total = g.flat().reduce((a, b) => a + b, 0);
  return g.map((row) => row.map((v) => v / total));
}

/**
 * The constant of MSCN = (I - mu) / (sigma + C). BRISQUE uses 1 on 0-255 intensities, 0.4% of
 * their range; features have no fixed range, so this is our choice: 0.01, small against the
 * local spread of a feature map that carries structure.
 */
export const MSCN_C = 0.01;

/**
 * Gaussian-weighted local mean, normalised by the window's mass inside the image (true means at the borders).
 * The window is separable (an outer product of its row sums), so it runs as a 7x1 and a 1x7 pass:
 * 14 multiply-adds per value instead of 49, which is most of SLKD's step time.
 */
function localMean(x: Tensor4D, window: number[][]): Tensor4D {
  return tf.tidy(() => {
    const [, h, w, c] = x.shape;
    const k = window.length;
    const taps = window.map((row) => row.reduce((a, b) => a + b, 0));
    const blur = (t: Tensor4D, channels: number) => {
      const column = tf.tile(tf.tensor4d(taps, [k, 1, 1, 1]), [1, 1, channels, 1]) as tf.Tensor4D;
      const row = tf.tile(tf.tensor4d(taps, [1, k, 1, 1]), [1, 1, channels, 1]) as tf.Tensor4D;
      return tf.depthwiseConv2d(tf.depthwiseConv2d(t, column, 1, 'same'), row, 1, 'same');
    };
    return tf.div(blur(x, c), blur(tf.ones([1, h, w, 1]) as Tensor4D, 1)) as Tensor4D;
  });
}

/** Mean-subtracted contrast-normalised coefficients, (x - mu) / (sigma + C), per channel. */
export function mscn(x: Tensor4D, c = MSCN_C, window = gaussianWindow()): Tensor4D {
  return tf.tidy(() => {
    const mu = localMean(x, window);
    const variance = tf.relu(tf.sub(localMean(tf.square(x), window), tf.square(mu)));
    // sqrt has an infinite slope at 0: a flat region would send NaN gradients back.
    const sigma = tf.sqrt(tf.add(variance, 1e-12));
    return tf.div(tf.sub(x, mu), tf.add(sigma, c)) as Tensor4D;
  });
}

/** The neighbour of every position in direction (dy, dx), zero beyond the image. */
function shifted(x: Tensor4D, dy: number, dx: number): Tensor4D {
  return tf.tidy(() => {
    const [n, h, w, c] = x.shape;
    const part = tf.slice(x, [0, dy, Math.max(dx, 0), 0], [n, h - dy, w - Math.abs(dx), c]);
    return tf.pad(part, [
      [0, 0],
      [0, dy],
      [Math.max(-dx, 0), Math.max(dx, 0)],
      [0, 0],
    ]) as Tensor4D;
  });
}

/** BRISQUE's four neighbour directions: horizontal, vertical, main and anti diagonal. */
export const NEIGHBOUR_DIRECTIONS: readonly (readonly [number, number])[] = [
  [0, 1],
  [1, 0],
  [1, 1],
  [1, -1],
];

/** Products of each coefficient with its neighbour, one map per direction. */
export function pairwiseProducts(m: Tensor4D): Tensor4D[] {
  return NEIGHBOUR_DIRECTIONS.map(([dy, dx]) => tf.tidy(() => tf.mul(m, shifted(m, dy, dx)) as Tensor4D));
}

/**
 * The BRISQUE-style description of a feature map: its MSCN coefficients, and the local
 * (Gaussian-window) mean and variance of the four pairwise-product maps; [n, h, w, 9c].
 */
export function brisqueFeatures(x: Tensor4D, window = gaussianWindow()): Tensor4D {
  return tf.tidy(() => {
    const m = mscn(x, MSCN_C, window);
    const stats = pairwiseProducts(m).flatMap((p) => {
      const mu = localMean(p, window);
      return [mu, tf.sub(localMean(tf.square(p), window), tf.square(mu)) as Tensor4D];
    });
    return tf.concat([m, ...stats], 3) as Tensor4D;
  });
}

/** 1 on the outer ring of every block x block tile, 0 inside: [1, h, w, 1]. */
function ringMask(h: number, w: number, block: number): Tensor4D {
  const data = new Float32Array(h * w);
  for (let i = 0; i < h; i++) {
    for (let j = 0; j < w; j++) {
      const a = i % block;
      const b = j % block;
      data[i * w + j] = a === 0 || b === 0 || a === block - 1 || b === block - 1 ? 1 : 0;
    }
  }
  return tf.tensor4d(data, [1, h, w, 1]);
}

/**
 * The PIQE-style description of a feature map, per block x block tile and channel: the tile's
 * variance, the mean gradient energy (squared forward differences) on its border ring and inside
 * it; [n, h/block, w/block, 3c]. Blocky, smeared or noisy restorations differ in exactly these.
 */
export function piqeFeatures(x: Tensor4D, block: number): Tensor4D {
  return tf.tidy(() => {
    const [, h, w] = x.shape;
    if (h % block !== 0 || w % block !== 0) throw new RangeError(`piqeFeatures: ${h}x${w} is not a multiple of the ${block}-pixel block`);
    const pool = (t: Tensor4D) => tf.avgPool(t, block, block, 'valid') as Tensor4D;
    const mean = pool(x);
    const variance = tf.relu(tf.sub(pool(tf.square(x)), tf.square(mean)));
    const energy = tf.add(tf.square(tf.sub(shifted(x, 0, 1), x)), tf.square(tf.sub(shifted(x, 1, 0), x))) as Tensor4D;
    // The last column's and row's forward differences reach past the image: drop them.
    const inside = tf.tensor4d(
      Array.from({ length: h * w }, (_, k) => (Math.floor(k / w) < h - 1 ? 1 : 0) * (k % w < w - 1 ? 1 : 0)),
      [1, h, w, 1],
    );
    const gradient = tf.mul(energy, inside) as Tensor4D;
    const ring = ringMask(h, w, block);
    const ringShare = pool(ring);
    const innerShare = tf.sub(1, ringShare);
    const border = tf.div(pool(tf.mul(gradient, ring) as Tensor4D), ringShare);
    const inner = tf.div(pool(tf.mul(gradient, tf.sub(1, ring)) as Tensor4D), tf.maximum(innerShare, 1e-6));
    return tf.concat([variance, border, inner], 3) as Tensor4D;
  });
}
