// A second, deliberately different weather synthesiser, used only to check a teacher: a network
// can learn the quirks of the generator it trained on (weathers/), and a score on weather made
// another way says whether it learnt the weather instead. Simpler physics on purpose, with its
// own choices everywhere (docs/data.md#independent-weather):
// - haze: depth from the image row (the horizon high in the frame, the ground near), grey airlight;
// - rain: straight anti-aliased segments of one angle, added as light, no layers or blur;
// - snow: round Gaussian dots, all of one size class (fine or coarse), screened over the scene;
// the settings of each condition are fixed, not sampled from a range.

import { cloneImage, type RGBImage } from './image';
import { Rng } from './rng';

export const INDEPENDENT_CONDITIONS = ['light-haze', 'dense-haze', 'rain', 'heavy-rain', 'fine-snow', 'coarse-snow'] as const;
export type IndependentCondition = (typeof INDEPENDENT_CONDITIONS)[number];

/** Atmospheric scattering with depth rising towards the top of the frame. */
function haze(img: RGBImage, beta: number, airlight: number): void {
  const { width: w, height: h, data } = img;
  for (let y = 0; y < h; y++) {
    const depth = 0.25 + 0.75 * (1 - y / (h - 1)) ** 0.7;
    const t = Math.exp(-beta * depth);
    for (let x = 0; x < w; x++) {
      const o = (y * w + x) * 3;
      for (let c = 0; c < 3; c++) data[o + c] = data[o + c] * t + airlight * (1 - t);
    }
  }
}

/** Adds light along `count` segments of the given length and angle (degrees from vertical). */
function streaks(img: RGBImage, rng: Rng, count: number, length: number, angle: number, brightness: number): void {
  const { width: w, height: h, data } = img;
  const dx = Math.sin((angle * Math.PI) / 180);
  const dy = Math.cos((angle * Math.PI) / 180);
  for (let k = 0; k < count; k++) {
    const x0 = rng.uniform(-length, w + length);
    const y0 = rng.uniform(-length, h);
    const b = brightness * rng.uniform(0.6, 1);
    for (let s = 0; s < length; s += 0.5) {
      const x = x0 + dx * s;
      const y = y0 + dy * s;
      const xi = Math.floor(x);
      const yi = Math.floor(y);
      // Spread each sample over the two nearest columns (anti-aliasing across the streak).
      for (const [xx, wx] of [
        [xi, 1 - (x - xi)],
        [xi + 1, x - xi],
      ]) {
        if (xx < 0 || xx >= w || yi < 0 || yi >= h) continue;
        const o = (yi * w + xx) * 3;
        for (let c = 0; c < 3; c++) data[o + c] = Math.min(1, data[o + c] + 0.5 * b * wx);
      }
    }
  }
}

/** Screens white Gaussian dots of radius in [rMin, rMax] over the image, to a coverage. */
function dots(img: RGBImage, rng: Rng, coverage: number, rMin: number, rMax: number): void {
  const { width: w, height: h, data } = img;
  const meanArea = Math.PI * ((rMin + rMax) / 2) ** 2;
  const count = Math.round((coverage * w * h) / meanArea);
  for (let k = 0; k < count; k++) {
    const cx = rng.uniform(0, w);
    const cy = rng.uniform(0, h);
    const r = rng.uniform(rMin, rMax);
    const peak = rng.uniform(0.7, 1);
    const reach = Math.ceil(2 * r + 1);
    for (let y = Math.max(0, Math.floor(cy - reach)); y <= Math.min(h - 1, cy + reach); y++) {
      for (let x = Math.max(0, Math.floor(cx - reach)); x <= Math.min(w - 1, cx + reach); x++) {
        const a = peak * Math.exp(-((x + 0.5 - cx) ** 2 + (y + 0.5 - cy) ** 2) / (2 * r * r));
        const o = (y * w + x) * 3;
        for (let c = 0; c < 3; c++) data[o + c] = 1 - (1 - data[o + c]) * (1 - a);
      }
    }
  }
}

/** The clean image under one condition, reproducibly per seed. */
export function independentWeather(clean: RGBImage, condition: IndependentCondition, seed: number): RGBImage {
  const img = cloneImage(clean);
  const rng = new Rng(seed);
  const area = (img.width * img.height) / (256 * 256);
  switch (condition) {
    case 'light-haze':
      haze(img, 0.45, 0.85);
      break;
    case 'dense-haze':
      haze(img, 1.4, 0.9);
      break;
    case 'rain':
      streaks(img, rng, Math.round(260 * area), 22, rng.uniform(-15, 15), 0.45);
      break;
    case 'heavy-rain':
      haze(img, 0.5, 0.8);
      streaks(img, rng, Math.round(600 * area), 34, rng.uniform(-20, 20), 0.5);
      break;
    case 'fine-snow':
      dots(img, rng, 0.02, 0.5, 1);
      break;
    case 'coarse-snow':
      dots(img, rng, 0.05, 2, 4.5);
      break;
  }
  return img;
}
