// The one place that loads TensorFlow.js. Everything in core imports `tf` from here so the
// backends and the project's extra WASM gradient kernels are always registered.
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import './backend/wasm-gradients';
import '@tensorflow/tfjs-backend-webgpu';

export { tf };
export type { Tensor, Tensor4D, Rank } from '@tensorflow/tfjs';

// In Node, tfjs greets every process with advice to install tfjs-node, which cannot be installed
// here and which our WASM backend replaces; PROD silences that and other development warnings.
if (tf.env().get('IS_NODE')) tf.env().set('PROD', true);
