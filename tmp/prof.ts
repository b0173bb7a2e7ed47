import { tf } from '../src/core/tf';
await tf.setBackend('wasm'); await tf.ready();
const b = tf.backend();
function med(name: string, f: () => tf.Tensor) { for (let i=0;i<2;i++) f().dispose(); const ts=[]; for (let i=0;i<7;i++){const s=performance.now(); const o=f(); ts.push(performance.now()-s); o.dispose();} ts.sort((a,b)=>a-b); console.log(name.padEnd(40), ts[3].toFixed(2)); }
const x = tf.randomNormal([8,64,64,32]); const dy = tf.randomNormal([8,64,64,32]); const dy2 = tf.randomNormal([8,32,32,32]);
const w = tf.randomNormal([3,3,32,32]) as tf.Tensor4D;
med('transpose x ->[C,H,W,N]', () => tf.transpose(x, [3,1,2,0]));
med('transpose dy ->[H,W,N,CO]', () => tf.transpose(dy, [1,2,0,3]));
const xT = tf.transpose(x, [3,1,2,0]) as tf.Tensor4D; const dyT = tf.transpose(dy, [1,2,0,3]) as tf.Tensor4D;
med('conv xT*dyT (fresh filter each time)', () => { const f = tf.clone(dyT); const o = tf.conv2d(xT, f, 1, 'same'); f.dispose(); return o; });
med('conv xT*dyT (cached filter)', () => tf.conv2d(xT, dyT, 1, 'same'));
med('clone dyT', () => tf.clone(dyT));
med('pad6d dilate dy2', () => tf.pad(dy2.reshape([8,32,1,32,1,32]), [[0,0],[0,0],[0,1],[0,0],[0,1],[0,0]]));
const dyd = tf.pad(dy2.reshape([8,32,1,32,1,32]), [[0,0],[0,0],[0,1],[0,0],[0,1],[0,0]]).reshape([8,64,64,32]) as tf.Tensor4D;
med('conv dilated dy2 with w', () => tf.conv2d(dyd, w, 1, [[0,0],[1,0],[1,0],[0,0]]));
med('fwd conv 64x64', () => tf.conv2d(x as tf.Tensor4D, w, 1, 'same'));
med('fwd conv 32x32 s1', () => tf.conv2d(dy2 as tf.Tensor4D, w, 1, 'same'));
med('fwd conv 32x32 2x2 filter', () => tf.conv2d(dy2 as tf.Tensor4D, tf.slice(w,[0,0,0,0],[2,2,32,32]) as tf.Tensor4D, 1, 'same'));
med('transpose 6d interleave', () => tf.transpose(tf.reshape(x, [2,2,8,32,32,32]), [2,3,0,4,1,5]));
