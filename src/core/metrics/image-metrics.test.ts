import { describe, expect, it } from 'vitest';
import type { RGBImage } from '../data/image';
import { gaussianTaps, SSIM_C1, SSIM_C2, SSIM_WIN } from './common';
import { mse, psnr, rgbToY, scoreImages, ssim } from './image-metrics';

function constant(width: number, height: number, rgb: [number, number, number]): RGBImage {
  const data = new Float32Array(width * height * 3);
  for (let i = 0; i < data.length; i++) data[i] = rgb[i % 3];
  return { width, height, data };
}

/** Deterministic pseudo-random image (LCG), values on the 8-bit grid. */
function random(width: number, height: number, seed: number): RGBImage {
  let s = seed >>> 0;
  const data = new Float32Array(width * height * 3);
  for (let i = 0; i < data.length; i++) {
    s = (Math.imul(1664525, s) + 1013904223) >>> 0;
    data[i] = (s >>> 24) / 255;
  }
  return { width, height, data };
}

function perturb(img: RGBImage, amount: number, seed: number): RGBImage {
  const noise = random(img.width, img.height, seed);
  return { ...img, data: img.data.map((v, i) => Math.min(1, Math.max(0, v + amount * (noise.data[i] - 0.5)))) };
}

/** SSIM of one plane straight from the definition: a full 11x11 window at every valid centre. */
function bruteForceSsimPlane(a: Float64Array, b: Float64Array, width: number, height: number): number {
  const g = gaussianTaps();
  const r = (SSIM_WIN - 1) / 2;
  let total = 0;
  let count = 0;
  for (let cy = r; cy < height - r; cy++) {
    for (let cx = r; cx < width - r; cx++) {
      let ux = 0,
        uy = 0,
        uxx = 0,
        uyy = 0,
        uxy = 0;
      for (let dy = -r; dy <= r; dy++) {
        for (let dx = -r; dx <= r; dx++) {
          const w = g[dy + r] * g[dx + r];
          const i = (cy + dy) * width + cx + dx;
          ux += w * a[i];
          uy += w * b[i];
          uxx += w * a[i] * a[i];
          uyy += w * b[i] * b[i];
          uxy += w * a[i] * b[i];
        }
      }
      const vx = uxx - ux * ux;
      const vy = uyy - uy * uy;
      const vxy = uxy - ux * uy;
      total += ((2 * ux * uy + SSIM_C1) * (2 * vxy + SSIM_C2)) / ((ux * ux + uy * uy + SSIM_C1) * (vx + vy + SSIM_C2));
      count++;
    }
  }
  return total / count;
}

function plane(img: RGBImage, c: number): Float64Array {
  return Float64Array.from({ length: img.width * img.height }, (_, i) => img.data[i * 3 + c]);
}

describe('Gaussian window', () => {
  it('is scipy’s 11-tap sigma-1.5 kernel, normalised and symmetric', () => {
    const g = gaussianTaps();
    expect(g.length).toBe(11);
    expect(g.reduce((s, v) => s + v, 0)).toBeCloseTo(1, 15);
    for (let i = 0; i < 11; i++) expect(g[i]).toBe(g[10 - i]);
    // scipy.ndimage._filters._gaussian_kernel1d(1.5, 0, 5), the taps scikit-image filters with.
    const scipy = [0.00102838008447911, 0.007598758135239186, 0.036000772128430815, 0.10936068950970002, 0.2130055377112537, 0.26601172486179436];
    scipy.forEach((v, i) => expect(g[i]).toBeCloseTo(v, 15));
  });
});

describe('BT.601 luma', () => {
  it('maps pure colours to BasicSR’s values', () => {
    const colours: [number, number, number, number][] = [
      [0, 0, 0, 16 / 255],
      [1, 1, 1, 235 / 255],
      [1, 0, 0, (16 + 65.481) / 255],
      [0, 1, 0, (16 + 128.553) / 255],
      [0, 0, 1, (16 + 24.966) / 255],
      [0.5, 0.5, 0.5, (16 + 0.5 * 219) / 255],
    ];
    for (const [r, g, b, y] of colours) {
      const out = rgbToY(constant(2, 2, [r, g, b]));
      for (const v of out) expect(v).toBeCloseTo(y, 12);
    }
  });
});

describe('psnr', () => {
  it('is 10 log10(1 / MSE) for a known MSE', () => {
    // Every sample off by 1/8: MSE = 1/64, PSNR = 10 log10(64) = 18.0618 dB.
    expect(psnr(constant(7, 5, [0.5, 0.5, 0.5]), constant(7, 5, [0.625, 0.625, 0.625]))).toBeCloseTo(10 * Math.log10(64), 10);
    // Only R off by 1/8: MSE over all three channels = 1/192.
    const a = constant(4, 4, [0.25, 0.5, 0.75]);
    const b = constant(4, 4, [0.375, 0.5, 0.75]);
    expect(mse(a, b)).toBeCloseTo(1 / 192, 12);
    expect(psnr(a, b)).toBeCloseTo(10 * Math.log10(192), 10);
  });

  it('on Y weighs a G error by 128.553 / 255', () => {
    const a = constant(3, 3, [0.5, 0.25, 0.5]);
    const b = constant(3, 3, [0.5, 0.375, 0.5]);
    const dy = (0.125 * 128.553) / 255;
    expect(mse(a, b, 'y')).toBeCloseTo(dy * dy, 12);
    expect(psnr(a, b, 'y')).toBeCloseTo(-20 * Math.log10(dy), 10);
  });

  it('is Infinity for identical images (MSE 0)', () => {
    const a = random(5, 4, 1);
    expect(psnr(a, a)).toBe(Infinity);
    expect(psnr(a, a, 'y')).toBe(Infinity);
  });

  it('is symmetric and works on 1x1 images', () => {
    const a = random(1, 1, 2);
    const b = random(1, 1, 3);
    expect(psnr(a, b)).toBe(psnr(b, a));
  });
});

describe('ssim', () => {
  it('is 1 for identical images', () => {
    const a = random(23, 17, 4);
    expect(ssim(a, a)).toBeCloseTo(1, 12);
    expect(ssim(a, a, 'y')).toBeCloseTo(1, 12);
  });

  it('of constant images is the luminance term (2ab + C1) / (a^2 + b^2 + C1), averaged over RGB', () => {
    // Zero variance everywhere, so the contrast-structure term is C2 / C2 = 1. By hand:
    // R: (2 * 0.25 * 0.5 + 1e-4) / (0.0625 + 0.25 + 1e-4) = 0.2501 / 0.3126 = 0.800063980...
    // G: 1; B: (2 * 0.75 * 1 + 1e-4) / (0.5625 + 1 + 1e-4) = 1.5001 / 1.5626 = 0.960002560...
    const a = constant(16, 12, [0.25, 0.5, 0.75]);
    const b = constant(16, 12, [0.5, 0.5, 1]);
    expect(ssim(a, b)).toBeCloseTo((0.2501 / 0.3126 + 1 + 1.5001 / 1.5626) / 3, 12);
    expect(ssim(a, b)).toBeCloseTo(0.92002218, 8);
  });

  it('is symmetric', () => {
    const a = random(30, 20, 5);
    const b = perturb(a, 0.3, 6);
    expect(ssim(a, b)).toBeCloseTo(ssim(b, a), 14);
    expect(ssim(a, b, 'y')).toBeCloseTo(ssim(b, a, 'y'), 14);
  });

  it('matches a brute-force 11x11 window over the valid region, RGB and Y', () => {
    const a = random(29, 19, 7);
    const b = perturb(a, 0.5, 8);
    const perChannel = [0, 1, 2].map((c) => bruteForceSsimPlane(plane(a, c), plane(b, c), 29, 19));
    expect(ssim(a, b)).toBeCloseTo((perChannel[0] + perChannel[1] + perChannel[2]) / 3, 12);
    expect(ssim(a, b, 'y')).toBeCloseTo(bruteForceSsimPlane(rgbToY(a), rgbToY(b), 29, 19), 12);
  });

  it('works at the minimum size 11x11 (a single window)', () => {
    const a = random(11, 11, 9);
    const b = perturb(a, 0.2, 10);
    expect(ssim(a, b)).toBeCloseTo([0, 1, 2].reduce((s, c) => s + bruteForceSsimPlane(plane(a, c), plane(b, c), 11, 11), 0) / 3, 12);
  });

  it('drops towards 0 for unrelated noise and stays within [-1, 1]', () => {
    const v = ssim(random(40, 40, 11), random(40, 40, 12));
    expect(Math.abs(v)).toBeLessThan(0.1);
  });
});

describe('errors and scoreImages', () => {
  it('rejects differing sizes and images too small for SSIM', () => {
    expect(() => psnr(random(4, 5, 1), random(5, 4, 1))).toThrow(/sizes differ: 4x5 and 5x4/);
    expect(() => ssim(random(10, 40, 1), random(10, 40, 2))).toThrow(/at least 11x11/);
    expect(() => psnr({ width: 2, height: 2, data: new Float32Array(5) }, random(2, 2, 1))).toThrow(/expected 2x2x3/);
  });

  it('returns the four numbers of the separate functions', () => {
    const a = random(20, 14, 13);
    const b = perturb(a, 0.2, 14);
    expect(scoreImages(b, a)).toEqual({ psnr: psnr(b, a), ssim: ssim(b, a), psnr_y: psnr(b, a, 'y'), ssim_y: ssim(b, a, 'y') });
  });
});
