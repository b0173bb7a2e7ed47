// Procedural outdoor scenes with a depth map: sky, ridges fading into aerial perspective,
// buildings, trees and ground litter. A pure function of (width, height, seed); see clean.ts for
// the depth convention.

import type { CleanSample } from './clean.ts';
import { clamp01, jitter, lerpCol, scaleCol, type Col } from './colour.ts';
import { blur3, boxBlur, fbm, fbm1d, smoothstep } from './filters.ts';
import { createImage } from './image.ts';
import { Rng } from './rng.ts';

interface Sky {
  zenith: Col;
  horizon: Col;
  cloud: Col;
  weight: number;
  sun: boolean;
}

const SKIES: readonly Sky[] = [
  { zenith: [0.22, 0.42, 0.78], horizon: [0.68, 0.8, 0.93], cloud: [0.97, 0.97, 0.98], weight: 5, sun: false },
  { zenith: [0.5, 0.53, 0.58], horizon: [0.75, 0.76, 0.78], cloud: [0.86, 0.86, 0.88], weight: 2, sun: false },
  { zenith: [0.24, 0.28, 0.52], horizon: [0.97, 0.62, 0.35], cloud: [0.95, 0.7, 0.55], weight: 1.5, sun: true },
  { zenith: [0.45, 0.6, 0.82], horizon: [0.88, 0.88, 0.82], cloud: [0.98, 0.97, 0.94], weight: 2, sun: true },
];

/**
 * A pale, low-contrast sky (overcast, misty, washed out) of a random near-neutral tint. Real
 * photos are full of these; a network that only ever saw pale skies as haze over blue "recovers"
 * a saturated sky from every one of them.
 */
function paleSky(rng: Rng): Sky {
  const light = rng.uniform(0.68, 0.97);
  const tint: Col = [rng.uniform(-0.06, 0.06), rng.uniform(-0.06, 0.06), rng.uniform(-0.06, 0.06)];
  const shade = (k: number): Col => [clamp01(light * k + tint[0]), clamp01(light * k + tint[1]), clamp01(light * k + tint[2])];
  return { zenith: shade(rng.uniform(0.85, 1)), horizon: shade(1), cloud: shade(rng.uniform(0.95, 1.05)), weight: 0, sun: false };
}

export interface SceneOptions {
  /** Probability of a pale, low-contrast sky instead of one of the classic skies (default 0). */
  paleSkyShare?: number;
  /**
   * Probability of fallen leaves and shaded grass blades strewn over the ground (default 0): fine
   * specks that belong to the scene, so a network cannot take every speck for snow or rain.
   */
  litterShare?: number;
}

const ROCK: readonly Col[] = [
  [0.38, 0.4, 0.45],
  [0.46, 0.41, 0.36],
  [0.3, 0.36, 0.32],
  [0.52, 0.5, 0.5],
];
const LAND: readonly Col[] = [
  [0.26, 0.44, 0.2],
  [0.34, 0.5, 0.22],
  [0.45, 0.4, 0.24],
  [0.66, 0.6, 0.32],
  [0.2, 0.34, 0.18],
  [0.5, 0.45, 0.36],
];
const WALLS: readonly Col[] = [
  [0.62, 0.6, 0.57],
  [0.55, 0.32, 0.25],
  [0.8, 0.74, 0.62],
  [0.88, 0.87, 0.84],
  [0.35, 0.38, 0.42],
  [0.7, 0.55, 0.4],
  [0.45, 0.5, 0.55],
];
const ROOFS: readonly Col[] = [
  [0.45, 0.18, 0.14],
  [0.3, 0.3, 0.32],
  [0.4, 0.3, 0.22],
];
const FOLIAGE: readonly Col[] = [
  [0.18, 0.36, 0.13],
  [0.28, 0.45, 0.18],
  [0.14, 0.28, 0.12],
  [0.36, 0.48, 0.2],
  [0.62, 0.42, 0.14],
];
// Fallen leaves: browns, oranges, straw, pale tan, a lit green.
const LITTER: readonly Col[] = [
  [0.55, 0.36, 0.2],
  [0.78, 0.5, 0.22],
  [0.85, 0.74, 0.38],
  [0.8, 0.72, 0.6],
  [0.62, 0.7, 0.34],
  [0.42, 0.24, 0.14],
];

/** Pixel buffers of a scene being painted; tex* are shared texture fields in [0, 1]. */
interface Canvas {
  w: number;
  h: number;
  rgb: Float32Array;
  depth: Float32Array;
  texCoarse: Float32Array;
  texFine: Float32Array;
}

/** Writes one pixel, times k and modulated by the fine texture (amplitude amp around 1). */
function paint(cv: Canvas, x: number, y: number, c: Col, d: number, amp: number, k = 1): void {
  const i = y * cv.w + x;
  const m = k * (1 + amp * (cv.texFine[i] - 0.5));
  const o = i * 3;
  cv.rgb[o] = c[0] * m;
  cv.rgb[o + 1] = c[1] * m;
  cv.rgb[o + 2] = c[2] * m;
  cv.depth[i] = d;
}

function fillRect(cv: Canvas, x0: number, y0: number, x1: number, y1: number, c: Col, d: number, amp: number): void {
  const xa = Math.max(0, Math.round(x0));
  const xb = Math.min(cv.w, Math.round(x1));
  const ya = Math.max(0, Math.round(y0));
  const yb = Math.min(cv.h, Math.round(y1));
  for (let y = ya; y < yb; y++) for (let x = xa; x < xb; x++) paint(cv, x, y, c, d, amp);
}

function fillDisk(cv: Canvas, cx: number, cy: number, r: number, c: Col, d: number, amp: number, shade: number): void {
  const ya = Math.max(0, Math.floor(cy - r));
  const yb = Math.min(cv.h - 1, Math.ceil(cy + r));
  for (let y = ya; y <= yb; y++) {
    const dy = y + 0.5 - cy;
    const span = r * r - dy * dy;
    if (span <= 0) continue;
    const hw = Math.sqrt(span);
    const xa = Math.max(0, Math.round(cx - hw));
    const xb = Math.min(cv.w, Math.round(cx + hw));
    for (let x = xa; x < xb; x++) {
      // Lit from the upper left: a cheap hint of volume.
      paint(cv, x, y, c, d, amp, 1 + (shade * (cy - y + (cx - x))) / (2 * r));
    }
  }
}

interface SceneContext {
  horizon: number;
  horizonCol: Col;
  aerial: number;
  groundDepth: (y: number) => number;
  /** groundDepth(y) for every integer row, for per-pixel loops. */
  rowDepth: Float32Array;
}

/** Aerial perspective: distant surfaces take on the horizon colour (mild; haze adds the rest). */
function aerialCol(ctx: SceneContext, c: Col, d: number): Col {
  return lerpCol(c, ctx.horizonCol, ctx.aerial * d * d);
}

function drawBuilding(cv: Canvas, rng: Rng, ctx: SceneContext, cx: number, base: number, f: number, tall: boolean): void {
  const { h } = cv;
  const bw = h * f * rng.uniform(0.12, 0.38);
  const bh = h * f * (tall ? rng.uniform(0.3, 0.85) : rng.uniform(0.12, 0.35));
  const x0 = cx - bw / 2;
  const x1 = cx + bw / 2;
  const top = base - bh;
  const d = ctx.groundDepth(base);
  const wall = aerialCol(ctx, jitter(rng, rng.pick(WALLS), 0.06), d);
  const texAmp = rng.uniform(0.05, 0.2);

  // Side face receding towards the horizon: both its edges converge on the horizon line.
  const sideW = bw * rng.uniform(0.12, 0.35);
  const right = rng.bool();
  const side = scaleCol(wall, rng.uniform(0.55, 0.75));
  const sx0 = right ? x1 : x0 - sideW;
  for (let x = Math.max(0, Math.round(sx0)); x < Math.min(cv.w, Math.round(sx0 + sideW)); x++) {
    const t = right ? (x + 0.5 - x1) / sideW : (x0 - x - 0.5) / sideW;
    const k = 0.25 * t;
    const ya = top + (ctx.horizon - top) * k;
    const yb = base + (ctx.horizon - base) * k;
    for (let y = Math.max(0, Math.round(ya)); y < Math.min(cv.h, Math.round(yb)); y++) paint(cv, x, y, side, d, texAmp);
  }
  fillRect(cv, x0, top, x1, base, wall, d, texAmp);

  // Pitched roof on small houses.
  if (!tall && rng.bool(0.6)) {
    const roof = aerialCol(ctx, jitter(rng, rng.pick(ROOFS), 0.05), d);
    const ph = bw * rng.uniform(0.2, 0.45);
    const xm = (x0 + x1) / 2;
    for (let x = Math.max(0, Math.round(x0 - 1)); x < Math.min(cv.w, Math.round(x1 + 1)); x++) {
      const yt = top - ph * (1 - Math.abs(x + 0.5 - xm) / (bw / 2 + 1));
      for (let y = Math.max(0, Math.round(yt)); y < Math.min(cv.h, Math.round(top)); y++) paint(cv, x, y, roof, d, 0.1);
    }
  }

  // Windows in a grid; skipped where they would be under two pixels.
  const cell = bw / rng.int(3, 9);
  if (cell < 2.5) return;
  const cellH = cell * rng.uniform(1, 1.6);
  const fx = rng.uniform(0.4, 0.7);
  const fy = rng.uniform(0.4, 0.7);
  const glass = lerpCol([0.1, 0.13, 0.18], ctx.horizonCol, rng.uniform(0, 0.5));
  const lit: Col = [0.95, 0.82, 0.5];
  const litP = rng.uniform(0, 0.25);
  const rows = Math.floor((bh - cellH * 0.5) / cellH);
  const cols = Math.floor(bw / cell);
  const mx = (bw - cols * cell) / 2;
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      const wx = x0 + mx + c * cell + (cell * (1 - fx)) / 2;
      const wy = top + cellH * 0.4 + r * cellH;
      const col = rng.bool(litP) ? lit : scaleCol(glass, rng.uniform(0.8, 1.2));
      fillRect(cv, wx, wy, wx + cell * fx, wy + cellH * fy, aerialCol(ctx, col, d), d, 0.05);
    }
  }
}

function drawTree(cv: Canvas, rng: Rng, ctx: SceneContext, cx: number, base: number, f: number): void {
  const th = cv.h * f * rng.uniform(0.12, 0.42);
  const d = ctx.groundDepth(base);
  const trunk = aerialCol(ctx, jitter(rng, [0.3, 0.22, 0.15], 0.04), d);
  const green = jitter(rng, rng.pick(FOLIAGE), 0.05);
  const tw = Math.max(1, th * 0.07);
  fillRect(cv, cx - tw / 2, base - th * 0.4, cx + tw / 2, base, trunk, d, 0.2);
  if (rng.bool(0.35)) {
    // Conifer: stacked tiers, narrowing upwards.
    const tiers = rng.int(2, 5);
    for (let t = 0; t < tiers; t++) {
      const yb = base - th * (0.2 + (0.6 * t) / tiers);
      const yt = yb - th * 0.45;
      const hw = th * 0.28 * (1 - (0.5 * t) / tiers);
      const col = aerialCol(ctx, scaleCol(green, 0.75 + 0.1 * t), d);
      for (let y = Math.max(0, Math.round(yt)); y < Math.min(cv.h, Math.round(yb)); y++) {
        const half = (hw * (y + 0.5 - yt)) / (yb - yt);
        for (let x = Math.max(0, Math.round(cx - half)); x < Math.min(cv.w, Math.round(cx + half)); x++) {
          paint(cv, x, y, col, d, 0.55);
        }
      }
    }
  } else {
    const blobs = rng.int(3, 8);
    for (let b = 0; b < blobs; b++) {
      const r = th * rng.uniform(0.16, 0.3);
      const bx = cx + rng.normal(0, th * 0.14);
      const by = base - th * 0.64 + rng.normal(0, th * 0.1);
      fillDisk(cv, bx, by, r, aerialCol(ctx, scaleCol(green, rng.uniform(0.8, 1.15)), d), d, 0.6, 0.3);
    }
  }
}

interface RidgeLayer {
  /** Row the layer stands on; rows below it take the ground-plane depth. */
  base: number;
  /** First row not filled. */
  bottom: number;
  amp: number;
  cell: number;
  octaves: number;
  col: Col;
  depth: number;
  /** Valley mist: blend towards the horizon colour near the base (mountains). */
  mist: number;
}

/**
 * Grass blades and leaves, sized by perspective. Blades are only ever shaded (darker than the
 * ground): a lit blade is a short bright stroke, which is what a rain streak looks like, and a
 * network taught to keep those stops removing rain.
 */
function drawLitter(cv: Canvas, rng: Rng, ctx: SceneContext): void {
  const top = Math.ceil(ctx.horizon) + 1;
  if (top >= cv.h) return;
  const ground = (cv.h - top) * cv.w;
  const nearDepth = ctx.rowDepth[cv.h - 1];
  const spot = (): { x: number; y: number; d: number; f: number } => {
    const y = rng.uniform(top, cv.h);
    const d = ctx.groundDepth(y);
    return { x: rng.uniform(0, cv.w), y, d, f: nearDepth / d };
  };
  const blades = Math.round(ground * rng.uniform(0.01, 0.06));
  for (let k = 0; k < blades; k++) {
    const { x, y, d, f } = spot();
    const len = Math.max(1, f * rng.uniform(2, 6));
    const a = rng.uniform(-0.8, 0.8);
    const o = (Math.floor(y) * cv.w + Math.floor(x)) * 3;
    const c = scaleCol([cv.rgb[o], cv.rgb[o + 1], cv.rgb[o + 2]], rng.uniform(0.45, 0.8));
    for (let t = 0; t <= len; t += 0.7) {
      const px = Math.round(x + t * Math.sin(a));
      const py = Math.round(y - t * Math.cos(a));
      if (px >= 0 && px < cv.w && py >= top && py < cv.h) paint(cv, px, py, c, d, 0);
    }
  }
  const leaves = Math.round(ground * rng.uniform(0.001, 0.015));
  for (let k = 0; k < leaves; k++) {
    const { x, y, d, f } = spot();
    fillDisk(cv, x, y, Math.max(0.6, f * rng.uniform(0.6, 2.4)), aerialCol(ctx, jitter(rng, rng.pick(LITTER), 0.08), d), d, 0.1, 0.3);
  }
}

/** A terrain layer: an fBm ridge line filled downwards, shaded by the smoothed ridge slope. */
function drawRidge(cv: Canvas, rng: Rng, ctx: SceneContext, L: RidgeLayer): void {
  const { w, h } = cv;
  const ridge = fbm1d(w, L.cell, L.octaves, rng, L.octaves > 4 ? 0.55 : 0.4);
  // Slope from a smoothed copy: per-column slope of a jagged line paints vertical stripes.
  const smooth = ridge.slice();
  boxBlur(smooth, w, 1, 1, Math.max(1, Math.round(w / 40)));
  boxBlur(smooth, w, 1, 1, Math.max(1, Math.round(w / 40)));
  const ox = rng.int(0, w);
  const oy = rng.int(0, h);
  const coarseAmp = rng.uniform(0.2, 0.5);
  const fineAmp = rng.uniform(0.1, 0.45);
  const light = rng.bool() ? 1 : -1;
  const hc = ctx.horizonCol;
  const col = L.col;
  // Per column: ridge row, first row drawn, shading. Then fill row-major (cache friendly).
  const ry = new Float32Array(w);
  const y0 = new Int32Array(w);
  const shade = new Float32Array(w);
  let top = L.bottom;
  for (let x = 0; x < w; x++) {
    ry[x] = L.base - L.amp * ridge[x];
    const slope = ((smooth[Math.min(x + 1, w - 1)] - smooth[Math.max(x - 1, 0)]) * L.amp) / 2;
    shade[x] = 1 + Math.max(-0.3, Math.min(0.3, light * slope * 0.8));
    y0[x] = Math.max(0, Math.floor(ry[x]));
    if (y0[x] < top) top = y0[x];
  }
  for (let y = top; y < L.bottom; y++) {
    const d = y < L.base ? L.depth : Math.min(L.depth, ctx.rowDepth[y]);
    const aerial = ctx.aerial * d * d;
    const fine = fineAmp * (1 - d);
    const tcRow = ((y + oy) % h) * w;
    for (let x = 0; x < w; x++) {
      if (y < y0[x]) continue;
      const i = y * w + x;
      const xo = x + ox < w ? x + ox : x + ox - w;
      const m = shade[x] * (1 + coarseAmp * (cv.texCoarse[tcRow + xo] - 0.5) + fine * (cv.texFine[i] - 0.5));
      const below = Math.min(Math.max((y - ry[x]) / Math.max(L.base - ry[x], 1), 0), 1);
      const aer = Math.min(1, aerial + L.mist * below * below);
      // Anti-alias the ridge: the first row is covered only by its fraction below the ridge.
      const cov = y === y0[x] ? Math.min(1, y + 1 - ry[x]) : 1;
      const o = i * 3;
      for (let ch = 0; ch < 3; ch++) {
        const c = col[ch] * m + (hc[ch] - col[ch] * m) * aer;
        cv.rgb[o + ch] += (c - cv.rgb[o + ch]) * cov;
      }
      if (cov >= 0.5) cv.depth[i] = d;
    }
  }
}

/**
 * A procedural outdoor scene: sky with clouds, terrain layers (distant mountains, rolling hills,
 * ground plane), an optional road, buildings with windows and trees. Depth follows a ground plane
 * (objects take the depth of the ground where they stand), so haze thickens towards the horizon.
 */
export function renderScene(width: number, height: number, seed: number, opts: SceneOptions = {}): CleanSample {
  const rng = new Rng(seed);
  const w = width;
  const h = height;
  const texRng = rng.fork('texture');
  const cv: Canvas = {
    w,
    h,
    rgb: new Float32Array(w * h * 3),
    depth: new Float32Array(w * h),
    texCoarse: fbm(w, h, Math.max(4, Math.min(w, h) / 6), 4, texRng, 0.55),
    texFine: fbm(w, h, texRng.uniform(2, 5), 3, texRng, 0.6),
  };

  // Sky.
  const sr = rng.fork('sky');
  // The pale-sky draw has its own stream, so with share 0 every scene is what it always was.
  const paleRng = rng.fork('pale-sky');
  const sky = paleRng.bool(opts.paleSkyShare ?? 0) ? paleSky(paleRng) : SKIES[sr.weighted(SKIES.map((s) => s.weight))];
  const zenith = jitter(sr, sky.zenith, 0.05);
  const horizonCol = jitter(sr, sky.horizon, 0.04);
  const cloudCol = jitter(sr, sky.cloud, 0.03);
  const horizon = h * sr.uniform(0.28, 0.55);
  // Land covers every row below the horizon, so the sky stops there.
  const skyRows = Math.min(h, Math.ceil(horizon) + 1);
  const clouds = fbm(w, skyRows, Math.max(w, h) * sr.uniform(0.3, 0.7), 5, sr, 0.55, sr.uniform(1.5, 3));
  const cover = sr.uniform(0.1, 0.75);
  const cloudAlpha = sr.uniform(0.5, 1);
  // Sun glow, a separable Gaussian: exp(-(dx^2 + dy^2) / 2s^2) = gx[x] * gy[y].
  const sunR = Math.max(w, h) * sr.uniform(0.1, 0.3);
  const sunX = sr.uniform(0, w);
  const sunY = horizon * sr.uniform(0.4, 0.95);
  const gx = new Float32Array(w);
  for (let x = 0; x < w; x++) gx[x] = sky.sun ? 0.35 * Math.exp(-((x - sunX) ** 2) / (2 * sunR * sunR)) : 0;
  for (let y = 0; y < skyRows; y++) {
    const t = Math.pow(Math.min(y / horizon, 1), 0.8);
    const base = lerpCol(zenith, horizonCol, t);
    const gy = Math.exp(-((y - sunY) ** 2) / (2 * sunR * sunR));
    const thin = cloudAlpha * (1 - 0.4 * t);
    for (let x = 0; x < w; x++) {
      const i = y * w + x;
      const n = clouds[i];
      const a = smoothstep(1 - cover, 1.15 - cover, n) * thin;
      const shade = 0.8 + 0.35 * (n - (1 - cover)); // thicker cloud, brighter top
      const glow = gx[x] * gy;
      const o = i * 3;
      for (let ch = 0; ch < 3; ch++) {
        cv.rgb[o + ch] = base[ch] + (cloudCol[ch] * shade - base[ch]) * a + glow * (1 - base[ch]);
      }
      cv.depth[i] = 1;
    }
  }

  // Ground-plane depth: proportional to 1 / (rows below the horizon), from dNear at the bottom
  // edge to dFar at the horizon.
  const dNear = 0.06;
  const dFar = 0.9;
  const groundDepth = (y: number): number => (y <= horizon ? dFar : Math.min(dFar, (dNear * (h - horizon)) / (y - horizon)));
  const rowDepth = new Float32Array(h);
  for (let y = 0; y < h; y++) rowDepth[y] = groundDepth(y);
  const ctx: SceneContext = { horizon, horizonCol, aerial: rng.uniform(0.15, 0.45), groundDepth, rowDepth };

  // Terrain, far to near: mountain ranges standing on the horizon, then land layers (rolling
  // hills, fields) each filling from its ridge line to the bottom edge.
  const tr = rng.fork('terrain');
  const ranges = tr.weighted([0.35, 0.45, 0.2]);
  for (let m = 0; m < ranges; m++) {
    drawRidge(cv, tr, ctx, {
      base: horizon,
      bottom: Math.min(h, Math.ceil(horizon) + 1),
      amp: h * tr.uniform(0.08, 0.3) * (m === 0 ? 1 : 0.6),
      cell: w * tr.uniform(0.15, 0.5),
      octaves: 6,
      col: jitter(tr, tr.pick(ROCK), 0.05),
      depth: 0.97 - 0.03 * m,
      mist: tr.uniform(0.2, 0.7),
    });
  }
  const layers = tr.int(1, 4);
  for (let k = 0; k < layers; k++) {
    const base = k === 0 ? horizon : horizon + (h - horizon) * (0.06 + (0.6 * k) / layers) * tr.uniform(0.7, 1.1);
    drawRidge(cv, tr, ctx, {
      base,
      bottom: h,
      amp: h * (k === 0 ? tr.uniform(0.005, 0.05) : tr.uniform(0.015, 0.09)),
      cell: w * tr.uniform(0.12, 0.5),
      octaves: 3,
      col: jitter(tr, tr.pick(LAND), 0.05),
      depth: k === 0 ? dFar : groundDepth(base),
      mist: 0,
    });
  }

  // A road running to a vanishing point on the horizon, with dashes spaced evenly in depth.
  if (tr.bool(0.35)) {
    const vx = w * tr.uniform(0.3, 0.7);
    const bx = vx + w * tr.uniform(-0.4, 0.4);
    const hwBottom = w * tr.uniform(0.12, 0.3);
    const asphalt = jitter(tr, [0.33, 0.33, 0.34], 0.05);
    const line: Col = tr.bool() ? [0.9, 0.9, 0.88] : [0.88, 0.75, 0.3];
    const dash = tr.uniform(0.5, 1.5);
    for (let y = Math.ceil(horizon); y < h; y++) {
      const s = (y + 0.5 - horizon) / (h - horizon);
      const centre = vx + (bx - vx) * s;
      const hw = hwBottom * s;
      const d = groundDepth(y + 0.5);
      const onDash = ((1 / d) * dash) % 1 < 0.5;
      for (let x = Math.max(0, Math.round(centre - hw)); x < Math.min(w, Math.round(centre + hw)); x++) {
        const c = onDash && Math.abs(x + 0.5 - centre) < Math.max(0.5, hw * 0.04) ? line : asphalt;
        paint(cv, x, y, aerialCol(ctx, c, d), d, 0.15);
      }
    }
  }

  // The litter draw has its own stream, so with share 0 every scene is what it always was.
  const litterRng = rng.fork('litter');
  if (litterRng.bool(opts.litterShare ?? 0)) drawLitter(cv, litterRng, ctx);

  // Buildings and trees, drawn far to near; their size follows perspective.
  const or = rng.fork('objects');
  const city = or.bool(0.4);
  const nBuildings = city ? or.int(3, 11) : or.int(0, 4);
  const nTrees = city ? or.int(0, 5) : or.int(1, 11);
  const objects: { tree: boolean; s: number; x: number; seed: number }[] = [];
  for (let i = 0; i < nBuildings + nTrees; i++) {
    objects.push({ tree: i >= nBuildings, s: 0.02 + 1.05 * Math.pow(or.next(), 1.3), x: or.uniform(-0.1, 1.1) * w, seed: i });
  }
  objects.sort((a, b) => a.s - b.s);
  for (const ob of objects) {
    const base = horizon + ob.s * (h - horizon);
    const f = 0.12 + 0.88 * ob.s;
    const r = or.fork('object', ob.seed);
    if (ob.tree) drawTree(cv, r, ctx, ob.x, base, f);
    else drawBuilding(cv, r, ctx, ob.x, base, f, city);
  }

  // A touch of optical blur so edges are not pixel-hard (cameras never are).
  blur3(cv.rgb, w, h, 3, 0.075);
  const image = createImage(w, h);
  for (let i = 0; i < image.data.length; i++) image.data[i] = clamp01(cv.rgb[i]);
  return { image, depth: cv.depth };
}
