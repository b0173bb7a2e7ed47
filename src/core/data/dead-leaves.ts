// Dead leaves: a scale-invariant clean source (opaque disks with power-law radii), with depth by
// occlusion rank. A pure function of (width, height, seed).

import type { CleanSample } from './clean.ts';
import { clamp01, hsv } from './colour.ts';
import { blur3, fbm } from './filters.ts';
import { createImage } from './image.ts';
import { Rng } from './rng.ts';

export interface DeadLeavesOptions {
  /** Radius density exponent, p(r) ~ r^-alpha; 3 gives scale invariance. */
  alpha?: number;
  /** Smallest radius in pixels (default: about 1/128 of the image side, at least 1). */
  rMin?: number;
  /** Largest radius in pixels (default: a third of the longer side). */
  rMax?: number;
  /** Mild per-leaf shading and texture (default true). */
  texture?: boolean;
  /** A constant depth instead of per-leaf depth (default false). */
  flatDepth?: boolean;
}

/**
 * Dead leaves: opaque disks with power-law radii dropped until the plane is covered. Drawn front
 * to back (a pixel keeps the first leaf that covers it), so a leaf's depth can grow with its
 * rank: depth = fraction of the image covered by the leaves in front of it, consistent with
 * occlusion.
 */
export function renderDeadLeaves(width: number, height: number, seed: number, opts: DeadLeavesOptions = {}): CleanSample {
  const rng = new Rng(seed);
  const w = width;
  const h = height;
  const alpha = opts.alpha ?? 3;
  const rMin = opts.rMin ?? Math.max(1, Math.min(w, h) / 128);
  const rMax = Math.max(rMin * 1.01, opts.rMax ?? Math.max(w, h) / 3);
  const textured = opts.texture ?? true;
  const image = createImage(w, h);
  const depth = new Float32Array(w * h);
  const covered = new Uint8Array(w * h);
  // Late leaves mostly land on covered ground: skip rows with nothing left to cover.
  const rowLeft = new Int32Array(h).fill(w);
  const tex = textured ? fbm(w, h, rng.uniform(2, 6), 3, rng.fork('texture'), 0.6) : new Float32Array(w * h);

  // Inverse-CDF sampling of r ~ r^-alpha on [rMin, rMax]; E[r^2] sets the depth scale.
  const a1 = 1 - alpha;
  const lo = Math.pow(rMin, a1);
  const hi = Math.pow(rMax, a1);
  const a3 = 3 - alpha;
  const meanR2 = Math.abs(a3) < 1e-6 ? (a1 / (hi - lo)) * Math.log(rMax / rMin) : ((a1 / (hi - lo)) * (Math.pow(rMax, a3) - Math.pow(rMin, a3))) / a3;
  const leavesPerCover = (w * h) / (Math.PI * meanR2);

  // Colour statistics per image: some images muted, some vivid.
  const satMax = rng.uniform(0.3, 1);
  const vMin = rng.uniform(0.05, 0.3);
  let remaining = w * h;
  // Phase 1 drops leaves anywhere. Covering the last holes that way takes ~ln(pixels) times
  // longer, so phase 2 aims each leaf at a random hole instead: the leaf seen through a hole is
  // one that covers that pixel, i.e. its centre is uniform within r of it and its radius is
  // size-biased, p(r) r^2 ~ r^(2 - alpha).
  const phase1 = Math.ceil(leavesPerCover * 4);
  const b1 = 3 - alpha;
  const blo = Math.abs(b1) < 1e-6 ? Math.log(rMin) : Math.pow(rMin, b1);
  const bhi = Math.abs(b1) < 1e-6 ? Math.log(rMax) : Math.pow(rMax, b1);
  let holes: Int32Array | null = null;
  let nHoles = 0;
  for (let k = 0; remaining > 0; k++) {
    let r: number;
    let cx: number;
    let cy: number;
    if (k < phase1) {
      r = Math.pow(lo + (hi - lo) * rng.next(), 1 / a1);
      cx = rng.uniform(-r, w + r);
      cy = rng.uniform(-r, h + r);
    } else {
      if (!holes) {
        holes = new Int32Array(remaining);
        for (let i = 0; i < w * h; i++) if (!covered[i]) holes[nHoles++] = i;
      }
      // Pick a hole still open (lazily dropping those covered since).
      let hole = -1;
      while (nHoles > 0) {
        const j = rng.int(0, nHoles);
        if (!covered[holes[j]]) {
          hole = holes[j];
          break;
        }
        holes[j] = holes[--nHoles];
      }
      if (hole < 0) break;
      const u = blo + (bhi - blo) * rng.next();
      r = Math.abs(b1) < 1e-6 ? Math.exp(u) : Math.pow(u, 1 / b1);
      const ang = 2 * Math.PI * rng.next();
      const rad = r * Math.sqrt(rng.next()) * 0.999;
      cx = (hole % w) + 0.5 + rad * Math.cos(ang);
      cy = Math.floor(hole / w) + 0.5 + rad * Math.sin(ang);
    }
    const col = hsv(rng.next(), satMax * Math.sqrt(rng.next()), vMin + (1 - vMin) * rng.next());
    const gx = textured ? rng.uniform(-0.25, 0.25) / r : 0;
    const gy = textured ? rng.uniform(-0.25, 0.25) / r : 0;
    const tAmp = textured ? rng.uniform(0, 0.3) : 0;
    const d = opts.flatDepth ? 0.5 : 0.05 + 0.9 * (1 - Math.exp(-k / leavesPerCover));
    const ya = Math.max(0, Math.ceil(cy - r - 0.5));
    const yb = Math.min(h - 1, Math.floor(cy + r - 0.5));
    for (let y = ya; y <= yb; y++) {
      if (rowLeft[y] === 0) continue;
      const dy = y + 0.5 - cy;
      const span = r * r - dy * dy;
      if (span < 0) continue;
      const hw = Math.sqrt(span);
      const xa = Math.max(0, Math.ceil(cx - hw - 0.5));
      const xb = Math.min(w - 1, Math.floor(cx + hw - 0.5));
      for (let x = xa; x <= xb; x++) {
        const i = y * w + x;
        if (covered[i]) continue;
        covered[i] = 1;
        remaining--;
        rowLeft[y]--;
        const m = 1 + gx * (x + 0.5 - cx) + gy * dy + tAmp * (tex[i] - 0.5);
        const o = i * 3;
        image.data[o] = clamp01(col[0] * m);
        image.data[o + 1] = clamp01(col[1] * m);
        image.data[o + 2] = clamp01(col[2] * m);
        depth[i] = d;
      }
    }
  }
  blur3(image.data, w, h, 3, 0.075);
  return { image, depth };
}
