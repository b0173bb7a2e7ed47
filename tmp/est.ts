import { tf } from '../src/core/tf';
import { createRestorer } from '../src/core/models/restorer';
import { createAdam, trainStep } from '../src/core/train/supervised';
await tf.setBackend('cpu');
for (const p of ['student-5', 'teacher'] as const) {
  const r = createRestorer(p);
  for (const [n, s] of [[1, 32], [8, 64]] as const) {
    const x = tf.randomUniform([n, s, s, 3]) as tf.Tensor4D;
    let t = performance.now(); tf.tidy(() => r.predict(x)).dispose(); const fwd = performance.now() - t;
    let step = NaN;
    if (n === 1) { const opt = createAdam(); t = performance.now(); await trainStep(r, opt, x, x); step = performance.now() - t; opt.dispose(); }
    console.log(p, n, s, 'fwd', fwd.toFixed(0), 'step', step.toFixed(0));
    x.dispose();
  }
  r.dispose();
}
