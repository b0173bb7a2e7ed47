// The user's photos as a clean source: random crops at random zoom, with a depth prior.

import type { CleanSource } from './clean.ts';
import { clamp01 } from './colour.ts';
import { boxBlur, smoothstep } from './filters.ts';
import { createImage, downscale2x, type RGBImage } from './image.ts';
import { Rng } from './rng.ts';

export interface UserSourceOptions {
  /** Source pixels per output pixel, drawn log-uniformly in [minZoom, maxZoom] (default 1..3). */
  minZoom?: number;
  maxZoom?: number;
  /** Random horizontal flips (default true). */
  flip?: boolean;
}

/**
 * A clean source from the user's photos: random crops at random zoom (so one photo yields many
 * distinct patches). A photo has no depth map, so depth is a prior: the top of the photo is
 * farther, and bright, unsaturated regions high in the frame (sky, distant haze) are far.
 */
export function userImageSource(images: RGBImage | readonly RGBImage[], opts: UserSourceOptions = {}): CleanSource {
  const list: readonly RGBImage[] = Array.isArray(images) ? images : [images as RGBImage];
  if (list.length === 0) throw new Error('userImageSource: no images');
  const minZoom = Math.max(opts.minZoom ?? 1, 1e-3);
  const maxZoom = Math.max(opts.maxZoom ?? 3, minZoom);
  const flip = opts.flip ?? true;
  // Mip pyramids, built lazily once per photo: sampling from the level just below the zoom keeps
  // bilinear resampling from aliasing.
  const pyramids: RGBImage[][] = list.map((img) => [img]);
  const level = (p: RGBImage[], l: number): RGBImage => {
    while (p.length <= l) p.push(downscale2x(p[p.length - 1]));
    return p[l];
  };

  return {
    name: 'user',
    generate(width, height, seed) {
      const rng = new Rng(seed);
      const idx = rng.int(0, list.length);
      const img = list[idx];
      const fit = Math.min(img.width / width, img.height / height);
      let zoom = rng.logUniform(minZoom, maxZoom * 1.0000001);
      if (zoom > fit) zoom = fit; // an image too small is upsampled to cover the crop
      // Whole-pixel origins: at zoom 1 a crop is an exact copy, not a resampled one.
      const x0 = rng.int(0, Math.floor(Math.max(0, img.width - width * zoom)) + 1);
      const y0 = rng.int(0, Math.floor(Math.max(0, img.height - height * zoom)) + 1);
      const mirrored = flip && rng.bool();
      const l = Math.max(0, Math.min(Math.floor(Math.log2(Math.max(zoom, 1))), 12));
      const src = level(pyramids[idx], l);
      const sc = 1 / (1 << l);
      const out = createImage(width, height);
      const depth = new Float32Array(width * height);
      const sw = src.width;
      const sh = src.height;
      const s = src.data;
      for (let y = 0; y < height; y++) {
        const fyFull = y0 + (y + 0.5) * zoom;
        const fy = Math.min(Math.max(fyFull * sc - 0.5, 0), sh - 1);
        const ya = Math.floor(fy);
        const yb = Math.min(ya + 1, sh - 1);
        const ty = fy - ya;
        const vertical = 0.1 + 0.9 * Math.pow(1 - Math.min(fyFull / img.height, 1), 0.7);
        for (let x = 0; x < width; x++) {
          const xx = mirrored ? width - 1 - x : x;
          const fx = Math.min(Math.max((x0 + (xx + 0.5) * zoom) * sc - 0.5, 0), sw - 1);
          const xa = Math.floor(fx);
          const xb = Math.min(xa + 1, sw - 1);
          const tx = fx - xa;
          const o = (y * width + x) * 3;
          const a = (ya * sw + xa) * 3;
          const b = (ya * sw + xb) * 3;
          const c = (yb * sw + xa) * 3;
          const d = (yb * sw + xb) * 3;
          let mx = 0;
          let mn = 1;
          let sum = 0;
          for (let ch = 0; ch < 3; ch++) {
            const top = s[a + ch] + (s[b + ch] - s[a + ch]) * tx;
            const bot = s[c + ch] + (s[d + ch] - s[c + ch]) * tx;
            const v = clamp01(top + (bot - top) * ty);
            out.data[o + ch] = v;
            mx = v > mx ? v : mx;
            mn = v < mn ? v : mn;
            sum += v;
          }
          const skyness = smoothstep(0.55, 0.85, sum / 3) * (1 - smoothstep(0.1, 0.4, mx - mn));
          depth[y * width + x] = Math.max(vertical, skyness * vertical * 1.4);
        }
      }
      for (let i = 0; i < depth.length; i++) depth[i] = clamp01(depth[i]);
      // Depth varies slowly: smooth away texture that leaked in through the sky cue.
      boxBlur(depth, width, height, 1, Math.max(1, Math.round(Math.min(width, height) / 24)));
      return { image: out, depth };
    },
  };
}
