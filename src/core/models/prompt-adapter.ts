// D4IR's degradation prompt adapter: a small encoder that maps a degraded image to a unit vector
// (its "degradation prompt"), trained contrastively without weather labels.
//
// Network: four 3x3 convs (two of them stride 2), then statistics pooling — the per-channel mean
// and standard deviation over the whole image, so the prompt describes what the image is like
// everywhere (haze lowers contrast everywhere, rain adds oriented texture everywhere) rather than
// where things are — then two dense layers and L2 normalisation.
//
// Training signal (as in unsupervised degradation representation learning, Wang et al., CVPR
// 2021): two crops from different places of the same degraded image share its degradation but
// not its content, so they are a positive pair; crops of other images in the batch are
// negatives (InfoNCE / NT-Xent). The encoder is pushed to encode what the crops share — the
// weather — and to ignore content, with no label ever used.

import { tf, type Tensor4D } from '../tf';
import { applyConv, applyDense, ParamModel, restoreModel, type Conv, type Dense, type StoredModel } from './param-set';

export interface PromptAdapterConfig {
  /** Channels of the four convs. */
  widths: readonly [number, number, number, number];
  hidden: number;
  /** Prompt dimensions. */
  dim: number;
}

export const DEFAULT_PROMPT_ADAPTER: PromptAdapterConfig = { widths: [16, 32, 48, 48], hidden: 64, dim: 16 };

const LEAK = 0.2;
export const PROMPT_ADAPTER_FORMAT = 1;

export class PromptAdapter extends ParamModel<PromptAdapterConfig> {
  private readonly convs: Conv[];
  private readonly fc: [Dense, Dense];

  constructor(config: PromptAdapterConfig = DEFAULT_PROMPT_ADAPTER, seed = 1) {
    super({ ...config, widths: [...config.widths] as unknown as PromptAdapterConfig['widths'] }, seed, 'prompt-adapter', PROMPT_ADAPTER_FORMAT);
    const p = this.params;
    const [a, b, c, d] = config.widths;
    this.convs = [p.conv('conv0', 3, 3, a), p.conv('conv1', 3, a, b, { stride: 2 }), p.conv('conv2', 3, b, c, { stride: 2 }), p.conv('conv3', 3, c, d)];
    this.fc = [p.dense('fc0', 2 * d, config.hidden, 2), p.dense('fc1', config.hidden, config.dim)];
  }

  /** Prompts of a batch of images in [0, 1] (any size of at least 8 px): [n, dim], unit length. */
  embed(x: Tensor4D): tf.Tensor2D {
    return tf.tidy(() => {
      let h: Tensor4D = tf.sub(x, 0.5);
      for (const c of this.convs) h = tf.leakyRelu(applyConv(c, h), LEAK);
      const { mean, variance } = tf.moments(h, [1, 2]);
      const std = tf.sqrt(tf.add(variance, 1e-6));
      const pooled = tf.concat([mean, std], 1) as tf.Tensor2D;
      const z = applyDense(this.fc[1], tf.leakyRelu(applyDense(this.fc[0], pooled), LEAK));
      return tf.div(z, tf.add(tf.norm(z, 'euclidean', 1, true), 1e-8)) as tf.Tensor2D;
    });
  }

  static fromStored(stored: StoredModel): PromptAdapter {
    return restoreModel(stored, (config: PromptAdapterConfig) => new PromptAdapter(config));
  }
}

/**
 * NT-Xent (InfoNCE over both views): za[i] and zb[i] are a positive pair, every other embedding
 * in the batch a negative. Inputs are unit vectors [n, d]; temperature tau.
 */
export function contrastiveLoss(za: tf.Tensor2D, zb: tf.Tensor2D, tau: number): tf.Scalar {
  return tf.tidy(() => {
    const n = za.shape[0];
    const z = tf.concat([za, zb], 0);
    const eye = tf.eye(2 * n);
    // Self-similarity is not a candidate: push it far down before the softmax.
    const logits = tf.sub(tf.div(tf.matMul(z, z, false, true), tau), tf.mul(eye, 1e4));
    const positives = tf.concat([tf.concat([tf.zeros([n, n]), tf.eye(n)], 1), tf.concat([tf.eye(n), tf.zeros([n, n])], 1)], 0);
    return tf.neg(tf.mean(tf.sum(tf.mul(tf.logSoftmax(logits, 1), positives), 1))) as tf.Scalar;
  });
}
