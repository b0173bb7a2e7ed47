// Anti-aliased splats on single-channel float maps: rain streaks and snow flakes. Splatting each
// sparse seed along its path is the same as motion-blurring a sparse noise image with a line
// kernel, but costs O(streaks x length) instead of O(pixels x kernel taps).

/**
 * Adds a streak to `map`: a segment centred on (cx, cy) along the unit vector (dx, dy), half
 * length hl, full width `width`, peak value amp. Brightness is flat along most of the length and
 * fades at the ends; the cross-section is a smooth bump. Walks only the pixels near the segment.
 */
export function addStreak(
  map: Float32Array,
  w: number,
  h: number,
  cx: number,
  cy: number,
  dx: number,
  dy: number,
  hl: number,
  width: number,
  amp: number,
): void {
  // Lines thinner than a pixel flicker as they cross pixel centres: widen them, keep their energy.
  let half = width * 0.925;
  if (half < 0.8) {
    amp *= half / 0.8;
    half = 0.8;
  }
  const invHalf2 = 1 / (half * half);
  const invHl = 1 / hl;
  const ady = Math.abs(dy);
  const ya = Math.max(0, Math.floor(cy - hl * ady - half));
  const yb = Math.min(h - 1, Math.ceil(cy + hl * ady + half));
  const byRow = ady > 0.3;
  const slope = byRow ? dx / dy : 0;
  const span = byRow ? half / ady + 1 : 0;
  const bx0 = Math.floor(cx - hl * Math.abs(dx) - half);
  const bx1 = Math.ceil(cx + hl * Math.abs(dx) + half);
  for (let y = ya; y <= yb; y++) {
    const py = y + 0.5 - cy;
    let xa: number;
    let xb: number;
    if (byRow) {
      const xc = cx + py * slope;
      xa = Math.floor(xc - span);
      xb = Math.ceil(xc + span);
    } else {
      xa = bx0;
      xb = bx1;
    }
    if (xa < 0) xa = 0;
    if (xb > w - 1) xb = w - 1;
    const row = y * w;
    for (let x = xa; x <= xb; x++) {
      const px = x + 0.5 - cx;
      const t = (px * dx + py * dy) * invHl;
      if (t >= 1 || t <= -1) continue;
      const perp = px * dy - py * dx;
      const q = perp * perp * invHalf2;
      if (q >= 1) continue;
      const t2 = t * t;
      const along = 1 - t2 * t2;
      const across = (1 - q) * (1 - q);
      map[row + x] += amp * along * across;
    }
  }
}

/**
 * Composites a soft disk of radius r, smeared along (dx, dy) by half length hl (motion blur), into
 * an alpha map with the "over" rule A = 1 - (1 - A)(1 - a). `soft` is the edge ramp in pixels.
 */
export function addBlob(
  alpha: Float32Array,
  w: number,
  h: number,
  cx: number,
  cy: number,
  dx: number,
  dy: number,
  hl: number,
  r: number,
  soft: number,
  opacity: number,
): void {
  const reach = r + soft;
  const ex = hl * Math.abs(dx) + reach;
  const ey = hl * Math.abs(dy) + reach;
  const xa = Math.max(0, Math.floor(cx - ex));
  const xb = Math.min(w - 1, Math.ceil(cx + ex));
  const ya = Math.max(0, Math.floor(cy - ey));
  const yb = Math.min(h - 1, Math.ceil(cy + ey));
  const inner = r - soft / 2;
  const invSoft = 1 / soft;
  for (let y = ya; y <= yb; y++) {
    const py = y + 0.5 - cy;
    const row = y * w;
    for (let x = xa; x <= xb; x++) {
      const px = x + 0.5 - cx;
      // Distance to the segment [-hl, hl] along (dx, dy).
      let t = px * dx + py * dy;
      t = t < -hl ? -hl : t > hl ? hl : t;
      const qx = px - t * dx;
      const qy = py - t * dy;
      const d2 = qx * qx + qy * qy;
      if (d2 >= reach * reach) continue;
      const e = (Math.sqrt(d2) - inner) * invSoft;
      let a: number;
      if (e <= 0) a = opacity;
      else if (e >= 1) continue;
      else {
        const s = 1 - e;
        a = opacity * s * s * (3 - 2 * s);
      }
      const i = row + x;
      alpha[i] = 1 - (1 - alpha[i]) * (1 - a);
    }
  }
}
