import fixture from '../src/core/metrics/fixtures/skimage-reference.json';
import { tf } from '../src/core/tf';
import { readImage } from '../src/cli/image-io';
import { scoreTensors } from '../src/core/metrics/tensor-metrics';
const keys = ['psnr', 'ssim', 'psnr_y', 'ssim_y'] as const;
for (const backend of ['cpu', 'wasm']) {
  await tf.setBackend(backend);
  const max = { psnr: 0, ssim: 0, psnr_y: 0, ssim_y: 0 };
  for (const r of fixture.real) {
    const a = await readImage(`../shared/data/${r.input}`), b = await readImage(`../shared/data/${r.target}`);
    const ta = tf.tensor4d(a.data, [1, a.height, a.width, 3]), tb = tf.tensor4d(b.data, [1, b.height, b.width, 3]);
    const [s] = await scoreTensors(ta, tb); tf.dispose([ta, tb]);
    for (const k of keys) max[k] = Math.max(max[k], Math.abs(s[k] - r[k]));
  }
  console.log(backend, max, tf.memory().numTensors);
}
