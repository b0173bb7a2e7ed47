import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tf, type Tensor4D } from '../tf';
import { createRestorer, type Restorer, type RestorerConfig } from '../models/restorer';
import { createAdam, l1Loss, trainStep } from './supervised';
import { tinyRestorerConfig } from '../models/test-configs';

const small: RestorerConfig = tinyRestorerConfig();

let x: Tensor4D;
let y: Tensor4D;

beforeAll(async () => {
  await tf.setBackend('cpu');
  // A fixed batch: clean y, degraded x = lower contrast plus noise; a restorer can undo most of it.
  y = tf.randomUniform([2, 8, 8, 3], 0, 1, 'float32', 1) as Tensor4D;
  x = tf.tidy(() => tf.add(tf.mul(y, 0.6), tf.randomNormal([2, 8, 8, 3], 0.2, 0.05, 'float32', 2))) as Tensor4D;
});

afterAll(() => {
  tf.dispose([x, y]);
});

describe('supervised trainStep', () => {
  it('l1Loss is the mean absolute error', () => {
    const a = tf.tensor([1, 2, 3]);
    const b = tf.tensor([2, 2, 1]);
    const l = l1Loss(a, b);
    expect(l.dataSync()[0]).toBeCloseTo(1);
    tf.dispose([a, b, l]);
  });

  it('keeps the tensor count flat over 100 steps', async () => {
    const r: Restorer = createRestorer(small, { seed: 1 });
    const opt = createAdam(1e-3);
    // The first step creates Adam's moment variables; count from after it.
    await trainStep(r, opt, x, y);
    const before = tf.memory().numTensors;
    const bytesBefore = tf.memory().numBytes;
    for (let i = 0; i < 100; i++) await trainStep(r, opt, x, y);
    expect(tf.memory().numTensors).toBe(before);
    expect(tf.memory().numBytes).toBe(bytesBefore);
    opt.dispose();
    r.dispose();
  });

  it('the loss falls on a tiny fixed batch', async () => {
    const r = createRestorer(small, { seed: 2 });
    const opt = createAdam(3e-3);
    const losses: number[] = [];
    for (let i = 0; i < 60; i++) losses.push(await trainStep(r, opt, x, y));
    const first = losses[0];
    const last = Math.min(...losses.slice(-5));
    expect(Number.isFinite(last)).toBe(true);
    expect(last).toBeLessThan(0.5 * first);
    opt.dispose();
    r.dispose();
  });

  it('trains through the feature model too (gradients reach every weight)', () => {
    const r = createRestorer({ ...small, zeroInitOutput: false }, { seed: 3 });
    const { grads, value } = tf.variableGrads(() => {
      const f = r.forwardWithFeatures(x);
      return tf.addN([l1Loss(f.output, y), ...f.encoder.map((e) => tf.mean(tf.square(e))), ...f.decoder.map((d) => tf.mean(d))]) as tf.Scalar;
    }, r.trainableWeights);
    for (const w of r.trainableWeights) {
      expect(grads[w.name], w.name).toBeDefined();
      expect(tf.sum(tf.abs(grads[w.name])).dataSync()[0], w.name).toBeGreaterThan(0);
    }
    tf.dispose([value, ...Object.values(grads)]);
    r.dispose();
  });
});
