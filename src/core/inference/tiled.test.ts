import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tf, type Tensor4D } from '../tf';
import type { RGBImage } from '../data/image';
import { renderScene } from '../data/scene';
import { createRestorer, sizeMultiple, type Restorer, type RestorerConfig } from '../models/restorer';
import { maxTileSide, restoreImage, restorerPredict, tileBorderReach } from './restore';
import { activationBytesPerPixel, receptiveFieldRadius } from '../models/complexity';
import { AbortError, planTiles, reflectIndex, restoreTiled, restoreWhole, type TilePredict } from './tiled';
import { tinyRestorerConfig } from '../models/test-configs';

// A small U-Net with a non-trivial output (no zero-init tail) and a receptive field that a test
// can afford to cover with the tile margin.
const SMALL: RestorerConfig = tinyRestorerConfig({ zeroInitOutput: false });
// One more level: a receptive field wider than the margins used below, so tiles really differ.
const WIDE: RestorerConfig = { ...SMALL, levels: 3, widths: [4, 8, 8], encoderBlocks: [1, 1, 1], decoderBlocks: [1, 1] };

let small: Restorer;
let wide: Restorer;

beforeAll(async () => {
  await tf.setBackend('cpu');
  small = createRestorer(SMALL, { seed: 11 });
  wide = createRestorer(WIDE, { seed: 12 });
});

afterAll(() => {
  small.dispose();
  wide.dispose();
});

function scene(width: number, height: number, seed = 3): RGBImage {
  return renderScene(width, height, seed).image;
}

/** Records the input shapes the model was called with. */
function spy(predict: TilePredict): { predict: TilePredict; shapes: number[][] } {
  const shapes: number[][] = [];
  return { shapes, predict: (x) => (shapes.push(x.shape), predict(x)) };
}

const identity: TilePredict = (x) => x.clone();

function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

/**
 * Receptive-field radius of a restorer, measured: change one input pixel and find the farthest
 * output pixel (Chebyshev distance) that moves. Beyond it, outputs are computed from identical
 * values by identical ops, so they match bit for bit. Measured at every phase of the size
 * multiple, since strided convolutions see a pixel differently at odd and even positions.
 */
async function receptiveRadius(r: Restorer): Promise<number> {
  const m = sizeMultiple(r.config);
  const size = 96;
  const base = scene(size, size, 9);
  const ref = await restoreWhole(restorerPredict(r), base, { multiple: m, clamp: false });
  let radius = 0;
  for (let phase = 0; phase < m; phase++) {
    const c = size / 2 + phase;
    const poked: RGBImage = { ...base, data: base.data.slice() };
    poked.data[(c * size + c) * 3 + 1] += 0.5;
    const out = await restoreWhole(restorerPredict(r), poked, { multiple: m, clamp: false });
    for (let y = 0; y < size; y++) {
      for (let x = 0; x < size; x++) {
        const i = (y * size + x) * 3;
        if (out.data[i] !== ref.data[i] || out.data[i + 1] !== ref.data[i + 1] || out.data[i + 2] !== ref.data[i + 2]) {
          radius = Math.max(radius, Math.abs(x - c), Math.abs(y - c));
        }
      }
    }
  }
  expect(radius).toBeLessThan(size / 2 - 2); // the poke's influence must fit in the probe image
  return radius;
}

/** Mean |e(x+1) - e(x)| per column boundary x of the error map e (rows and channels averaged). */
function columnJumps(a: RGBImage, b: RGBImage): number[] {
  const { width, height } = a;
  const jumps: number[] = [];
  for (let x = 0; x < width - 1; x++) {
    let s = 0;
    for (let y = 0; y < height; y++) {
      for (let c = 0; c < 3; c++) {
        const i = (y * width + x) * 3 + c;
        s += Math.abs(a.data[i + 3] - b.data[i + 3] - (a.data[i] - b.data[i]));
      }
    }
    jumps.push(s / (height * 3));
  }
  return jumps;
}

/** Each column step divided by the mean of the six steps around it: near 1 where e is smooth. */
function stepPeaks(jumps: number[]): number[] {
  return jumps.map((v, x) => {
    const near = [x - 3, x - 2, x - 1, x + 1, x + 2, x + 3].filter((k) => k >= 0 && k < jumps.length);
    return v / (1e-6 + near.reduce((s, k) => s + jumps[k], 0) / near.length);
  });
}

describe('reflectIndex', () => {
  it('mirrors without repeating the edge, for any distance', () => {
    expect([-3, -2, -1, 0, 1, 2, 3, 4, 5, 6, 7].map((i) => reflectIndex(i, 4))).toEqual([3, 2, 1, 0, 1, 2, 3, 2, 1, 0, 1]);
    expect(reflectIndex(17, 1)).toBe(0);
  });
});

describe('planTiles', () => {
  it('covers the padded image with aligned origins, overlaps >= overlap and weights summing to 1', () => {
    for (const [length, tile, overlap, multiple] of [
      [1000, 256, 32, 8],
      [488, 256, 32, 8],
      [257, 256, 32, 8],
      [97, 32, 12, 4],
      [300, 64, 16, 1],
    ]) {
      const plan = planTiles(length, 10, { tile, overlap, multiple });
      const { starts, weights } = plan.x;
      const padded = Math.ceil(length / multiple) * multiple;
      expect(starts[0]).toBe(0);
      const size = plan.x.size;
      expect(size).toBeLessThanOrEqual(plan.tile);
      expect(starts.at(-1)! + size).toBe(padded);
      for (const s of starts) expect(s % multiple).toBe(0);
      for (let i = 1; i < starts.length; i++) expect(starts[i - 1] + size - starts[i]).toBeGreaterThanOrEqual(plan.overlap);
      for (let g = 0; g < padded; g++) {
        let sum = 0;
        starts.forEach((s, i) => {
          if (g >= s && g < s + size) sum += weights[i][g - s];
        });
        expect(sum, `length ${length}, pixel ${g}`).toBeCloseTo(1, 5);
      }
      // No weight within `margin` of a shared edge.
      for (let i = 0; i < starts.length; i++) {
        for (let k = 0; k < plan.margin; k++) {
          if (i > 0) expect(weights[i][k]).toBe(0);
          if (i < starts.length - 1) expect(weights[i][size - 1 - k]).toBe(0);
        }
      }
    }
  });

  it('fits the tiles to the image, so the network runs on little more than its pixels', () => {
    // A 12-megapixel photo under the teacher's tiling (1024-pixel tiles, 120-pixel overlap), and
    // the fixed 256-pixel tiles this replaced.
    const fitted = planTiles(4000, 3000, { tile: 1024, overlap: 120, multiple: 8 });
    const fixed = { total: Math.ceil((4000 - 64) / 192) * Math.ceil((3000 - 64) / 192), side: 256 };
    const ratio = (fitted.total * fitted.x.size * fitted.y.size) / (4000 * 3000);
    expect(ratio).toBeLessThan(1.3);
    expect((fixed.total * fixed.side ** 2) / (4000 * 3000)).toBeGreaterThan(1.7);
    expect(fitted.x.size % 32).toBe(0);
    expect(fitted.y.size % 32).toBe(0);
  });

  it('uses one tile for an image no larger than a tile', () => {
    const plan = planTiles(100, 37, { tile: 128, multiple: 8 });
    expect(plan.total).toBe(1);
    expect(plan.x.starts).toEqual([0]);
  });

  it('rejects layouts that cannot work', () => {
    expect(() => planTiles(100, 100, { tile: 32, overlap: 32 })).toThrow(/stride/);
    expect(() => planTiles(100, 100, { tile: 64, overlap: 16, margin: 9 })).toThrow(/half the overlap/);
  });
});

describe('restoreTiled', () => {
  it('reproduces the image exactly through an identity model, at any size', async () => {
    for (const [w, h] of [
      [150, 97],
      [20, 13],
      [64, 200],
      [1, 1],
    ]) {
      const img = scene(w, h, w + h);
      const out = await restoreTiled(identity, img, { tile: 48, overlap: 16, multiple: 8 });
      expect(out.width).toBe(w);
      expect(out.height).toBe(h);
      expect(maxAbsDiff(out.data, img.data)).toBeLessThan(1e-6);
    }
  });

  it('equals untiled inference within 1e-4 when the margin covers the receptive field', async () => {
    const radius = await receptiveRadius(small);
    const margin = radius;
    const overlap = 2 * margin + 8;
    const tile = 2 * overlap;
    const img = scene(181, 133, 4); // neither side a multiple of 2, several tiles each way
    const m = sizeMultiple(small.config);
    const s = spy(restorerPredict(small));
    const tiled = await restoreTiled(s.predict, img, { tile, overlap, margin, multiple: m, clamp: false });
    const whole = await restoreWhole(restorerPredict(small), img, { multiple: m, clamp: false });
    const plan = planTiles(img.width, img.height, { tile, overlap, margin, multiple: m });
    expect(plan.x.starts.length).toBeGreaterThanOrEqual(3);
    expect(plan.y.starts.length).toBeGreaterThanOrEqual(2);
    // One shape for every call.
    expect(s.shapes).toHaveLength(plan.total);
    for (const shape of s.shapes) expect(shape).toEqual([1, plan.y.size, plan.x.size, 3]);
    expect(maxAbsDiff(tiled.data, whole.data)).toBeLessThan(1e-4);
  });

  it('leaves no seams where tiles disagree (receptive field wider than the margin)', async () => {
    const m = sizeMultiple(wide.config);
    const img = scene(200, 64, 5);
    const whole = await restoreWhole(restorerPredict(wide), img, { multiple: m, clamp: false });
    const tileOpts = { tile: 64, overlap: 32, multiple: m, clamp: false };
    const blended = await restoreTiled(restorerPredict(wide), img, tileOpts); // default margin 8
    // margin = overlap / 2 leaves a zero-length ramp: a hard cut between tiles, for comparison.
    const cut = await restoreTiled(restorerPredict(wide), img, { ...tileOpts, margin: 16 });
    // The tiles really disagree with the whole-image result (else this test proves nothing).
    expect(maxAbsDiff(cut.data, whole.data)).toBeGreaterThan(1e-3);
    // A seam is a step in the error map that stands out from the columns around it: the hard cut
    // has one (the metric sees it), the blend has none.
    expect(Math.max(...stepPeaks(columnJumps(cut, whole)))).toBeGreaterThan(5);
    expect(Math.max(...stepPeaks(columnJumps(blended, whole)))).toBeLessThan(3);
    // And no column step of the blend reaches a quarter of an 8-bit level.
    expect(Math.max(...columnJumps(blended, whole))).toBeLessThan(1 / (4 * 255));
  });

  it('runs an image smaller than a tile as one tile, padded only to the size multiple', async () => {
    const img = scene(37, 21, 6);
    const s = spy(restorerPredict(small));
    const out = await restoreTiled(s.predict, img, { tile: 64, overlap: 16, multiple: 2 });
    expect(s.shapes).toEqual([[1, 22, 38, 3]]);
    expect(out.width).toBe(37);
    expect(out.height).toBe(21);
    for (const v of out.data) expect(v >= 0 && v <= 1).toBe(true);
  });

  it('reports progress and aborts between tiles with an AbortError, freeing every tensor', async () => {
    const img = scene(160, 160, 7);
    const before = tf.memory().numTensors;
    const controller = new AbortController();
    const progress: [number, number][] = [];
    const s = spy(restorerPredict(small));
    const run = restoreTiled(s.predict, img, {
      tile: 48,
      overlap: 16,
      multiple: 2,
      signal: controller.signal,
      onProgress: (done, total) => {
        progress.push([done, total]);
        if (done === 2) controller.abort();
      },
    });
    await expect(run).rejects.toBeInstanceOf(AbortError);
    await expect(run).rejects.toThrow(/aborted after 2 of \d+ tiles/);
    expect(s.shapes).toHaveLength(2);
    expect(progress.map((p) => p[0])).toEqual([0, 1, 2]);
    expect(progress[0][1]).toBeGreaterThan(2);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('leaks no tensors, also when the model fails', async () => {
    const img = scene(130, 90, 8);
    const before = tf.memory().numTensors;
    await restoreTiled(restorerPredict(small), img, { tile: 48, overlap: 16, multiple: 2 });
    await restoreWhole(restorerPredict(small), img, { multiple: 2 });
    await restoreImage(small, img, { tile: 64, overlap: 16 });
    expect(tf.memory().numTensors).toBe(before);
    const bad: TilePredict = (x) => tf.slice(x, [0, 0, 0, 0], [1, 8, 8, 3]) as Tensor4D;
    await expect(restoreTiled(bad, img, { tile: 48, overlap: 16 })).rejects.toThrow(/returned shape/);
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('tiles from the model', () => {
  it('bounds the receptive field from above and the border reach within it', async () => {
    for (const r of [small, wide]) {
      const measured = await receptiveRadius(r);
      expect(receptiveFieldRadius(r.config)).toBeGreaterThanOrEqual(measured);
      const reach = await tileBorderReach(r);
      expect(reach).toBeGreaterThan(0);
      expect(reach).toBeLessThanOrEqual(receptiveFieldRadius(r.config));
    }
  });

  it('tiles with the measured reach agree with the untiled result to a quarter of an 8-bit level', async () => {
    const img = scene(150, 110, 13);
    const m = sizeMultiple(wide.config);
    const whole = await restoreWhole(restorerPredict(wide), img, { multiple: m, clamp: false });
    const reach = await tileBorderReach(wide);
    const s = spy(restorerPredict(wide));
    const tile = 2 * (2 * reach + 16);
    const tiled = await restoreImage({ ...wide, predict: s.predict } as Restorer, img, { tile, clamp: false });
    expect(s.shapes.length).toBeGreaterThan(1);
    expect(maxAbsDiff(tiled.data, whole.data)).toBeLessThan(1 / (4 * 255));
  });

  it('estimates activation memory above what a forward pass really holds', async () => {
    const x = tf.zeros([1, 64, 64, 3]) as Tensor4D;
    for (const r of [small, wide]) {
      const { peakBytes } = await tf.profile(() => r.predict(x).dispose());
      expect(activationBytesPerPixel(r.config) * 64 * 64).toBeGreaterThanOrEqual(peakBytes - x.size * 4);
    }
    x.dispose();
    expect(maxTileSide(SMALL)).toBe(1024);
  });
});

describe('restoreImage', () => {
  it('runs small images in one pass and large ones tiled', async () => {
    const img = scene(60, 44, 10);
    const whole = await restoreWhole(restorerPredict(small), img, { multiple: 2 });
    const auto = await restoreImage(small, img, { tile: 64 });
    expect(maxAbsDiff(auto.data, whole.data)).toBe(0);
    const progress: number[] = [];
    await restoreImage(small, img, { tile: 32, overlap: 8, onProgress: (d) => progress.push(d) });
    expect(progress.length).toBeGreaterThan(2);
  });
});
