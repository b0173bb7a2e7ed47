// Our metrics against scikit-image 0.19 (values in fixtures/skimage-reference.json, made by
// scripts/skimage-reference.py). The bar of docs/metrics.md: 0.01 dB and 1e-3.

import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { readImage } from '../../cli/image-io';
import { toBytes } from '../data/image';
import type { RGBImage } from '../data/image';
import fixture from './fixtures/skimage-reference.json';
import { buildCase, type SyntheticCase } from './fixtures/synthetic';
import { scoreImages } from './image-metrics';
import type { ImageScores } from './common';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const dataDir = path.resolve(repoRoot, '../shared/data');
const hasData = existsSync(dataDir);
const KEYS = ['psnr', 'ssim', 'psnr_y', 'ssim_y'] as const;
const TOLERANCE: ImageScores = { psnr: 0.01, ssim: 1e-3, psnr_y: 0.01, ssim_y: 1e-3 };

const sha256 = (img: RGBImage): string => createHash('sha256').update(toBytes(img)).digest('hex');

function expectClose(ours: ImageScores, reference: ImageScores, label: string): void {
  for (const k of KEYS) {
    const deviation = Math.abs(ours[k] - reference[k]);
    expect(deviation, `${label} ${k}: ours ${ours[k]}, skimage ${reference[k]}`).toBeLessThan(TOLERANCE[k]);
  }
}

describe('metrics vs scikit-image, synthetic images', () => {
  for (const entry of fixture.synthetic) {
    it(entry.name, () => {
      const { reference, restored } = buildCase(entry as SyntheticCase);
      // Same pixels as the Python generator, or the comparison would mean nothing.
      expect(sha256(reference)).toBe(entry.reference_sha256);
      expect(sha256(restored)).toBe(entry.restored_sha256);
      // In practice the two agree to about 1e-6 dB and 1e-8; the bar is far looser.
      const ours = scoreImages(restored, reference);
      expectClose(ours, entry, entry.name);
      for (const k of KEYS) expect(Math.abs(ours[k] - entry[k])).toBeLessThan(1e-5);
    });
  }
});

if (!hasData) {
  describe('metrics vs scikit-image, real photos', () => {
    it.skip(`skipped: ${dataDir} not found (the real evaluation sets live beside the project)`, () => {});
  });
} else {
  describe('metrics vs scikit-image, real photos', () => {
    for (const entry of fixture.real) {
      it(`${entry.input} vs ${entry.target}`, async () => {
        const restored = await readImage(path.join(dataDir, entry.input));
        const reference = await readImage(path.join(dataDir, entry.target));
        // Our decoder must give Pillow's pixels (JPEG included) for the values to be comparable.
        expect(sha256(restored), `${entry.input} decodes like Pillow`).toBe(entry.input_sha256);
        expect(sha256(reference), `${entry.target} decodes like Pillow`).toBe(entry.target_sha256);
        expectClose(scoreImages(restored, reference), entry, entry.input);
      });
    }
  });

  describe('JPEG and BMP decoding vs Pillow', () => {
    for (const entry of fixture.decode) {
      it(entry.file, async () => {
        const img = await readImage(path.join(dataDir, entry.file));
        expect([img.width, img.height]).toEqual([entry.width, entry.height]);
        expect(sha256(img)).toBe(entry.sha256);
      });
    }
  });
}
