// Frozen feature extractors for feature-space losses (contrastive regularisation in DFL and DCKD,
// feature matching in SLKD). VGG weights are not available in the page, so the extractor is a
// network trained inside the project: by default the teacher's encoder.

import { tf, type Tensor4D } from '../tf';
import type { Restorer } from './restorer';
import { encoderFeatureLayer } from './restorer-config';

export interface FeatureExtractor {
  /** Number of feature maps returned, shallow to deep. */
  readonly levels: number;
  /** Feature maps of x, shallow to deep; differentiable with respect to x. The caller disposes them. */
  features(x: Tensor4D): Tensor4D[];
  /** Frees what the extractor owns (never the weights of the network it reads from). */
  dispose(): void;
}

/**
 * The encoder of a restorer (its features at every level) as an extractor. It runs only the
 * encoder's layers, about half of the restorer's FLOPs, and shares the restorer's weights: the
 * restorer must outlive it, and nothing here updates those weights (gradients flow to the input
 * only, since callers pass their own variable lists to the optimizer).
 */
export function restorerEncoder(restorer: Restorer): FeatureExtractor {
  const { config, model } = restorer;
  const outputs = Array.from({ length: config.levels }, (_, i) => model.getLayer(encoderFeatureLayer(config, i)).output as tf.SymbolicTensor);
  // A view over the restorer's layers. Never call its dispose(): that would free the layers'
  // weights, which belong to the restorer. It holds no tensors of its own.
  const encoder = tf.model({ inputs: model.inputs, outputs, name: `${model.name}_encoder` });
  return {
    levels: config.levels,
    features(x: Tensor4D): Tensor4D[] {
      if (restorer.disposed) throw new Error('feature extractor: its restorer is disposed');
      return tf.tidy(() => {
        const out = encoder.apply(x) as Tensor4D | Tensor4D[];
        return Array.isArray(out) ? out : [out];
      });
    },
    dispose(): void {
      // Nothing to free: see above.
    },
  };
}
