// Restoring one photo in the real page, per backend, timed as the page reports it.
//   npx tsx scripts/bench-restore-browser.ts [--size 1024] [--backends wasm,webgpu] [--model teacher] [--reps 3]
// Needs a production build (npm run build) and Debian's Chromium. Prints one JSON object.
import { parseArgs } from 'node:util';
import sharp from 'sharp';
import { chromium } from '@playwright/test';
import { preview } from 'vite';
import { makePair } from '../src/core/data/pairs';

const { values } = parseArgs({
  options: {
    size: { type: 'string', default: '1024' },
    backends: { type: 'string', default: 'wasm,webgpu' },
    reps: { type: 'string', default: '3' },
    port: { type: 'string', default: '5191' },
  },
});
const size = Number(values.size);
const reps = Number(values.reps);

async function main() {
  // Vite's own API, so that closing it stops the server (killing an "npx vite" child left vite running).
  const server = await preview({ logLevel: 'silent', preview: { host: '127.0.0.1', port: Number(values.port), strictPort: true } });
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
    args: ['--no-sandbox', '--enable-unsafe-webgpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
  const pair = makePair({ size, seed: 3, weathers: ['rain'], source: 'scene' }, 0);
  const png = await sharp(Buffer.from(pair.degraded.data.map((v) => Math.round(v * 255))), { raw: { width: size, height: size, channels: 3 } })
    .png()
    .toBuffer();
  const results = [];
  try {
    for (const backend of values.backends!.split(',')) {
      const page = await browser.newPage();
      await page.goto(`http://127.0.0.1:${values.port}/?backend=${backend}#restore`);
      await page.getByTestId('model-summary').waitFor({ timeout: 120_000 });
      const device = await page.getByTestId('backend-status').textContent();
      const times: number[] = [];
      for (let i = 0; i < reps; i++) {
        await page.getByTestId('upload-input').setInputFiles({ name: `photo-${i}.png`, mimeType: 'image/png', buffer: png });
        const card = page.locator(`[data-testid="photo-card"][data-status="done"]`).nth(0);
        await card.waitFor({ timeout: 1_200_000 });
        const text = await card.locator('.hint').first().textContent();
        times.push(Number(/restored in ([\d.]+) s/.exec(text ?? '')?.[1]) * 1000);
        process.stderr.write(`${backend}: ${times.at(-1)} ms\n`);
        await card.getByRole('button', { name: /Remove/ }).click();
      }
      times.sort((a, b) => a - b);
      results.push({ backend, device, width: size, height: size, reps, median_ms: times[times.length >> 1], all_ms: times });
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
