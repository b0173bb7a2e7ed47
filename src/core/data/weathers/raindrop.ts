// Raindrops on glass: small lenses showing an inverted, blurred view of the scene.

import { fbm, gaussianBlur, sampleBilinear3 } from '../filters.ts';
import { clamp01InPlace, createImage, type RGBImage } from '../image.ts';
import { resolveParams, sampleFromSpecs, type SampledParamSpec } from '../params.ts';
import { Rng } from '../rng.ts';
import type { WeatherResult, WeatherSpec } from '../weather.ts';
import { airlightColour, checkInputs } from './common.ts';

export interface RaindropParams {
  coverage: number;
  radiusMin: number;
  radiusMax: number;
  blur: number;
  refraction: number;
  edgeDarkening: number;
  highlight: number;
  elongation: number;
  veil: number;
  sceneBlur: number;
}

export const RAINDROP_PARAMS: readonly SampledParamSpec<keyof RaindropParams>[] = [
  {
    type: 'number',
    name: 'coverage',
    label: 'Glass coverage',
    min: 0.01,
    max: 0.8,
    step: 0.01,
    default: 0.25,
    range: [0.06, 0.55],
    wide: [0.03, 0.7],
    severity: 1,
    help: 'Fraction of the glass covered by drops',
  },
  { type: 'number', name: 'radiusMin', label: 'Smallest drop radius', min: 1, max: 30, step: 0.5, default: 2.5, range: [1.5, 4], severity: 0, unit: 'px' },
  // Real drops (RainDrop) reach 20-40 px in radius at 720x480 and are often strongly defocused.
  {
    type: 'number',
    name: 'radiusMax',
    label: 'Largest drop radius',
    min: 2,
    max: 60,
    step: 0.5,
    default: 10,
    range: [6, 28],
    wide: [4, 40],
    severity: 1,
    unit: 'px',
  },
  {
    type: 'number',
    name: 'blur',
    label: 'Defocus',
    min: 0,
    max: 8,
    step: 0.1,
    default: 1.2,
    range: [0.4, 5],
    wide: [0.2, 7],
    severity: 0,
    unit: 'px',
    help: 'The camera focuses on the scene, so the drops are out of focus',
  },
  {
    type: 'number',
    name: 'refraction',
    label: 'Refraction',
    min: 0.5,
    max: 6,
    step: 0.1,
    default: 2.5,
    range: [1.5, 4],
    severity: 0,
    help: 'A drop shows an inverted view of a region this many times its size',
  },
  { type: 'number', name: 'edgeDarkening', label: 'Rim darkening', min: 0, max: 1, step: 0.01, default: 0.35, range: [0.15, 0.55], severity: 0 },
  { type: 'number', name: 'highlight', label: 'Specular highlight', min: 0, max: 1, step: 0.01, default: 0.3, range: [0.05, 0.5], severity: 0 },
  { type: 'number', name: 'elongation', label: 'Vertical elongation', min: 1, max: 2.5, step: 0.05, default: 1.15, range: [1, 1.5], severity: 0 },
  {
    // In the RainDrop pairs the wet glass brightens the input by 3 to 29 grey levels on average,
    // most in blue: a veil of about 0.04 to 0.25 towards a bluish white.
    type: 'number',
    name: 'veil',
    label: 'Wet-glass veil',
    min: 0,
    max: 0.5,
    step: 0.01,
    default: 0.08,
    range: [0, 0.28],
    severity: 1,
    help: 'Light scattered by the wet glass: a patchy bluish-white veil, strongest over the drops',
  },
  {
    // The RainDrop targets have 1.5 to 1.85 times the fine detail (mean |Laplacian| of Y) of their
    // inputs; sharpening an input brings it closer to its target, blurring it moves it away.
    type: 'number',
    name: 'sceneBlur',
    label: 'Wet-glass blur',
    min: 0,
    max: 3,
    step: 0.05,
    default: 0.5,
    range: [0, 1.2],
    severity: 1,
    unit: 'px',
    help: 'The water film on the glass softens the whole scene behind it',
  },
];

/**
 * Raindrops on glass (after the RainDrop data set): each drop is a small lens showing an
 * inverted, blurred view of a larger region behind it, with a darker rim and a specular glint;
 * the camera focuses on the scene, so drops and their surroundings are then defocused; and the
 * wet glass softens the whole scene and scatters light into a veil over it.
 */
export function applyRaindrop(clean: RGBImage, depth: Float32Array, params: Partial<RaindropParams>, seed: number): WeatherResult<RaindropParams> {
  checkInputs(clean, depth);
  const p = resolveParams<RaindropParams>(RAINDROP_PARAMS, params);
  if (p.radiusMax < p.radiusMin) p.radiusMax = p.radiusMin;
  const { width: w, height: h } = clean;
  const rng = new Rng(seed);
  // The scene as seen through the wet glass.
  const J = clean.data.slice();
  gaussianBlur(J, w, h, 3, p.sceneBlur);
  // What a drop refracts is a tiny low-resolution image: blur the background before sampling.
  const Jb = J.slice();
  gaussianBlur(Jb, w, h, 3, 1 + 0.5 * p.blur);
  const comp = J.slice();
  const mask = new Float32Array(w * h);
  const lo = p.radiusMin;
  const hi = p.radiusMax * 1.000001;
  // Mean drop area for log-uniform radii: pi * E[r^2] * elongation.
  const meanR2 = hi > lo * 1.0001 ? (hi * hi - lo * lo) / (2 * Math.log(hi / lo)) : lo * lo;
  const count = Math.round((p.coverage * w * h) / (Math.PI * meanR2 * p.elongation));
  const px = new Float32Array(3);
  for (let k = 0; k < count; k++) {
    const r = rng.logUniform(lo, hi);
    const rx = r;
    const ry = r * p.elongation * rng.uniform(0.9, 1.1);
    const cx = rng.uniform(-0.5 * r, w + 0.5 * r);
    const cy = rng.uniform(-0.5 * ry, h + 0.5 * ry);
    // Irregular outline: radius modulated by 2nd and 3rd angular harmonics.
    const a2 = rng.uniform(0, 0.12);
    const c2 = Math.cos(rng.uniform(0, 2 * Math.PI));
    const s2 = Math.sqrt(1 - c2 * c2) * (rng.bool() ? 1 : -1);
    const a3 = rng.uniform(0, 0.08);
    const c3 = Math.cos(rng.uniform(0, 2 * Math.PI));
    const s3 = Math.sqrt(1 - c3 * c3) * (rng.bool() ? 1 : -1);
    const bound = 1 + a2 + a3;
    const edge = 1.2 / r; // about a pixel of anti-aliasing, in normalised radius
    const k0 = p.refraction * rng.uniform(0.85, 1.15);
    const xa = Math.max(0, Math.floor(cx - rx * bound));
    const xb = Math.min(w - 1, Math.ceil(cx + rx * bound));
    const ya = Math.max(0, Math.floor(cy - ry * bound));
    const yb = Math.min(h - 1, Math.ceil(cy + ry * bound));
    for (let y = ya; y <= yb; y++) {
      const v = (y + 0.5 - cy) / ry;
      for (let x = xa; x <= xb; x++) {
        const u = (x + 0.5 - cx) / rx;
        const rho2 = u * u + v * v;
        if (rho2 >= bound * bound) continue;
        const rho0 = Math.sqrt(rho2) + 1e-9;
        const cs = u / rho0;
        const sn = v / rho0;
        // cos(2θ + φ) and cos(3θ + φ) from (cos θ, sin θ) without atan2.
        const cos2 = cs * cs - sn * sn;
        const sin2 = 2 * cs * sn;
        const cos3 = cs * (4 * cs * cs - 3);
        const sin3 = sn * (3 - 4 * sn * sn);
        const rim = 1 + a2 * (cos2 * c2 - sin2 * s2) + a3 * (cos3 * c3 - sin3 * s3);
        const rho = rho0 / rim;
        if (rho >= 1) continue;
        const m = rho <= 1 - edge ? 1 : (1 - rho) / edge;
        // Inverted lens, bending harder towards the rim (a fisheye).
        const kk = k0 * (1 + 0.6 * rho * rho);
        sampleBilinear3(Jb, w, h, cx - u * rx * kk - 0.5, cy - v * ry * kk - 0.5, px);
        const dark = 1 - p.edgeDarkening * rho * rho * rho;
        const gu = u + 0.35;
        const gv = v + 0.4;
        const glint = p.highlight * Math.exp(-(gu * gu + gv * gv) * 30);
        const i = y * w + x;
        const o = i * 3;
        for (let ch = 0; ch < 3; ch++) {
          const c = px[ch] * dark;
          const val = c + glint * (1 - c);
          comp[o + ch] += (val - comp[o + ch]) * m;
        }
        if (m > mask[i]) mask[i] = m;
      }
    }
  }
  const out = createImage(w, h);
  const d = out.data;
  if (p.blur > 0.05) {
    gaussianBlur(comp, w, h, 3, p.blur);
    gaussianBlur(mask, w, h, 1, p.blur);
  }
  // Near drops the defocused composite replaces the scene; elsewhere it is only softened and veiled.
  const patches = p.veil > 0 ? fbm(w, h, Math.max(w, h) / 2, 3, rng) : null;
  const A = airlightColour(rng.uniform(0.82, 0.97), -rng.uniform(0, 0.08));
  for (let i = 0, o = 0; i < mask.length; i++, o += 3) {
    const m = Math.min(1, mask[i] * 1.3);
    const v = patches ? Math.min(0.6, p.veil * (0.4 + 0.6 * patches[i] + m)) : 0;
    for (let ch = 0; ch < 3; ch++) {
      const c = J[o + ch] + (comp[o + ch] - J[o + ch]) * m;
      d[o + ch] = c + (A[ch] - c) * v;
    }
  }
  clamp01InPlace(d);
  return { image: out, params: p };
}

export const RAINDROP: WeatherSpec<'raindrop'> = {
  type: 'raindrop',
  label: 'Raindrops on glass',
  description:
    'Out-of-focus drops on the lens or window, each showing an inverted, blurred view of the scene; the wet glass veils and softens everything behind it.',
  params: RAINDROP_PARAMS,
  sampleParams: (rng, severity, wide) => sampleFromSpecs<RaindropParams>(RAINDROP_PARAMS, rng, severity, wide),
  apply: applyRaindrop,
};
