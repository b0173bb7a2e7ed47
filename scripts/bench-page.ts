// The page as a user meets it: how soon the first synthetic image appears after load, and the
// main thread's long tasks (over 50 ms) during a distillation run, with what ran in them.
//   npx tsx scripts/bench-page.ts [--reps 3] [--method dfl] [--steps 60] [--dev]
// Serves the production build (npm run build) as `npm start` does, or with --dev the dev server.
// Prints one JSON object: per rep, the first image's time and the run's long tasks; medians.
import { parseArgs } from 'node:util';
import { chromium } from '@playwright/test';
import { CHROMIUM_LAUNCH } from '../e2e/chromium';
import { createServer, preview } from 'vite';

const { values } = parseArgs({
  options: {
    reps: { type: 'string', default: '3' },
    method: { type: 'string', default: 'dfl' },
    steps: { type: 'string', default: '60' },
    dev: { type: 'boolean', default: false },
    port: { type: 'string', default: '5192' },
  },
});

declare global {
  interface Window {
    __tasks: { start: number; duration: number }[];
    __frames: { start: number; duration: number; scripts: string[] }[];
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1] ?? null;

async function main() {
  const port = Number(values.port);
  const server = values.dev
    ? await (await createServer({ logLevel: 'silent', server: { host: '127.0.0.1', port, strictPort: true } })).listen()
    : await preview({ logLevel: 'silent', preview: { host: '127.0.0.1', port, strictPort: true } });
  const browser = await chromium.launch(CHROMIUM_LAUNCH);
  const reps = [];
  try {
    for (let i = 0; i < Number(values.reps); i++) {
      // A fresh context each time: no cached script, no stored runs.
      const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
      const page = await context.newPage();
      await page.addInitScript(() => {
        window.__tasks = [];
        window.__frames = [];
        new PerformanceObserver((l) => l.getEntries().forEach((e) => window.__tasks.push({ start: e.startTime, duration: e.duration }))).observe({
          type: 'longtask',
          buffered: true,
        });
        // Long animation frames name the scripts that ran in them (Chromium 123 and later).
        new PerformanceObserver((l) =>
          l.getEntries().forEach((e) => {
            const scripts = ((e as unknown as { scripts?: { duration: number; invoker: string; sourceFunctionName: string }[] }).scripts ?? []).map(
              (s) => `${Math.round(s.duration)} ms ${s.invoker}${s.sourceFunctionName ? ` (${s.sourceFunctionName})` : ''}`,
            );
            window.__frames.push({ start: e.startTime, duration: e.duration, scripts });
          }),
        ).observe({ type: 'long-animation-frame', buffered: true });
      });
      await page.goto(`http://127.0.0.1:${port}/#data`);
      // A canvas keeps the default 300 px width until its first image is painted (src/ui/paint.ts).
      const firstImage = await (
        await page.waitForFunction(
          () => {
            const c = document.querySelector<HTMLCanvasElement>('[data-testid="data-degraded"]');
            return c && c.width !== 300 ? performance.now() : false;
          },
          null,
          { polling: 'raf', timeout: 60_000 },
        )
      ).jsonValue();

      await page.getByRole('tab', { name: 'Distill' }).click();
      await page.getByTestId('method-select').selectOption(values.method!);
      await page.getByTestId('run-preset').selectOption('quick');
      await page.getByTestId('run-steps').fill(values.steps!);
      const runStart = await page.evaluate(() => performance.now());
      await page.getByTestId('run-start').click();
      await page.locator('[data-testid="run-monitor"][data-state="completed"]').waitFor({ timeout: 600_000 });
      const runEnd = await page.evaluate(() => performance.now());
      const { tasks, frames } = await page.evaluate(() => ({ tasks: window.__tasks, frames: window.__frames }));
      const during = tasks.filter((t) => t.start >= runStart && t.start <= runEnd);
      const rep = {
        first_image_ms: Math.round(firstImage as number),
        load_long_tasks_ms: tasks.filter((t) => t.start < (firstImage as number)).map((t) => Math.round(t.duration)),
        run_seconds: Math.round(runEnd - runStart) / 1000,
        run_long_tasks_ms: during.map((t) => Math.round(t.duration)),
        run_longest_ms: Math.round(Math.max(0, ...during.map((t) => t.duration))),
        run_long_frames: frames
          .filter((f) => f.start >= runStart && f.start <= runEnd && f.duration > 50)
          .map((f) => ({ at_s: Math.round(f.start - runStart) / 1000, ms: Math.round(f.duration), scripts: f.scripts })),
      };
      process.stderr.write(`rep ${i + 1}: first image ${rep.first_image_ms} ms; run long tasks ${JSON.stringify(rep.run_long_tasks_ms)}\n`);
      reps.push(rep);
      await context.close();
    }
  } finally {
    await browser.close();
    await server.close();
  }
  console.log(
    JSON.stringify({
      build: values.dev ? 'dev' : 'production',
      method: values.method,
      steps: Number(values.steps),
      median_first_image_ms: median(reps.map((r) => r.first_image_ms)),
      median_run_longest_ms: median(reps.map((r) => r.run_longest_ms)),
      reps,
    }),
  );
}

main().catch((e) => {
  console.error(String(e));
  process.exit(1);
});
