// The restorer must train the same on WASM (the backend used on CPU-only machines, with the
// project's own conv gradients) as on the reference CPU backend. Skipped until those exist.
import { describe, expect, it } from 'vitest';
import { tf, type Tensor4D } from '../tf';
import { createRestorer, type RestorerConfig } from '../models/restorer';
import { createAdam, trainStep } from './supervised';

const config: RestorerConfig = {
  levels: 3,
  widths: [8, 16, 24],
  encoderBlocks: [1, 1, 1],
  decoderBlocks: [1, 1],
  skip: 'concat',
  upsample: 'bilinear',
  globalResidual: true,
  activation: 'leakyRelu',
  zeroInitOutput: false,
};

async function run(backend: string): Promise<{ losses: number[]; weights: Float32Array[] }> {
  await tf.setBackend(backend);
  const r = createRestorer(config, { seed: 4 });
  const y = tf.randomUniform([2, 16, 16, 3], 0, 1, 'float32', 1) as Tensor4D;
  const x = tf.randomUniform([2, 16, 16, 3], 0, 1, 'float32', 2) as Tensor4D;
  const opt = createAdam(1e-3);
  const losses: number[] = [];
  for (let i = 0; i < 4; i++) losses.push(await trainStep(r, opt, x, y));
  const weights = r.model.getWeights().map((w) => w.dataSync() as Float32Array);
  tf.dispose([x, y]);
  opt.dispose();
  r.dispose();
  return { losses, weights };
}

describe.runIf(!!tf.getKernel('Conv2DBackpropFilter', 'wasm'))('restorer training on wasm', () => {
  it('matches the cpu backend step for step', async () => {
    const cpu = await run('cpu');
    const wasm = await run('wasm');
    for (let i = 0; i < cpu.losses.length; i++) expect(wasm.losses[i]).toBeCloseTo(cpu.losses[i], 4);
    let maxDiff = 0;
    cpu.weights.forEach((w, i) => w.forEach((v, j) => (maxDiff = Math.max(maxDiff, Math.abs(v - wasm.weights[i][j])))));
    expect(maxDiff).toBeLessThan(1e-4);
  });
});
