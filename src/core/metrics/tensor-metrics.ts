// PSNR and SSIM on tfjs batches [N, H, W, 3] in [0, 1], one value per image, for training curves.
// Same conventions as image-metrics.ts (docs/metrics.md); the tensor versions run in float32
// on whatever backend is active and agree with the float64 ones to about 1e-6 (SSIM) and 1e-5 dB.

import { tf } from '../tf';
import { assertSsimSize, gaussianTaps, SSIM_C1, SSIM_C2, SSIM_WIN, Y_OFFSET, Y_WEIGHTS, type ImageScores, type MetricChannel } from './common';

function assertBatchPair(a: tf.Tensor, b: tf.Tensor): void {
  if (a.rank !== 4 || a.shape[3] !== 3) {
    throw new RangeError(`expected an image batch of shape [N, H, W, 3], got [${a.shape.join(', ')}]`);
  }
  if (!tf.util.arraysEqual(a.shape, b.shape)) {
    throw new RangeError(`image batch shapes differ: [${a.shape.join(', ')}] and [${b.shape.join(', ')}]`);
  }
}

/** BT.601 luma [N, H, W, 1] of an RGB batch [N, H, W, 3], as BasicSR, in [16/255, 235/255]. */
export function rgbToYTensor(images: tf.Tensor4D): tf.Tensor4D {
  return tf.tidy(() => {
    const weights = tf.tensor4d([...Y_WEIGHTS], [1, 1, 3, 1]);
    return tf.conv2d(images.toFloat(), weights, 1, 'valid').add(Y_OFFSET) as tf.Tensor4D;
  });
}

/**
 * Mean over [H, W, C] per image, reduced one axis at a time: some backends (WASM) accumulate a
 * reduction in float32, and summing a whole photo at once would cost a few 1e-4 of SSIM and
 * 0.01 dB of PSNR; summing at most one row at a time keeps the error near float32 resolution.
 */
function meanPerImage(x: tf.Tensor4D): tf.Tensor1D {
  return x.mean(3).mean(2).mean(1);
}

function planes(images: tf.Tensor4D, channel: MetricChannel): tf.Tensor4D {
  return channel === 'y' ? rgbToYTensor(images) : (images.toFloat() as tf.Tensor4D);
}

/** Mean squared error per image [N], over R, G, B or over the Y plane. */
export function mseTensor(restored: tf.Tensor4D, reference: tf.Tensor4D, channel: MetricChannel = 'rgb'): tf.Tensor1D {
  assertBatchPair(restored, reference);
  return tf.tidy(() => meanPerImage(tf.squaredDifference(planes(restored, channel), planes(reference, channel))));
}

/** PSNR in dB per image [N]; an image identical to its reference gets Infinity. */
export function psnrTensor(restored: tf.Tensor4D, reference: tf.Tensor4D, channel: MetricChannel = 'rgb'): tf.Tensor1D {
  return tf.tidy(() => {
    // log(0) = -Infinity, so an MSE of 0 yields +Infinity without a special case.
    const mse = mseTensor(restored, reference, channel);
    return tf.log(mse).mul(-10 / Math.LN10);
  });
}

/** "Valid" separable Gaussian filter of every channel of x [N, H, W, C]: [N, H-10, W-10, C]. */
function gaussianFilterValid(x: tf.Tensor4D): tf.Tensor4D {
  const channels = x.shape[3];
  const taps = Array.from(gaussianTaps());
  const perChannel = taps.flatMap((w) => new Array<number>(channels).fill(w));
  const horizontal = tf.tensor4d(perChannel, [1, SSIM_WIN, channels, 1]);
  const vertical = tf.tensor4d(perChannel, [SSIM_WIN, 1, channels, 1]);
  return tf.depthwiseConv2d(tf.depthwiseConv2d(x, horizontal, 1, 'valid'), vertical, 1, 'valid');
}

/**
 * SSIM per image [N], as scikit-image's structural_similarity(data_range=1, gaussian_weights=True,
 * sigma=1.5, use_sample_covariance=False); for 'rgb' the mean over the three channels. H and W
 * must be at least 11.
 */
export function ssimTensor(restored: tf.Tensor4D, reference: tf.Tensor4D, channel: MetricChannel = 'rgb'): tf.Tensor1D {
  assertBatchPair(restored, reference);
  assertSsimSize(restored.shape[2], restored.shape[1]);
  return tf.tidy(() => {
    const x = planes(restored, channel);
    const y = planes(reference, channel);
    // Variances are E[x^2] - E[x]^2, which loses digits in float32 when the means are large.
    // Shifting both images by the same per-image, per-channel constant leaves the variances and
    // the covariance unchanged and keeps those terms small; the means are shifted back below.
    const shift = x.add(y).mean(2, true).mean(1, true).div(2);
    const xs = x.sub<tf.Tensor4D>(shift);
    const ys = y.sub<tf.Tensor4D>(shift);
    const c = x.shape[3];
    const filtered = gaussianFilterValid(tf.concat4d([xs, ys, xs.square(), ys.square(), xs.mul(ys)], 3));
    const [mx, my, mxx, myy, mxy] = tf.split(filtered, [c, c, c, c, c], 3);
    const vx = mxx.sub(mx.square());
    const vy = myy.sub(my.square());
    const vxy = mxy.sub(mx.mul(my));
    const ux = mx.add(shift);
    const uy = my.add(shift);
    const luminance = ux.mul(uy).mul(2).add(SSIM_C1).div(ux.square().add(uy.square()).add(SSIM_C1));
    const structure = vxy.mul(2).add(SSIM_C2).div(vx.add(vy).add(SSIM_C2));
    // Every channel has the same number of pixels, so the mean over [H, W, C] is the channel mean.
    return meanPerImage(luminance.mul<tf.Tensor4D>(structure));
  });
}

/** PSNR and SSIM, RGB and Y, per image of a batch; reads the values back and frees everything. */
export async function scoreTensors(restored: tf.Tensor4D, reference: tf.Tensor4D): Promise<ImageScores[]> {
  // Validate before allocating so a bad shape cannot leave the first results behind.
  assertBatchPair(restored, reference);
  assertSsimSize(restored.shape[2], restored.shape[1]);
  const results = [
    psnrTensor(restored, reference, 'rgb'),
    ssimTensor(restored, reference, 'rgb'),
    psnrTensor(restored, reference, 'y'),
    ssimTensor(restored, reference, 'y'),
  ];
  try {
    const [psnr, ssim, psnrY, ssimY] = await Promise.all(results.map((t) => t.data()));
    return Array.from(psnr, (_, i) => ({ psnr: psnr[i], ssim: ssim[i], psnr_y: psnrY[i], ssim_y: ssimY[i] }));
  } finally {
    tf.dispose(results);
  }
}
