import { tf } from '../src/core/tf';
type T4 = tf.Tensor4D;
const cases: [string, number[], (x: T4) => T4][] = [
  ['bil 5x7->10x14', [2,5,7,3], (x) => tf.image.resizeBilinear(x, [10,14])],
  ['bil 5x5->10x10', [2,5,5,3], (x) => tf.image.resizeBilinear(x, [10,10])],
  ['bil 5x7->9x13 ac', [1,5,7,2], (x) => tf.image.resizeBilinear(x, [9,13], true)],
  ['bil 5x5->9x9 ac', [1,5,5,2], (x) => tf.image.resizeBilinear(x, [9,9], true)],
  ['bil 8x8->4x4 hpc', [1,8,8,2], (x) => tf.image.resizeBilinear(x, [4,4], false, true)],
  ['bil 4x4->8x8 hpc', [1,4,4,2], (x) => tf.image.resizeBilinear(x, [8,8], false, true)],
  ['nn 5x7->10x14', [2,5,7,3], (x) => tf.image.resizeNearestNeighbor(x, [10,14])],
  ['nn 5x7->10x14 b1', [1,5,7,3], (x) => tf.image.resizeNearestNeighbor(x, [10,14])],
  ['nn 7x9->4x5 hpc', [1,7,9,2], (x) => tf.image.resizeNearestNeighbor(x, [4,5], false, true)],
  ['nn 4x4->8x8 hpc', [1,4,4,2], (x) => tf.image.resizeNearestNeighbor(x, [8,8], false, true)],
  ['nn 5x7->9x13 ac', [1,5,7,2], (x) => tf.image.resizeNearestNeighbor(x, [9,13], true)],
];
function rnd(n: number, s: number) { const a = new Float32Array(n); for (let i=0;i<n;i++){ s = (s*1103515245+12345) % 2147483648; a[i] = s/2147483648*2-1;} return a; }
for (const be of ['cpu','wasm']) {
  await tf.setBackend(be);
  for (const [name, shape, f] of cases) {
    const [B,H,W,C] = shape; const n = H*W*C;
    const x = tf.tensor4d(rnd(B*n, 7), shape as any);
    const y = f(x); const w = tf.tensor(rnd(y.size, 11), y.shape);
    let g: tf.Tensor | string;
    try { g = tf.grad((a: T4) => tf.sum(tf.mul(f(a), w)))(x); } catch (e) { g = String(e).slice(0,60); }
    // basis reference
    const E = tf.reshape(tf.eye(n), [n,H,W,C]) as T4;
    const F = tf.reshape(f(E), [n, -1]);
    const ref = tf.transpose(tf.matMul(F, tf.reshape(w, [B, -1]), false, true)).reshape(shape);
    if (typeof g === 'string') { console.log(be, name, g); continue; }
    console.log(be, name, 'maxerr', tf.max(tf.abs(tf.sub(g, ref))).dataSync()[0].toFixed(4), 'scale', tf.max(tf.abs(ref)).dataSync()[0].toFixed(2));
  }
}
