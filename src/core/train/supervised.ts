// The minimal supervised step: L1(restorer(x), y), one optimizer update. Everything it allocates
// is freed before it returns (the cost tensor after its value is read), so memory stays flat.

import { tf, type Tensor4D } from '../tf';
import type { Restorer } from '../models/restorer';

/** Mean absolute error. */
export function l1Loss(a: tf.Tensor, b: tf.Tensor): tf.Scalar {
  return tf.tidy(() => tf.mean(tf.abs(tf.sub(a, b))) as tf.Scalar);
}

/** The default optimizer for restorers (Adam, as in most restoration papers). */
export function createAdam(learningRate = 1e-3): tf.Optimizer {
  return tf.train.adam(learningRate, 0.9, 0.999, 1e-8);
}

/**
 * One training step on a batch (x degraded, y clean, both [N, H, W, 3]); resolves to the loss
 * before the update. x and y stay owned by the caller.
 */
export async function trainStep(restorer: Restorer, optimizer: tf.Optimizer, x: Tensor4D, y: Tensor4D): Promise<number> {
  const cost = optimizer.minimize(() => l1Loss(restorer.predict(x), y), true, restorer.trainableWeights);
  if (!cost) throw new Error('optimizer.minimize returned no cost');
  try {
    // Async read: a synchronous one stalls WebGPU.
    return (await cost.data())[0];
  } finally {
    cost.dispose();
  }
}
