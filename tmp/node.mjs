import * as tf from '@tensorflow/tfjs';
await tf.setBackend('cpu');
const x = tf.randomUniform([1, 32, 32, 24]); const w = tf.variable(tf.randomNormal([3,3,24,24]));
let t = performance.now(); for (let i=0;i<3;i++) tf.tidy(() => tf.grads((w)=>tf.mean(tf.conv2d(x, w, 1, 'same')))([w])); console.log('node build grad ms', (performance.now()-t)/3);
