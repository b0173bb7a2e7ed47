// SLKD's extractors against values worked out by hand on tiny images.

import { beforeAll, describe, expect, it } from 'vitest';
import { tf, type Tensor4D } from '../tf';
import { brisqueFeatures, gaussianWindow, MSCN_C, mscn, pairwiseProducts, piqeFeatures } from './iqa-features';

beforeAll(async () => {
  await tf.setBackend('wasm');
});

const image = (h: number, w: number, f: (i: number, j: number) => number): Tensor4D =>
  tf.tensor4d(
    Array.from({ length: h * w }, (_, k) => f(Math.floor(k / w), k % w)),
    [1, h, w, 1],
  );

describe('BRISQUE-style extractor', () => {
  it('the window is a 7x7 Gaussian of sigma 7/6 summing to 1', () => {
    const g = gaussianWindow();
    expect(g).toHaveLength(7);
    expect(g.flat().reduce((a, b) => a + b, 0)).toBeCloseTo(1, 10);
    // Ratio of a neighbour to the centre: exp(-1 / (2 sigma^2)).
    expect(g[3][4] / g[3][3]).toBeCloseTo(Math.exp(-1 / (2 * (7 / 6) ** 2)), 10);
  });

  it('MSCN of an impulse at the centre of a 7x7 image: (1 - g) / (sqrt(g - g^2) + C), g the centre weight', async () => {
    const g = gaussianWindow()[3][3];
    const m = mscn(image(7, 7, (i, j) => (i === 3 && j === 3 ? 1 : 0)));
    const centre = (await m.data())[3 * 7 + 3];
    expect(centre).toBeCloseTo((1 - g) / (Math.sqrt(g - g * g) + MSCN_C), 4);
    m.dispose();
  });

  it('a flat image has zero coefficients, products and statistics, with finite gradients', async () => {
    const flat = tf.fill([1, 8, 8, 2], 0.3) as Tensor4D;
    const f = brisqueFeatures(flat);
    expect(f.shape).toEqual([1, 8, 8, 18]);
    expect(Math.max(...Array.from(await f.data()).map(Math.abs))).toBeLessThan(1e-4);
    const grad = tf.grad((x: tf.Tensor) => tf.sum(brisqueFeatures(x as Tensor4D)))(flat);
    expect(Array.from(await grad.data()).every(Number.isFinite)).toBe(true);
    tf.dispose([flat, f, grad]);
  });

  it('pairwise products pair each coefficient with its neighbour in the four directions', async () => {
    // m = row-major 1..9 on 3x3: the product at (0,0) with (0,1), (1,0), (1,1); at (0,1) with (1,0).
    const m = image(3, 3, (i, j) => 3 * i + j + 1);
    const [h, v, d, a] = await Promise.all(pairwiseProducts(m).map((p) => p.data()));
    expect([h[0], v[0], d[0], a[1]]).toEqual([1 * 2, 1 * 4, 1 * 5, 2 * 4]);
    // Beyond the border there is no neighbour: 0.
    expect([h[2], v[6], d[8], a[0]]).toEqual([0, 0, 0, 0]);
    m.dispose();
  });
});

describe('PIQE-style extractor', () => {
  it('block variance, and gradient energy on the border ring and inside', async () => {
    // 32x32, 0 on the left half and 1 on the right: the step lies between columns 15 and 16, on the
    // right border ring of the top-left 16x16 block (16 of its 60 ring pixels).
    const step = piqeFeatures(
      image(32, 32, (_, j) => (j >= 16 ? 1 : 0)),
      16,
    );
    expect(step.shape).toEqual([1, 2, 2, 3]);
    const [v00, b00, i00, v01, b01, i01] = Array.from(await step.data());
    expect([v00, v01]).toEqual([0, 0]);
    expect(b00).toBeCloseTo(16 / 60, 6);
    expect([i00, b01, i01]).toEqual([0, 0, 0]);

    // A 4x4 checkerboard in one block: variance 1/4; every difference is 1, squared twice (x and y)
    // where both forward differences exist: 5 of the ring's 12 pixels (the last row and column
    // have none) and all 4 inner pixels.
    const board = piqeFeatures(
      image(4, 4, (i, j) => (i + j) % 2),
      4,
    );
    const [variance, border, inner] = Array.from(await board.data());
    expect(variance).toBeCloseTo(0.25, 6);
    expect(inner).toBeCloseTo(2, 6);
    expect(border).toBeCloseTo((5 * 2) / 12, 6);
    tf.dispose([step, board]);
  });
});
