// weatherkd metrics RESTORED REFERENCE [--json]: PSNR and SSIM (RGB and BT.601 Y) of one image
// against its reference, with the conventions of docs/metrics.md.

import type { RGBImage } from '../../core/data/image';
import { SSIM_WIN, type ImageScores } from '../../core/metrics/common';
// The plain-array metrics only: loading tfjs here would slow every CLI start for nothing.
import { scoreImages } from '../../core/metrics/image-metrics';
import { CliError, defineCommand } from '../command';
import { ImageIOError, readImage } from '../image-io';

/** JSON has no Infinity: an infinite PSNR (identical images) is written as the string "Infinity". */
export function scoresToJson(scores: ImageScores): Record<keyof ImageScores, number | 'Infinity'> {
  const out = {} as Record<keyof ImageScores, number | 'Infinity'>;
  for (const [k, v] of Object.entries(scores) as [keyof ImageScores, number][]) {
    out[k] = v === Infinity ? 'Infinity' : v;
  }
  return out;
}

async function read(path: string): Promise<RGBImage> {
  try {
    return await readImage(path);
  } catch (err) {
    if (err instanceof ImageIOError) throw new CliError(err.message);
    throw err;
  }
}

const fmtDb = (v: number): string => (v === Infinity ? 'inf dB (identical)' : `${v.toFixed(4)} dB`);

export const metricsCommand = defineCommand({
  name: 'metrics',
  summary: 'PSNR and SSIM (RGB and Y) of a restored image against its reference',
  positionals: ['RESTORED', 'REFERENCE'],
  description: [
    'PSNR and SSIM of RESTORED against REFERENCE (PNG, JPEG, WebP or BMP, same size), on RGB and',
    'on the BT.601 Y channel as BasicSR. SSIM follows scikit-image structural_similarity with',
    'data_range=1, an 11x11 Gaussian window (sigma 1.5) and population covariance; RGB SSIM is the',
    'mean over the channels. Identical images have an infinite PSNR ("Infinity" in JSON).',
  ].join('\n'),
  options: {
    json: { type: 'boolean', description: 'print one JSON object {"psnr","ssim","psnr_y","ssim_y"}' },
  },
  async run({ values, positionals: [restoredPath, referencePath] }, io) {
    const [restored, reference] = await Promise.all([read(restoredPath), read(referencePath)]);
    if (restored.width !== reference.width || restored.height !== reference.height) {
      throw new CliError(
        `image sizes differ: ${restoredPath} is ${restored.width}x${restored.height}, ` + `${referencePath} is ${reference.width}x${reference.height}`,
      );
    }
    if (restored.width < SSIM_WIN || restored.height < SSIM_WIN) {
      throw new CliError(`images are ${restored.width}x${restored.height}; SSIM needs at least ${SSIM_WIN}x${SSIM_WIN} pixels`);
    }
    const scores = scoreImages(restored, reference);
    if (values.json) {
      io.stdout.write(`${JSON.stringify(scoresToJson(scores))}\n`);
      return;
    }
    io.stdout.write(
      [
        `restored   ${restoredPath} (${restored.width}x${restored.height})`,
        `reference  ${referencePath}`,
        `PSNR  RGB ${fmtDb(scores.psnr)}   Y ${fmtDb(scores.psnr_y)}`,
        `SSIM  RGB ${scores.ssim.toFixed(6)}   Y ${scores.ssim_y.toFixed(6)}`,
        '',
      ].join('\n'),
    );
  },
});
