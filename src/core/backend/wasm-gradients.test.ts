import { describe, expect, it } from 'vitest';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { tf } from '../tf';
import { GRAD_CASES, caseInputs, caseLoss, runGradientChecks, type GradCase } from './gradcheck';
import { WASM_GRADIENT_KERNELS } from './wasm-gradients';

type T4 = tf.Tensor4D;

async function useBackend(name: string): Promise<void> {
  expect(await tf.setBackend(name)).toBe(true);
  await tf.ready();
}

describe('wasm gradient kernels', () => {
  it('are registered on wasm', () => {
    for (const name of [
      'Conv2DBackpropInput',
      'Conv2DBackpropFilter',
      'DepthwiseConv2dNativeBackpropInput',
      'DepthwiseConv2dNativeBackpropFilter',
      'MaxPoolGrad',
    ]) {
      expect(WASM_GRADIENT_KERNELS).toContain(name);
      expect(tf.getKernel(name, 'wasm')).toBeDefined();
    }
  });

  it('pass every gradient check against the cpu backend', async () => {
    await useBackend('wasm');
    const before = tf.memory().numTensors;
    const results = await runGradientChecks();
    expect(tf.getBackend()).toBe('wasm');
    expect(tf.memory().numTensors).toBe(before);
    expect(results.length).toBe(GRAD_CASES.length);
    const failures = results.filter((r) => !r.ok && !r.knownIssue);
    expect(failures).toEqual([]);
    // Cases flagged as known tfjs bugs must at least run (they fail on every backend).
    for (const r of results.filter((r) => r.knownIssue)) expect(r.error).toBeUndefined();
  });

  it('MaxPoolGrad sends each window gradient to its maximum when every value is negative', async () => {
    await useBackend('wasm');
    // Four 2x2 windows; maxima -1 (index 4), -2 (2), -3 (8, first of a tie), -0.5 (15).
    const x = tf.tensor4d([-5, -3, -2, -4, -1, -7, -8, -6, -3, -3, -9, -9, -4, -3, -9, -0.5], [1, 4, 4, 1]);
    const dy = tf.tensor4d([1, 2, 3, 4], [1, 2, 2, 1]);
    const dx = tf.grad((a: tf.Tensor) => tf.sum(tf.mul(tf.maxPool(a as T4, 2, 2, 'valid'), dy)))(x);
    const expected = new Array(16).fill(0);
    expected[4] = 1;
    expected[2] = 2;
    expected[8] = 3;
    expected[15] = 4;
    expect(Array.from(await dx.data())).toEqual(expected);
    // An all-zero window (common after ReLU) gives its gradient to its first element, as on cpu.
    const z = tf.zeros([1, 2, 2, 1]) as T4;
    const dz = tf.grad((a: tf.Tensor) => tf.sum(tf.maxPool(a as T4, 2, 2, 'valid')))(z);
    expect(Array.from(await dz.data())).toEqual([1, 0, 0, 0]);
    tf.dispose([x, dy, dx, z, dz]);
  });

  it('leave no tensors or wasm buffers behind', async () => {
    await useBackend('wasm');
    const backend = tf.backend() as BackendWasm;
    const x = tf.randomNormal([2, 9, 7, 4]) as T4;
    const w = tf.randomNormal([3, 3, 4, 5]) as T4;
    const dw = tf.randomNormal([3, 3, 4, 2]) as T4;
    // Batch 1 and one channel make several of the kernels' transposes no-ops (shared dataIds).
    const x1 = tf.randomNormal([1, 6, 5, 1]) as T4;
    const w1 = tf.randomNormal([3, 3, 1, 1]) as T4;
    const step = () =>
      tf
        .tidy(() => {
          const loss = (...args: tf.Tensor[]) => {
            const [a, f, g, a1, f1] = args as T4[];
            return tf.addN([
              tf.sum(tf.conv2d(a, f, 1, 'same')),
              tf.sum(tf.conv2d(a, f, 2, 'valid')),
              tf.sum(tf.depthwiseConv2d(a, g, 2, 'same')),
              tf.sum(tf.maxPool(a, 3, 2, 'same')),
              tf.sum(tf.conv2d(a1, f1, 2, 'same')),
            ]);
          };
          const grads = tf.grads(loss)([x, w, dw, x1, w1]);
          return tf.addN(grads.map((g) => tf.sum(g)));
        })
        .dispose();
    step(); // warm up: kernels and caches settle
    const tensors = tf.memory().numTensors;
    const dataIds = backend.numDataIds();
    for (let i = 0; i < 5; i++) step();
    expect(tf.memory().numTensors).toBe(tensors);
    expect(backend.numDataIds()).toBe(dataIds);
    tf.dispose([x, w, dw, x1, w1]);
  });
});

describe('cpu reference gradients', () => {
  /**
   * The convolution losses are linear in each input, so a central difference is exact for any
   * step up to float32 rounding: a large step keeps that rounding small.
   */
  async function finiteDifferenceError(c: GradCase, samples: number): Promise<number> {
    const data = caseInputs(c);
    const tensors = (arrays: Float32Array[]) => arrays.map((a, i) => tf.tensor(a, c.shapes[i]));
    const lossAt = (arrays: Float32Array[]) => tf.tidy(() => caseLoss(c, tensors(arrays)).dataSync()[0]);
    const grads = tf.tidy(() => tf.grads((...xs: tf.Tensor[]) => caseLoss(c, xs))(tensors(data)));
    const analytic = await Promise.all(grads.map((g) => g.data()));
    tf.dispose(grads);
    const eps = 0.5;
    let worst = 0;
    for (let k = 0; k < data.length; k++) {
      const n = data[k].length;
      for (let s = 0; s < samples; s++) {
        const j = Math.floor(((s + 0.5) / samples) * n); // spread over the tensor, corners included
        const plus = data.map((a) => a.slice());
        const minus = data.map((a) => a.slice());
        plus[k][j] += eps;
        minus[k][j] -= eps;
        const fd = (lossAt(plus) - lossAt(minus)) / (2 * eps);
        const a = analytic[k][j];
        worst = Math.max(worst, Math.abs(fd - a) / Math.max(1, Math.abs(a)));
      }
    }
    return worst;
  }

  const bilinear = GRAD_CASES.filter((c) => c.name.startsWith('conv2d') || c.name.startsWith('depthwise'));

  it.each(bilinear.map((c) => [c.name, c] as const))('%s matches finite differences', async (_name, c) => {
    await useBackend('cpu');
    expect(await finiteDifferenceError(c, 12)).toBeLessThan(1e-4);
  });
});
