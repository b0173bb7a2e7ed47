// Restoring one photo in the real page, per backend, timed as the page reports it.
//   npx tsx scripts/bench-restore-browser.ts [--size 1024|4000x3000] [--backends wasm,webgpu] [--threads 1,2] [--reps 3]
// Needs a production build (npm run build) and Debian's Chromium. Prints one JSON object; with
// several --threads (WASM only), one result per count, so their ratio is measured in one run.
import { parseArgs } from 'node:util';
import sharp from 'sharp';
import { chromium } from '@playwright/test';
import { CHROMIUM_LAUNCH } from '../e2e/chromium';
import { preview } from 'vite';
import { makePair } from '../src/core/data/pairs';

const { values } = parseArgs({
  options: {
    size: { type: 'string', default: '1024' },
    backends: { type: 'string', default: 'wasm,webgpu' },
    reps: { type: 'string', default: '3' },
    threads: { type: 'string', default: '' },
    port: { type: 'string', default: '5191' },
  },
});
const [width, height = width] = values.size!.split('x').map(Number);
const reps = Number(values.reps);
const threadCounts = values.threads ? values.threads.split(',').map(Number) : [null];

async function main() {
  // Vite's own API, so that closing it stops the server (killing an "npx vite" child left vite running).
  const server = await preview({ logLevel: 'silent', preview: { host: '127.0.0.1', port: Number(values.port), strictPort: true } });
  const browser = await chromium.launch(CHROMIUM_LAUNCH);
  // A square synthetic photo, resized to the asked shape (the weather generator makes squares).
  const pair = makePair({ size: Math.max(width, height), seed: 3, weathers: ['rain'], source: 'scene' }, 0);
  const side = Math.max(width, height);
  const png = await sharp(Buffer.from(pair.degraded.data.map((v) => Math.round(v * 255))), { raw: { width: side, height: side, channels: 3 } })
    .resize(width, height, { fit: 'cover' })
    .png()
    .toBuffer();
  const results = [];
  try {
    const runs = values.backends!.split(',').flatMap((backend) => (backend === 'wasm' ? threadCounts : [null]).map((threads) => ({ backend, threads })));
    for (const { backend, threads } of runs) {
      const page = await browser.newPage();
      await page.goto(`http://127.0.0.1:${values.port}/?backend=${backend}${threads ? `&threads=${threads}` : ''}#restore`);
      await page.getByTestId('model-summary').waitFor({ timeout: 120_000 });
      const device = await page.getByTestId('backend-status').textContent();
      const times: number[] = [];
      for (let i = 0; i < reps; i++) {
        await page.getByTestId('upload-input').setInputFiles({ name: `photo-${i}.png`, mimeType: 'image/png', buffer: png });
        const card = page.locator(`[data-testid="photo-card"][data-status="done"]`).nth(0);
        await card.waitFor({ timeout: 1_200_000 });
        const text = await card.locator('.hint').first().textContent();
        times.push(Number(/restored in ([\d.]+) s/.exec(text ?? '')?.[1]) * 1000);
        process.stderr.write(`${backend}${threads ? ` ${threads} threads` : ''}: ${times.at(-1)} ms\n`);
        await card.getByRole('button', { name: /Remove/ }).click();
      }
      times.sort((a, b) => a - b);
      const median = times[times.length >> 1];
      const flopsPerPixel = Number(await page.getByTestId('model-summary').getAttribute('data-flops-per-pixel'));
      const gflops = flopsPerPixel ? Math.round(((width * height * flopsPerPixel) / (median / 1000) / 1e9) * 10) / 10 : null;
      results.push({ backend, threads, device, width, height, reps, median_ms: median, all_ms: times, photo_gflop_per_s: gflops });
      await page.close();
    }
  } finally {
    await browser.close();
    await server.close();
  }
  console.log(JSON.stringify({ model: 'teacher', results }));
}

main().catch((e) => {
  console.error(String(e));
  process.exit(1);
});
