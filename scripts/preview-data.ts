// Writes PNG previews of the clean sources and every weather type to /tmp/data-preview (or the
// folder given as the first argument), as grids, for eyeballing the synthesis.
//   npx tsx scripts/preview-data.ts [outDir] [size]
import { mkdirSync } from 'node:fs';
import sharp from 'sharp';
import { existsSync } from 'node:fs';
import type { CleanSample } from '../src/core/data/clean.ts';
import { renderDeadLeaves } from '../src/core/data/dead-leaves.ts';
import { userImageSource } from '../src/core/data/photo-source.ts';
import { renderScene } from '../src/core/data/scene.ts';
import { batchItem, type RGBImage } from '../src/core/data/image.ts';
import { makePairBatch } from '../src/core/data/pairs.ts';
import { synthesizeWeather, WEATHER_TYPES } from '../src/core/data/weather.ts';

const outDir = process.argv[2] ?? '/tmp/data-preview';
const size = Number(process.argv[3] ?? 256);
mkdirSync(outDir, { recursive: true });

/** Tiles images (all the same size) into a grid with a 2-pixel gap, cols per row. */
function grid(images: RGBImage[], cols: number): RGBImage {
  const { width: w, height: h } = images[0];
  const gap = 2;
  const rows = Math.ceil(images.length / cols);
  const W = cols * w + (cols - 1) * gap;
  const H = rows * h + (rows - 1) * gap;
  const data = new Float32Array(W * H * 3).fill(1);
  images.forEach((img, k) => {
    const ox = (k % cols) * (w + gap);
    const oy = Math.floor(k / cols) * (h + gap);
    for (let y = 0; y < h; y++) data.set(img.data.subarray(y * w * 3, (y + 1) * w * 3), ((oy + y) * W + ox) * 3);
  });
  return { width: W, height: H, data };
}

function depthImage(s: CleanSample): RGBImage {
  const { width, height } = s.image;
  const data = new Float32Array(width * height * 3);
  for (let i = 0; i < width * height; i++) data[i * 3] = data[i * 3 + 1] = data[i * 3 + 2] = s.depth[i];
  return { width, height, data };
}

async function writePng(img: RGBImage, path: string): Promise<void> {
  const buf = Buffer.alloc(img.width * img.height * 3);
  for (let i = 0; i < buf.length; i++) buf[i] = Math.round(Math.min(Math.max(img.data[i], 0), 1) * 255);
  await sharp(buf, { raw: { width: img.width, height: img.height, channels: 3 } })
    .png()
    .toFile(path);
}

const scenes = [0, 1, 2, 3, 4, 5, 6, 7].map((s) => renderScene(size, size, s));
await writePng(grid([...scenes.map((s) => s.image), ...scenes.map(depthImage)], 8), `${outDir}/clean-scene.png`);
const leaves = [0, 1, 2, 3].map((s) => renderDeadLeaves(size, size, s));
await writePng(grid([...leaves.map((s) => s.image), ...leaves.map(depthImage)], 4), `${outDir}/clean-dead-leaves.png`);

/** A user photo for the third row, when the shared real-image folder is there. */
async function readPhoto(path: string): Promise<RGBImage> {
  const { data, info } = await sharp(path).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  const out = new Float32Array(info.width * info.height * 3);
  for (let i = 0; i < out.length; i++) out[i] = data[i] / 255;
  return { width: info.width, height: info.height, data: out };
}
const kodak = '../shared/data/kodak24/clean/kodim23.png';
const rows: CleanSample[] = [scenes[1], scenes[4], leaves[0]];
if (existsSync(kodak)) rows.push(userImageSource(await readPhoto(kodak), { minZoom: 1.5, maxZoom: 1.5 }).generate(size, size, 3));

// Per weather: rows are clean sources, columns the clean image then rising severity.
const severities = [0.1, 0.4, 0.7, 1];
const summary: Record<string, unknown[]> = {};
for (const weather of WEATHER_TYPES) {
  const tiles: RGBImage[] = [];
  summary[weather] = [];
  for (const [k, src] of rows.entries()) {
    tiles.push(src.image);
    for (const [j, severity] of severities.entries()) {
      const res = synthesizeWeather(weather, src.image, src.depth, 100 * k + j, { severity });
      tiles.push(res.image);
      if (k === 0) summary[weather].push(res.params);
    }
  }
  await writePng(grid(tiles, severities.length + 1), `${outDir}/weather-${weather}.png`);
}

// A training batch at 64x64: degraded above clean.
const batch = makePairBatch({ n: 12, size: 64, seed: 7 });
const items = Array.from({ length: batch.degraded.n }, (_, i) => batchItem(batch.degraded, i));
const cleans = Array.from({ length: batch.clean.n }, (_, i) => batchItem(batch.clean, i));
await writePng(grid([...items, ...cleans], 12), `${outDir}/batch-64.png`);
if (process.env.VERBOSE) console.log(JSON.stringify(summary, null, 1));
console.log(`wrote previews to ${outDir}: ${batch.weather.join(' ')}`);
