import { tf } from '../src/core/tf';
import { createRestorer, RESTORER_PRESET_NAMES } from '../src/core/models/restorer';
import { countRestorerParams } from '../src/core/models/complexity';
await tf.setBackend('cpu');
for (const p of RESTORER_PRESET_NAMES) {
  const r = createRestorer(p, { seed: 1 });
  console.log(p, r.countParams(), countRestorerParams(r.config));
  const x = tf.randomUniform([2, 64, 32, 3]) as tf.Tensor4D;
  const t0 = performance.now();
  const f = r.forwardWithFeatures(x);
  console.log(f.output.shape, f.encoder.map(e => e.shape.join('x')), f.decoder.map(e => e.shape.join('x')), (performance.now()-t0).toFixed(0)+'ms');
  console.log('identity diff', tf.max(tf.abs(tf.sub(f.output, x))).dataSync()[0]);
  r.dispose(); tf.dispose([x, f.output, ...f.encoder, ...f.decoder]);
  console.log(tf.memory().numTensors);
}
const r = createRestorer({ ...createRestorer('teacher').config, activation: 'leakyRelu', skip: 'concat', upsample: 'nearest' });
console.log(r.countParams(), countRestorerParams(r.config), r.model.layers.length);
