// Training speed in the real page's distill worker, per backend (and per WASM thread count), in
// the JSON shape of `npm run bench`:
//   npx tsx scripts/bench-train-browser.ts [--backends wasm,webgl,webgpu] [--threads 1,2] [--models conv3x3-32,student-10] [--steps 5]
// Needs a production build (npm run build) and Debian's Chromium. A backend the page cannot start
// (or falls back from) is listed under `skipped` with the page's reason.
import os from 'node:os';
import { parseArgs } from 'node:util';
import { chromium } from '@playwright/test';
import { CHROMIUM_LAUNCH } from '../e2e/chromium';
import { preview } from 'vite';
import { BENCH_MODELS, type Result } from '../src/core/bench/train-speed';

const { values } = parseArgs({
  options: {
    backends: { type: 'string', default: 'wasm,webgl,webgpu' },
    threads: { type: 'string', default: '' },
    models: { type: 'string', default: BENCH_MODELS.join(',') },
    steps: { type: 'string', default: '5' },
    port: { type: 'string', default: '5192' },
  },
});
const threadCounts = values.threads ? values.threads.split(',').map(Number) : [null];
const models = values.models!.split(',');
for (const m of models) if (!BENCH_MODELS.includes(m)) throw new Error(`unknown model "${m}"`);

async function main() {
  const server = await preview({ logLevel: 'silent', preview: { host: '127.0.0.1', port: Number(values.port), strictPort: true } });
  const browser = await chromium.launch(CHROMIUM_LAUNCH);
  const results: (Result & { threads: number | null; device: string })[] = [];
  const skipped: { backend: string; reason: string }[] = [];
  try {
    const runs = values.backends!.split(',').flatMap((backend) => (backend === 'wasm' ? threadCounts : [null]).map((threads) => ({ backend, threads })));
    for (const { backend, threads } of runs) {
      const page = await browser.newPage();
      await page.goto(`http://127.0.0.1:${values.port}/?bench&backend=${backend}${threads ? `&threads=${threads}` : ''}#data`);
      await page.waitForFunction(() => window.weatherkdBench !== undefined);
      await page.evaluate(() => window.weatherkdBench!.train([], 0)); // waits for the worker's backend
      const status = (await page.getByTestId('backend-status').textContent()) ?? '';
      for (const model of models) {
        process.stderr.write(`${backend}${threads ? ` ${threads} threads` : ''} ${model}\n`);
        const [r] = await page.evaluate(([m, n]) => window.weatherkdBench!.train([m as string], n as number), [model, Number(values.steps)]);
        if (r.backend !== backend) {
          skipped.push({ backend, reason: `the page ran ${r.backend} instead (${status})` });
          break;
        }
        results.push({ ...r, threads, device: status });
        process.stderr.write(`  ${r.train_steps_per_s} steps/s, ${r.train_gflops} GFLOP/s training, ${r.forward_gflops} GFLOP/s forward\n`);
      }
      await page.close();
    }
  } finally {
    await browser.close();
    await server.close();
  }
  const out = {
    machine: { cpu: os.cpus()[0]?.model ?? 'unknown', cores: os.cpus().length, browser: browser.version() },
    results,
    pytorch_reference: { model: 'conv3x3-32', train_gflops: 145, note: 'PyTorch, same two cores (docs/tools.md)' },
    skipped,
  };
  console.log(JSON.stringify(out));
}

main().catch((e) => {
  console.error(String(e));
  process.exit(1);
});
