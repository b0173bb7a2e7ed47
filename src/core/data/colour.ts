// Colours as RGB triples in [0, 1], shared by the procedural clean sources (scene.ts, dead-leaves.ts).

import type { Rng } from './rng.ts';

export type Col = readonly [number, number, number];

export const clamp01 = (v: number): number => (v < 0 ? 0 : v > 1 ? 1 : v);

export function lerpCol(a: Col, b: Col, t: number): Col {
  return [a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t, a[2] + (b[2] - a[2]) * t];
}

export function jitter(rng: Rng, c: Col, amount: number): Col {
  return [clamp01(c[0] + rng.uniform(-amount, amount)), clamp01(c[1] + rng.uniform(-amount, amount)), clamp01(c[2] + rng.uniform(-amount, amount))];
}

export function scaleCol(c: Col, k: number): Col {
  return [c[0] * k, c[1] * k, c[2] * k];
}

export function hsv(hue: number, s: number, v: number): Col {
  const h6 = (hue % 1) * 6;
  const i = Math.floor(h6);
  const f = h6 - i;
  const p = v * (1 - s);
  const q = v * (1 - s * f);
  const t = v * (1 - s * (1 - f));
  switch (i) {
    case 0:
      return [v, t, p];
    case 1:
      return [q, v, p];
    case 2:
      return [p, v, t];
    case 3:
      return [p, q, v];
    case 4:
      return [t, p, v];
    default:
      return [v, p, q];
  }
}
