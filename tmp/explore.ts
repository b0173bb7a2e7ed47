import { tf } from '../src/core/tf';
await tf.setBackend('wasm'); await tf.ready();
console.log(tf.getBackend());
const x = tf.tensor4d([-5,-3,-2,-4, -1,-7,-8,-6, -3,-3,-9,-9, -3,-3,-9,-9], [1,4,4,1]);
const g = tf.grad((a: tf.Tensor4D) => tf.maxPool(a, 2, 2, 'valid'))(x);
console.log('maxpoolgrad wasm', Array.from(g.dataSync()));
const r = tf.maxPoolWithArgmax(x, 2, 2, 'valid');
console.log('argmax', Array.from(r.result.dataSync()), Array.from(r.indexes.dataSync()));
const sc = tf.scatterND(tf.tensor2d([[1],[1],[3]], [3,1], 'int32'), tf.tensor1d([1,2,3]), [5]);
console.log('scatter', Array.from(sc.dataSync()));
// timing Conv2DBackpropInput
const xs = tf.randomNormal([8,64,64,32]) as tf.Tensor4D; const w = tf.randomNormal([3,3,32,32]) as tf.Tensor4D;
const dy = tf.randomNormal([8,64,64,32]) as tf.Tensor4D;
function t(name: string, f: () => tf.Tensor) { for (let i=0;i<2;i++) f().dispose(); const ts=[]; for (let i=0;i<5;i++){const s=performance.now(); const o=f(); o.dataSync(); ts.push(performance.now()-s); o.dispose();} ts.sort((a,b)=>a-b); console.log(name, ts[2].toFixed(1)); }
t('fwd', () => tf.conv2d(xs, w, 1, 'same'));
t('bpInput', () => tf.conv2dTranspose(dy, w, [8,64,64,32], 1, 'same'));
const wf = tf.transpose(tf.reverse(w, [0,1]), [0,1,3,2]) as tf.Tensor4D;
t('flipped', () => tf.conv2d(dy, wf, 1, 'same'));
