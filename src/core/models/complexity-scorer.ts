// TripleD's frozen complexity scorer (docs/methods.md#tripled): a small CNN that looks at a
// degraded training image and estimates how hard its pair is to learn. The paper scores images
// with a pretrained ViT whose features estimate image entropy; ours is trained inside the project
// (our choice) to regress three measurable facts of the pair from the degraded input alone:
//   entropy      Shannon entropy of the clean image's luminance histogram (how much it holds),
//   gradients    log mean squared luminance gradient of the clean image (how much fine detail),
//   degradation  log mean |x - y|: how far the weather took the input from the clean image.
// Each is standardised over the set being scored; the complexity score is their mean. Its pooled
// features (per-channel mean and standard deviation of the last conv, as in D4IR's prompt
// adapter) are the space in which TripleD compares the condensed set with the full one.

import { tf, type Tensor4D } from '../tf';
import type { RGBImage } from '../data/image';
import { applyConv, applyDense, ParamModel, restoreModel, type Conv, type Dense, type StoredModel } from './param-set';

export interface ComplexityScorerConfig {
  /** Channels of the three stride-2 convs. */
  widths: readonly [number, number, number];
  hidden: number;
}

export const DEFAULT_COMPLEXITY_SCORER: ComplexityScorerConfig = { widths: [16, 32, 32], hidden: 32 };
export const COMPLEXITY_TARGETS = ['entropy', 'gradients', 'degradation'] as const;
const LEAK = 0.2;
const FORMAT = 1;
const HISTOGRAM_BINS = 64;

export class ComplexityScorer extends ParamModel<ComplexityScorerConfig> {
  private readonly convs: Conv[];
  private readonly fc: [Dense, Dense];

  constructor(config: ComplexityScorerConfig = DEFAULT_COMPLEXITY_SCORER, seed = 1) {
    super({ ...config, widths: [...config.widths] as unknown as ComplexityScorerConfig['widths'] }, seed, 'complexity-scorer', FORMAT);
    const p = this.params;
    const [a, b, c] = config.widths;
    this.convs = [p.conv('conv0', 3, 3, a, { stride: 2 }), p.conv('conv1', 3, a, b, { stride: 2 }), p.conv('conv2', 3, b, c, { stride: 2 })];
    this.fc = [p.dense('fc0', 2 * c, config.hidden, 2), p.dense('fc1', config.hidden, COMPLEXITY_TARGETS.length)];
  }

  /** Dimensions of features(). */
  get featureDim(): number {
    return 2 * this.config.widths[2];
  }

  /** Pooled features of images in [0, 1] (at least 8 px): [n, featureDim]. */
  features(x: Tensor4D): tf.Tensor2D {
    return tf.tidy(() => {
      let h: Tensor4D = tf.sub(x, 0.5);
      for (const c of this.convs) h = tf.leakyRelu(applyConv(c, h), LEAK);
      const { mean, variance } = tf.moments(h, [1, 2]);
      return tf.concat([mean, tf.sqrt(tf.add(variance, 1e-6))], 1) as tf.Tensor2D;
    });
  }

  /** The standardised targets predicted from pooled features: [n, 3], in COMPLEXITY_TARGETS order. */
  head(features: tf.Tensor2D): tf.Tensor2D {
    return tf.tidy(() => applyDense(this.fc[1], tf.leakyRelu(applyDense(this.fc[0], features), LEAK)));
  }

  static fromStored(stored: StoredModel): ComplexityScorer {
    return restoreModel(stored, (config: ComplexityScorerConfig) => new ComplexityScorer(config));
  }
}

/** The three raw complexity measures of a pair (COMPLEXITY_TARGETS order), before standardisation. */
export function complexityTargets(degraded: RGBImage, clean: RGBImage): [number, number, number] {
  const { width: w, height: h, data: y } = clean;
  const lum = new Float32Array(w * h);
  for (let i = 0; i < w * h; i++) lum[i] = 0.299 * y[3 * i] + 0.587 * y[3 * i + 1] + 0.114 * y[3 * i + 2];
  const hist = new Float64Array(HISTOGRAM_BINS);
  for (const v of lum) hist[Math.min(HISTOGRAM_BINS - 1, Math.max(0, Math.floor(v * HISTOGRAM_BINS)))] += 1;
  let entropy = 0;
  for (const c of hist) if (c > 0) entropy -= (c / lum.length) * Math.log2(c / lum.length);
  let grad = 0;
  for (let r = 0; r < h - 1; r++) {
    for (let c = 0; c < w - 1; c++) {
      const i = r * w + c;
      grad += (lum[i + 1] - lum[i]) ** 2 + (lum[i + w] - lum[i]) ** 2;
    }
  }
  grad /= Math.max(1, (w - 1) * (h - 1));
  let diff = 0;
  for (let i = 0; i < y.length; i++) diff += Math.abs(degraded.data[i] - y[i]);
  diff /= y.length;
  return [entropy, Math.log(grad + 1e-6), Math.log(diff + 1e-4)];
}
