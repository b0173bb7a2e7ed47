import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { readImage } from '../../cli/image-io';
import type { RGBImage } from '../data/image';
import { tf } from '../tf';
import fixture from './fixtures/skimage-reference.json';
import { buildCase, type SyntheticCase } from './fixtures/synthetic';
import { scoreImages } from './image-metrics';
import { mseTensor, psnrTensor, rgbToYTensor, scoreTensors, ssimTensor } from './tensor-metrics';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const dataDir = path.resolve(repoRoot, '../shared/data');
const KEYS = ['psnr', 'ssim', 'psnr_y', 'ssim_y'] as const;

function batch(images: RGBImage[]): tf.Tensor4D {
  const { width, height } = images[0];
  const data = new Float32Array(images.length * width * height * 3);
  images.forEach((img, i) => data.set(img.data, i * img.data.length));
  return tf.tensor4d(data, [images.length, height, width, 3]);
}

function random(width: number, height: number, seed: number, base?: RGBImage, amount = 1): RGBImage {
  let s = seed >>> 0;
  const data = new Float32Array(width * height * 3);
  for (let i = 0; i < data.length; i++) {
    s = (Math.imul(1664525, s) + 1013904223) >>> 0;
    const u = (s >>> 24) / 255;
    data[i] = base ? Math.min(1, Math.max(0, base.data[i] + amount * (u - 0.5))) : u;
  }
  return { width, height, data };
}

/** The tensor metrics of a batch must equal the float64 plain-array metrics image by image. */
async function expectAgreement(restored: RGBImage[], reference: RGBImage[], tolerance: number): Promise<void> {
  const a = batch(restored);
  const b = batch(reference);
  const scores = await scoreTensors(a, b);
  tf.dispose([a, b]);
  expect(scores).toHaveLength(restored.length);
  scores.forEach((s, i) => {
    const plain = scoreImages(restored[i], reference[i]);
    for (const k of KEYS) {
      const tol = k.startsWith('psnr') ? tolerance * 100 : tolerance; // dB are on a larger scale
      expect(Math.abs(s[k] - plain[k]), `image ${i} ${k}: tensor ${s[k]}, plain ${plain[k]}`).toBeLessThan(tol);
    }
  });
}

for (const backend of ['cpu', 'wasm'] as const) {
  describe(`tensor metrics on the ${backend} backend`, () => {
    let tensorsBefore = 0;
    beforeAll(async () => {
      expect(await tf.setBackend(backend)).toBe(true);
      await tf.ready();
    });
    beforeEach(() => {
      tensorsBefore = tf.memory().numTensors;
    });
    afterEach(() => {
      // Nothing a metric creates may outlive it.
      expect(tf.memory().numTensors).toBe(tensorsBefore);
    });

    it('agree with the plain implementation on a batch of random images to 1e-5', async () => {
      const refs = [random(48, 40, 1), random(48, 40, 2), random(48, 40, 3)];
      const restored = [random(48, 40, 4, refs[0], 0.1), random(48, 40, 5, refs[1], 0.5), random(48, 40, 6)];
      await expectAgreement(restored, refs, 1e-5);
    });

    it('agree with the plain implementation on the synthetic skimage cases', async () => {
      for (const entry of fixture.synthetic) {
        const { reference, restored } = buildCase(entry as SyntheticCase);
        await expectAgreement([restored], [reference], 1e-5);
      }
    });

    it.skipIf(!existsSync(dataDir))('agree on a real photo pair (skipped without ../shared/data)', async () => {
      const restored = await readImage(path.join(dataDir, 'rain12/input/001.png'));
      const reference = await readImage(path.join(dataDir, 'rain12/target/001.png'));
      await expectAgreement([restored], [reference], 1e-5);
    });

    it('give Infinity PSNR and SSIM 1 for identical images', async () => {
      const a = batch([random(16, 12, 7)]);
      const [p, s] = [psnrTensor(a, a), ssimTensor(a, a, 'y')];
      expect((await p.data())[0]).toBe(Infinity);
      expect((await s.data())[0]).toBeCloseTo(1, 5);
      tf.dispose([a, p, s]);
    });

    it('compute BT.601 luma and MSE per image', async () => {
      const colours = tf.tensor4d([0, 0, 0, 1, 1, 1, 1, 0, 0, 0, 1, 0], [1, 1, 4, 3]);
      const y = rgbToYTensor(colours);
      expect(y.shape).toEqual([1, 1, 4, 1]);
      const expected = [16, 235, 16 + 65.481, 16 + 128.553].map((v) => v / 255);
      Array.from(await y.data()).forEach((v, i) => expect(v).toBeCloseTo(expected[i], 6));
      const zeros = tf.zeros([2, 2, 2, 3]) as tf.Tensor4D;
      const halves = tf.tidy(() => tf.concat4d([tf.zeros([1, 2, 2, 3]), tf.fill([1, 2, 2, 3], 0.5)], 0));
      const m = mseTensor(halves, zeros);
      expect(Array.from(await m.data())).toEqual([0, 0.25]);
      tf.dispose([colours, y, zeros, halves, m]);
    });

    it('reject bad shapes without leaking', () => {
      const a = tf.zeros([1, 12, 12, 3]) as tf.Tensor4D;
      const b = tf.zeros([1, 12, 13, 3]) as tf.Tensor4D;
      const small = tf.zeros([1, 10, 12, 3]) as tf.Tensor4D;
      const grey = tf.zeros([1, 12, 12, 1]) as tf.Tensor4D;
      expect(() => psnrTensor(a, b)).toThrow(/shapes differ/);
      expect(() => ssimTensor(small, small)).toThrow(/at least 11x11/);
      expect(() => ssimTensor(grey, grey)).toThrow(/\[N, H, W, 3\]/);
      return expect(scoreTensors(small, small))
        .rejects.toThrow(/at least 11x11/)
        .finally(() => tf.dispose([a, b, small, grey]));
    });
  });
}
