// Low-level image filters and noise on interleaved Float32Arrays (c channels per pixel).
// Everything is O(pixels) regardless of radius: training batches are synthesised on the fly.

import type { Rng } from './rng.ts';

/**
 * Separable box blur of radius r (window 2r + 1) in place, edges clamped. Running sums make it
 * independent of r; the vertical pass walks rows to stay cache friendly.
 */
export function boxBlur(data: Float32Array, w: number, h: number, c: number, r: number): void {
  r = Math.floor(r);
  if (r <= 0 || w === 0 || h === 0) return;
  const inv = 1 / (2 * r + 1);
  const row = new Float32Array(w * c);
  // Horizontal pass, one row at a time into `row`, then copied back.
  for (let y = 0; y < h; y++) {
    const base = y * w * c;
    for (let ch = 0; ch < c; ch++) {
      let sum = 0;
      for (let k = -r; k <= r; k++) sum += data[base + Math.min(Math.max(k, 0), w - 1) * c + ch];
      for (let x = 0; x < w; x++) {
        row[x * c + ch] = sum * inv;
        const add = x + r + 1 < w ? x + r + 1 : w - 1;
        const sub = x - r > 0 ? x - r : 0;
        sum += data[base + add * c + ch] - data[base + sub * c + ch];
      }
    }
    data.set(row, base);
  }
  // Vertical pass: a running sum per column, advanced row by row.
  const stride = w * c;
  const sums = new Float32Array(stride);
  const src = data.slice();
  for (let k = -r; k <= r; k++) {
    const yy = Math.min(Math.max(k, 0), h - 1) * stride;
    for (let i = 0; i < stride; i++) sums[i] += src[yy + i];
  }
  for (let y = 0; y < h; y++) {
    const o = y * stride;
    const add = (y + r + 1 < h ? y + r + 1 : h - 1) * stride;
    const sub = (y - r > 0 ? y - r : 0) * stride;
    for (let i = 0; i < stride; i++) {
      data[o + i] = sums[i] * inv;
      sums[i] += src[add + i] - src[sub + i];
    }
  }
}

/** Direct separable convolution with a symmetric kernel (taps[0] is the centre), edges clamped. */
function symmetricConvolve(data: Float32Array, w: number, h: number, c: number, taps: Float32Array): void {
  const r = taps.length - 1;
  const stride = w * c;
  // Horizontal: copy each row into a buffer padded by r clamped pixels, so the taps need no
  // bounds checks.
  const padded = new Float32Array((w + 2 * r) * c);
  const pad = r * c;
  for (let y = 0; y < h; y++) {
    const o = y * stride;
    padded.set(data.subarray(o, o + stride), pad);
    for (let k = 0; k < r; k++) {
      for (let ch = 0; ch < c; ch++) {
        padded[k * c + ch] = data[o + ch];
        padded[pad + stride + k * c + ch] = data[o + stride - c + ch];
      }
    }
    for (let i = 0; i < stride; i++) {
      const p = pad + i;
      let acc = taps[0] * padded[p];
      for (let k = 1; k <= r; k++) acc += taps[k] * (padded[p - k * c] + padded[p + k * c]);
      data[o + i] = acc;
    }
  }
  // Vertical: whole rows at a time, from an unmodified copy.
  const src = data.slice();
  for (let y = 0; y < h; y++) {
    const o = y * stride;
    const t0 = taps[0];
    for (let i = 0; i < stride; i++) data[o + i] = t0 * src[o + i];
    for (let k = 1; k <= r; k++) {
      const up = (y - k > 0 ? y - k : 0) * stride;
      const dn = (y + k < h ? y + k : h - 1) * stride;
      const tk = taps[k];
      for (let i = 0; i < stride; i++) data[o + i] += tk * (src[up + i] + src[dn + i]);
    }
  }
}

const tapCache = new Map<number, Float32Array>();

function gaussianTaps(sigma: number): Float32Array {
  const key = Math.round(sigma * 1000);
  let taps = tapCache.get(key);
  if (!taps) {
    const r = Math.max(1, Math.ceil(3 * sigma));
    taps = new Float32Array(r + 1);
    let total = 0;
    for (let k = 0; k <= r; k++) {
      taps[k] = Math.exp((-k * k) / (2 * sigma * sigma));
      total += k === 0 ? taps[k] : 2 * taps[k];
    }
    for (let k = 0; k <= r; k++) taps[k] /= total;
    if (tapCache.size < 256) tapCache.set(key, taps);
  }
  return taps;
}

/**
 * Gaussian blur in place. Small sigmas use exact taps (box approximations are poor there);
 * larger ones three box passes whose variances add up to sigma^2 (Kovesi's recipe).
 */
export function gaussianBlur(data: Float32Array, w: number, h: number, c: number, sigma: number): void {
  if (!(sigma > 0.05)) return;
  if (sigma < 1.5) {
    symmetricConvolve(data, w, h, c, gaussianTaps(sigma));
    return;
  }
  const n = 3;
  const ideal = Math.sqrt((12 * sigma * sigma) / n + 1);
  let wl = Math.floor(ideal);
  if (wl % 2 === 0) wl--;
  const wu = wl + 2;
  const m = Math.round((12 * sigma * sigma - n * wl * wl - 4 * n * wl - 3 * n) / (-4 * wl - 4));
  for (let i = 0; i < n; i++) boxBlur(data, w, h, c, ((i < m ? wl : wu) - 1) / 2);
}

export function smoothstep(e0: number, e1: number, x: number): number {
  const t = x <= e0 ? 0 : x >= e1 ? 1 : (x - e0) / (e1 - e0);
  return t * t * (3 - 2 * t);
}

/**
 * Adds amp * (smooth value noise in [0, 1]) to out (w x h): random lattice values every
 * (cellX, cellY) pixels, smoothstep-interpolated. Separable: each lattice row is interpolated
 * along x once, then every output row is a lerp of two such rows.
 */
function addValueNoise(out: Float32Array, w: number, h: number, cellX: number, cellY: number, amp: number, rng: Rng): void {
  cellX = Math.max(cellX, 1);
  cellY = Math.max(cellY, 1);
  const gw = Math.ceil(w / cellX) + 2;
  const gh = Math.ceil(h / cellY) + 2;
  const lattice = new Float32Array(gw * gh);
  for (let i = 0; i < lattice.length; i++) lattice[i] = rng.next();
  // Random sub-cell phase so that octaves do not share lattice lines.
  const ox = rng.next() * cellX;
  const oy = rng.next() * cellY;
  const rows = new Float32Array(gh * w);
  for (let x = 0; x < w; x++) {
    const f = (x + ox) / cellX;
    const i = Math.floor(f);
    let t = f - i;
    t = t * t * (3 - 2 * t);
    for (let j = 0; j < gh; j++) {
      const a = lattice[j * gw + i];
      rows[j * w + x] = a + (lattice[j * gw + i + 1] - a) * t;
    }
  }
  for (let y = 0; y < h; y++) {
    const f = (y + oy) / cellY;
    const j = Math.floor(f);
    let t = f - j;
    t = t * t * (3 - 2 * t);
    const r0 = j * w;
    const r1 = r0 + w;
    const o = y * w;
    const a0 = amp * (1 - t);
    const a1 = amp * t;
    for (let x = 0; x < w; x++) out[o + x] += a0 * rows[r0 + x] + a1 * rows[r1 + x];
  }
}

/** Smooth value noise in [0, 1] with features about (cellX, cellY) pixels apart. */
export function valueNoise(w: number, h: number, cellX: number, cellY: number, rng: Rng): Float32Array {
  const out = new Float32Array(w * h);
  addValueNoise(out, w, h, cellX, cellY, 1, rng);
  return out;
}

/**
 * Fractal (fBm) value noise, normalised to [0, 1]: octaves halve the cell size and multiply the
 * amplitude by gain; octaves finer than a pixel are skipped. aspect > 1 stretches features
 * horizontally (clouds, strata).
 */
export function fbm(w: number, h: number, cell: number, octaves: number, rng: Rng, gain = 0.5, aspect = 1): Float32Array {
  const out = new Float32Array(w * h);
  let total = 0;
  let amp = 1;
  for (let o = 0; o < octaves && cell / (1 << o) >= 1; o++) {
    total += amp;
    amp *= gain;
  }
  amp = 1 / total;
  for (let o = 0; o < octaves; o++) {
    const c = cell / (1 << o);
    if (c < 1) break;
    addValueNoise(out, w, h, c * aspect, c, amp, rng);
    amp *= gain;
  }
  return out;
}

/**
 * In-place separable 3-tap blur [a, 1 - 2a, a] (edges clamped): the cheapest anti-aliasing.
 * a = 0.075 is close to a Gaussian of sigma 0.45.
 */
export function blur3(data: Float32Array, w: number, h: number, c: number, a: number): void {
  const m = 1 - 2 * a;
  const stride = w * c;
  const row = new Float32Array(stride);
  for (let y = 0; y < h; y++) {
    const o = y * stride;
    for (let i = 0; i < stride; i++) {
      const l = i >= c ? data[o + i - c] : data[o + i];
      const r = i < stride - c ? data[o + i + c] : data[o + i];
      row[i] = m * data[o + i] + a * (l + r);
    }
    data.set(row, o);
  }
  // Vertical: keep the unblurred previous row aside; the next row is still unblurred in place.
  let prev = data.slice(0, stride);
  let cur = new Float32Array(stride);
  for (let y = 0; y < h; y++) {
    const o = y * stride;
    const next = y + 1 < h ? o + stride : o;
    cur.set(data.subarray(o, o + stride));
    for (let i = 0; i < stride; i++) data[o + i] = m * cur[i] + a * (prev[i] + data[next + i]);
    const t = prev;
    prev = cur;
    cur = t;
  }
}

/** 1-D fBm in [0, 1] (ridge lines, skylines). */
export function fbm1d(n: number, cell: number, octaves: number, rng: Rng, gain = 0.5): Float32Array {
  return fbm(n, 1, cell, octaves, rng, gain, 1);
}

/** Bilinear sample of an interleaved RGB image at (x, y) into out[0..2], coordinates clamped. */
export function sampleBilinear3(data: Float32Array, w: number, h: number, x: number, y: number, out: Float32Array): void {
  x = x < 0 ? 0 : x > w - 1 ? w - 1 : x;
  y = y < 0 ? 0 : y > h - 1 ? h - 1 : y;
  const x0 = Math.floor(x);
  const y0 = Math.floor(y);
  const x1 = x0 + 1 < w ? x0 + 1 : x0;
  const y1 = y0 + 1 < h ? y0 + 1 : y0;
  const tx = x - x0;
  const ty = y - y0;
  const a = (y0 * w + x0) * 3;
  const b = (y0 * w + x1) * 3;
  const c = (y1 * w + x0) * 3;
  const d = (y1 * w + x1) * 3;
  for (let ch = 0; ch < 3; ch++) {
    const top = data[a + ch] + (data[b + ch] - data[a + ch]) * tx;
    const bot = data[c + ch] + (data[d + ch] - data[c + ch]) * tx;
    out[ch] = top + (bot - top) * ty;
  }
}
