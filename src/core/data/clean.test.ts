import { describe, expect, it } from 'vitest';
import { mixedSource, sceneSource, deadLeavesSource, type CleanSample } from './clean.ts';
import { renderDeadLeaves } from './dead-leaves.ts';
import { userImageSource } from './photo-source.ts';
import { renderScene } from './scene.ts';
import { createImage } from './image.ts';

function expectValid(s: CleanSample, w: number, h: number): void {
  expect(s.image.width).toBe(w);
  expect(s.image.height).toBe(h);
  expect(s.image.data.length).toBe(w * h * 3);
  expect(s.depth.length).toBe(w * h);
  const outside = (d: Float32Array): number => d.findIndex((v) => !(v >= 0 && v <= 1));
  expect(outside(s.image.data)).toBe(-1);
  expect(outside(s.depth)).toBe(-1);
}

/** Mean depth of rows [y0, y1). */
function rowsDepth(s: CleanSample, y0: number, y1: number): number {
  const w = s.image.width;
  let t = 0;
  for (let i = y0 * w; i < y1 * w; i++) t += s.depth[i];
  return t / ((y1 - y0) * w);
}

describe('procedural scenes', () => {
  it('are deterministic, seed-dependent and in range, at any size', () => {
    const a = renderScene(48, 40, 11);
    expectValid(a, 48, 40);
    expect(renderScene(48, 40, 11).image.data).toEqual(a.image.data);
    expect(renderScene(48, 40, 11).depth).toEqual(a.depth);
    expect(renderScene(48, 40, 12).image.data).not.toEqual(a.image.data);
    expectValid(renderScene(200, 120, 3), 200, 120);
  });

  it('have depth that grows towards the top (sky far, foreground near) and real content', () => {
    for (let seed = 0; seed < 10; seed++) {
      const s = renderScene(64, 64, seed);
      expect(Math.max(...s.depth)).toBe(1); // some sky
      expect(rowsDepth(s, 0, 6)).toBeGreaterThan(rowsDepth(s, 58, 64) + 0.3);
      let mean = 0;
      for (const v of s.image.data) mean += v;
      mean /= s.image.data.length;
      let variance = 0;
      for (const v of s.image.data) variance += (v - mean) ** 2;
      expect(Math.sqrt(variance / s.image.data.length)).toBeGreaterThan(0.03);
    }
  });
  it('draw a pale, low-contrast sky when asked, and are unchanged when not', () => {
    expect(renderScene(48, 40, 11, { paleSkyShare: 0 }).image.data).toEqual(renderScene(48, 40, 11).image.data);
    // Saturation (max - min) and brightness of the sky pixels (depth 1), over many scenes.
    const skyStats = (share: number) => {
      let sat = 0;
      let light = 0;
      let n = 0;
      for (let seed = 0; seed < 12; seed++) {
        const { image, depth } = renderScene(48, 48, seed, { paleSkyShare: share });
        for (let i = 0; i < depth.length; i++) {
          if (depth[i] < 1) continue;
          const [r, g, b] = image.data.subarray(i * 3, i * 3 + 3);
          sat += Math.max(r, g, b) - Math.min(r, g, b);
          light += (r + g + b) / 3;
          n++;
        }
      }
      return { sat: sat / n, light: light / n };
    };
    const classic = skyStats(0);
    const pale = skyStats(1);
    expect(pale.sat).toBeLessThan(0.1);
    expect(pale.sat).toBeLessThan(classic.sat / 2);
    expect(pale.light).toBeGreaterThan(0.6);
  });
  it('strew leaves and grass blades over the ground when asked: fine detail there, the sky untouched', () => {
    expect(renderScene(64, 64, 3, { litterShare: 0 }).image.data).toEqual(renderScene(64, 64, 3).image.data);
    // Mean absolute difference between horizontal neighbours: fine detail.
    const detail = (share: number, ground: boolean) => {
      let sum = 0;
      let n = 0;
      for (let seed = 0; seed < 8; seed++) {
        const { image, depth } = renderScene(64, 64, seed, { litterShare: share });
        for (let i = 0; i < depth.length - 1; i++) {
          if (depth[i] < 1 !== ground || i % 64 === 63) continue;
          for (let c = 0; c < 3; c++) sum += Math.abs(image.data[i * 3 + c] - image.data[i * 3 + 3 + c]);
          n++;
        }
      }
      return sum / n;
    };
    expect(detail(1, true)).toBeGreaterThan(1.5 * detail(0, true));
    expect(detail(1, false)).toBeCloseTo(detail(0, false), 6);
  });
});

describe('dead leaves', () => {
  it('are deterministic, seed-dependent, in range and cover the image', () => {
    const a = renderDeadLeaves(64, 48, 5);
    expectValid(a, 64, 48);
    expect(renderDeadLeaves(64, 48, 5).image.data).toEqual(a.image.data);
    expect(renderDeadLeaves(64, 48, 6).image.data).not.toEqual(a.image.data);
    // Occluding leaves at many depths; no pixel is left at the "uncovered" default.
    expect(new Set(a.depth).size).toBeGreaterThan(20);
    expect(Math.min(...a.depth)).toBeGreaterThan(0);
  });

  it('supports a flat depth and untextured leaves', () => {
    const s = renderDeadLeaves(32, 32, 1, { flatDepth: true, texture: false, rMin: 2, rMax: 10 });
    expectValid(s, 32, 32);
    expect(new Set(s.depth)).toEqual(new Set([0.5]));
  });
});

describe('user image source', () => {
  // A photo-like test image: a sky-blue top half over a textured dark bottom half.
  const photo = createImage(120, 90);
  for (let y = 0; y < 90; y++) {
    for (let x = 0; x < 120; x++) {
      const o = (y * 120 + x) * 3;
      const sky = y < 45;
      photo.data[o] = sky ? 0.7 : 0.2 + 0.1 * Math.sin(x);
      photo.data[o + 1] = sky ? 0.8 : 0.3;
      photo.data[o + 2] = sky ? 0.95 : 0.15 + 0.1 * Math.cos(y);
    }
  }

  it('yields deterministic random crops of the requested size', () => {
    const src = userImageSource(photo);
    const a = src.generate(32, 32, 4);
    expectValid(a, 32, 32);
    expect(src.generate(32, 32, 4).image.data).toEqual(a.image.data);
    const others = [5, 6, 7, 8].map((s) => src.generate(32, 32, s).image.data);
    expect(others.some((d) => d.some((v, i) => v !== a.image.data[i]))).toBe(true);
  });

  it('copies pixels exactly at zoom 1 without flips', () => {
    const src = userImageSource(photo, { minZoom: 1, maxZoom: 1, flip: false });
    const s = src.generate(16, 16, 2);
    // Find the crop offset by matching the first row, then compare the whole crop.
    let found = false;
    for (let y0 = 0; y0 <= 74 && !found; y0++) {
      for (let x0 = 0; x0 <= 104 && !found; x0++) {
        let same = true;
        for (let y = 0; y < 16 && same; y++) {
          for (let x = 0; x < 16 * 3 && same; x++) {
            const v = photo.data[((y0 + y) * 120 + x0) * 3 + x];
            if (Math.abs(v - s.image.data[y * 48 + x]) > 1e-5) same = false;
          }
        }
        found = same;
      }
    }
    expect(found).toBe(true);
  });

  it('upsamples images smaller than the crop, and its depth prior puts the top farther', () => {
    const small = userImageSource(photo, { minZoom: 0.5, maxZoom: 0.5 });
    const s = small.generate(200, 150, 1);
    expectValid(s, 200, 150);
    expect(rowsDepth(s, 0, 10)).toBeGreaterThan(rowsDepth(s, 140, 150) + 0.3);
  });

  it('accepts several images; a mixed source is deterministic', () => {
    const m = mixedSource([sceneSource, deadLeavesSource, userImageSource([photo, photo])]);
    expect(m.generate(24, 24, 9).image.data).toEqual(m.generate(24, 24, 9).image.data);
  });
});
