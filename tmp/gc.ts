import { tf } from '../src/core/tf';
import { runGradientChecks } from '../src/core/backend/gradcheck';
await tf.setBackend('wasm'); await tf.ready();
const before = tf.memory().numTensors;
const t0 = performance.now();
const r = await runGradientChecks();
console.log((performance.now()-t0).toFixed(0), 'ms');
for (const x of r) console.log(x.ok ? 'ok  ' : 'FAIL', x.name, x.maxAbsErr.toExponential(2), x.maxRelErr.toExponential(2), x.error ?? '');
console.log('tensors', before, tf.memory().numTensors, tf.getBackend());
