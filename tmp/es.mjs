import * as tf from '@tensorflow/tfjs/dist/tf.es2017.js';
await tf.setBackend('cpu');
const x = tf.randomUniform([1, 32, 32, 24]); const w = tf.variable(tf.randomNormal([3,3,24,24]));
const f = () => tf.mean(tf.conv2d(x, w, 1, 'same'));
let t = performance.now(); for (let i=0;i<3;i++) tf.tidy(() => tf.grads((w)=>tf.mean(tf.conv2d(x, w, 1, 'same')))([w])); console.log('es2017 grad ms', (performance.now()-t)/3);
