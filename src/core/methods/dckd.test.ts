// DCKD's pieces, on tiny tensors: the history interval and the EMA and history arithmetic, the
// negatives (how many, what noise), the contrastive ratio (0 when the student equals the
// teacher), the distribution term and the k-means codebook.

import { beforeAll, describe, expect, it } from 'vitest';
import { tf, type Tensor4D } from '../tf';
import { codeDistances, distributionLoss, dynamicContrastiveLoss, emaUpdate, fitCodebook, historyInterval, historyUpdate, noisyCopies } from './dckd';

beforeAll(async () => {
  await tf.setBackend('wasm');
});

describe('history student', () => {
  it("scales the paper's three stages to the run's length", () => {
    // The paper: 1,000, 2,000 and 3,000 steps over 250,000.
    expect([0, 83_333, 83_334, 166_667, 249_999].map((s) => historyInterval(s, 250_000))).toEqual([1000, 1000, 2000, 3000, 3000]);
    expect([0, 49, 50, 100, 149].map((s) => historyInterval(s, 150))).toEqual([1, 1, 1, 2, 2]);
    expect(historyInterval(10, 150, 7)).toBe(7);
  });

  it('EMA: ema <- d ema + (1 - d) w; history: his <- 0.1 his + 0.9 ema', async () => {
    const ema = [tf.variable(tf.tensor1d([1, 2]))];
    const history = [tf.variable(tf.tensor1d([10, 0]))];
    const w = [tf.tensor1d([3, -2])];
    emaUpdate(ema, w, 0.75);
    expect(Array.from(await ema[0].data())).toEqual([1.5, 1]);
    historyUpdate(history, ema);
    const his = Array.from(await history[0].data());
    expect(his[0]).toBeCloseTo(0.1 * 10 + 0.9 * 1.5, 6);
    expect(his[1]).toBeCloseTo(0.9, 6);
    tf.dispose([...ema, ...history, ...w]);
  });
});

describe('negatives', () => {
  it('four noisy copies per image, sigma in [1, 30]/255, grey ones with equal channels, clipped', async () => {
    const n = 6;
    const x = tf.fill([n, 32, 32, 3], 0.5) as Tensor4D;
    const { noisy, sigma, grey } = noisyCopies(x, 4, 42);
    expect(noisy.shape).toEqual([4 * n, 32, 32, 3]);
    expect(sigma).toHaveLength(4 * n);
    expect(sigma.every((s) => s >= 1 / 255 && s <= 30 / 255)).toBe(true);
    expect(grey.some((g) => g) && grey.some((g) => !g)).toBe(true);
    const data = (await noisy.data()) as Float32Array;
    const size = 32 * 32 * 3;
    for (let i = 0; i < 4 * n; i++) {
      const img = data.subarray(i * size, (i + 1) * size);
      let sum = 0;
      let channelsDiffer = false;
      for (let p = 0; p < size; p += 3) {
        sum += (img[p] - 0.5) ** 2;
        if (img[p] !== img[p + 1] || img[p] !== img[p + 2]) channelsDiffer = true;
      }
      // Noise at 0.5 never clips for sigma <= 30/255 within 4 sigma: the spread is sigma's (1,024 draws: within 10%).
      expect(Math.abs(Math.sqrt(sum / (size / 3)) / sigma[i] - 1)).toBeLessThan(0.1);
      expect(channelsDiffer).toBe(!grey[i]);
      expect(img.every((v) => v >= 0 && v <= 1)).toBe(true);
    }
    const clipped = noisyCopies(tf.ones([1, 8, 8, 3]) as Tensor4D, 4, 1).noisy;
    expect(Math.max(...(await clipped.data()))).toBe(1);
    tf.dispose([x, noisy, clipped]);
  });
});

describe('dynamic contrastive loss', () => {
  const features = (seed: number, n: number) => [
    tf.randomNormal([n, 8, 8, 4], 0, 1, 'float32', seed),
    tf.randomNormal([n, 4, 4, 8], 0, 1, 'float32', seed + 1),
  ];

  it('is 0 when the anchor equals the positive, and the ratio of the distances otherwise', async () => {
    const n = 2;
    const k = 5;
    const positive = features(1, n);
    const negatives = Array.from({ length: k }, (_, j) => features(10 + 2 * j, n));
    const fConst = positive.map((p, l) => tf.concat([p, ...negatives.map((q) => q[l])]));
    expect(await dynamicContrastiveLoss(positive, fConst, k).data()).toEqual(new Float32Array([0]));

    const anchor = features(100, n);
    const expected = [1 / 4, 1].reduce((sum, w, l) => {
      const dist = (a: tf.Tensor, b: tf.Tensor) => tf.mean(tf.abs(tf.sub(a, b))).dataSync()[0];
      const dAn = negatives.reduce((s, q) => s + dist(anchor[l], q[l]), 0);
      return sum + (w * dist(anchor[l], positive[l])) / (dAn + 1e-7);
    }, 0);
    expect((await dynamicContrastiveLoss(anchor, fConst, k).data())[0]).toBeCloseTo(expected, 5);
    tf.dispose([...positive, ...negatives.flat(), ...fConst, ...anchor]);
  });
});

describe('distribution mapping', () => {
  it('squared distances to the codes, and a cross-entropy that is smallest when the assignments agree', async () => {
    const codebook = tf.tensor2d([
      [0, 0],
      [1, 0],
      [0, 2],
    ]);
    const f = tf.tensor4d([1, 1], [1, 1, 1, 2]);
    expect(Array.from(await codeDistances(f, codebook).data())).toEqual([2, 1, 2]);
    const near0 = tf.tensor4d([0.1, 0], [1, 1, 1, 2]);
    const near2 = tf.tensor4d([0, 1.9], [1, 1, 1, 2]);
    const same = (await distributionLoss(near0, near0, codebook).data())[0];
    const other = (await distributionLoss(near2, near0, codebook).data())[0];
    expect(other).toBeGreaterThan(same);
    tf.dispose([codebook, f, near0, near2]);
  });

  it('k-means finds well separated clusters', async () => {
    const centres = [
      [0, 0],
      [5, 5],
      [-5, 5],
    ];
    const points = tf.tensor2d(Array.from({ length: 90 }, (_, i) => centres[i % 3].map((c, d) => c + 0.1 * Math.sin(7 * i + d))));
    const codes = fitCodebook(points, 3, 10, 3);
    const found = (await codes.array()).map((c) => c.map((v) => Math.round(v) + 0)).sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    expect(found).toEqual([
      [-5, 5],
      [0, 0],
      [5, 5],
    ]);
    tf.dispose([points, codes]);
  });
});
