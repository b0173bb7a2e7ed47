import { tf } from '../src/core/tf';
import { ssimTensor, psnrTensor } from '../src/core/metrics/tensor-metrics';
const ok = await tf.setBackend('wasm'); console.log('wasm', ok, tf.getBackend());
const a = tf.randomUniform([2, 32, 40, 3]) as tf.Tensor4D; const b = a.add(tf.randomUniform([2,32,40,3], 0, 0.1)).clipByValue(0,1) as tf.Tensor4D;
console.log(await ssimTensor(a, b).data(), await psnrTensor(a,b).data());
await tf.setBackend('cpu'); 
const a2 = tf.tensor(await a.data(), a.shape) as tf.Tensor4D, b2 = tf.tensor(await b.data(), b.shape) as tf.Tensor4D;
console.log(await ssimTensor(a2, b2).data(), await psnrTensor(a2,b2).data());
