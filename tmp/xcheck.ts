import { tf } from '../src/core/tf';
import { createRestorer } from '../src/core/models/restorer';
import { createAdam, trainStep } from '../src/core/train/supervised';
const out: Record<string, number[]> = {};
for (const b of ['cpu', 'wasm']) {
  await tf.setBackend(b);
  const r = createRestorer({ levels: 3, widths: [8, 16, 24], encoderBlocks: [1, 1, 1], decoderBlocks: [1, 1], skip: 'concat', upsample: 'bilinear', globalResidual: true, activation: 'leakyRelu', zeroInitOutput: false }, { seed: 4 });
  const y = tf.randomUniform([2, 16, 16, 3], 0, 1, 'float32', 1) as tf.Tensor4D;
  const x = tf.randomUniform([2, 16, 16, 3], 0, 1, 'float32', 2) as tf.Tensor4D;
  const opt = createAdam(1e-3); const l: number[] = [];
  for (let i = 0; i < 5; i++) l.push(await trainStep(r, opt, x, y));
  out[b] = [...l, ...r.model.getWeights().slice(0, 3).map(w => w.sum().dataSync()[0])];
}
console.log(out);
