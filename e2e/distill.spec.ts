import { readFileSync } from 'node:fs';
import { test, expect } from './fixtures';
import sharp from 'sharp';
import { makePair } from '../src/core/data/pairs';
import { unpackModelZip } from '../src/core/models/model-zip';

declare global {
  interface Window {
    __longTasks: number[];
  }
}

test('a DFL run from the page streams curves and samples, pauses, continues after a reload from its checkpoint, and its student restores a photo', async ({
  page,
  pageErrors,
  offsite,
}) => {
  void pageErrors;
  void offsite;
  test.setTimeout(400_000);
  // Main-thread long tasks (> 50 ms) while the worker trains: the page must stay responsive.
  await page.addInitScript(() => {
    window.__longTasks = [];
    new PerformanceObserver((list) => list.getEntries().forEach((e) => window.__longTasks.push(e.duration))).observe({ type: 'longtask', buffered: false });
  });
  await page.goto('/#distill');
  await page.getByTestId('method-select').selectOption('dfl');
  await page.getByTestId('run-preset').selectOption('quick');
  await page.getByTestId('run-steps').fill('80');
  await page.getByTestId('run-start').click();

  const monitor = page.getByTestId('run-monitor');
  await expect(monitor).toHaveAttribute('data-state', 'running', { timeout: 120_000 });
  await expect.poll(async () => Number(await page.getByTestId('chart-loss').getAttribute('data-points')), { timeout: 120_000 }).toBeGreaterThan(5);
  await expect(page.getByTestId('train-gallery').locator('canvas').first()).toBeVisible({ timeout: 120_000 });

  // Pause: the step counter stands still; resume: it moves again.
  await page.getByTestId('run-pause').click();
  await expect(monitor).toHaveAttribute('data-state', 'paused');
  const pausedAt = await page.getByTestId('run-step').textContent();
  await page.waitForTimeout(2500);
  await expect(page.getByTestId('run-step')).toHaveText(pausedAt!);
  await page.getByTestId('run-pause').click();
  await expect(monitor).toHaveAttribute('data-state', 'running');
  await expect(page.getByTestId('run-step')).not.toHaveText(pausedAt!, { timeout: 60_000 });

  // Paused again (which keeps a checkpoint), then the page goes away: the run continues from there.
  await page.getByTestId('run-pause').click();
  await expect(monitor).toHaveAttribute('data-state', 'paused');
  const checkpointAt = Number(await page.getByTestId('run-step').textContent());
  await page.reload();
  await expect(monitor).toHaveAttribute('data-state', 'interrupted');
  await expect(page.getByTestId('run-continue')).toHaveText(`Continue from step ${checkpointAt}`);
  await page.getByTestId('run-continue').click();
  await expect(monitor).toHaveAttribute('data-state', 'running', { timeout: 120_000 });
  await expect.poll(async () => Number(await page.getByTestId('run-step').textContent()), { timeout: 60_000 }).toBeGreaterThan(checkpointAt);
  await page.evaluate(() => (window.__longTasks = []));
  const continuedAt = Date.now();

  await expect(monitor).toHaveAttribute('data-state', 'completed', { timeout: 300_000 });
  await expect(page.getByTestId('run-continue')).toHaveCount(0);
  const runSeconds = (Date.now() - continuedAt) / 1000;
  const longTasks = await page.evaluate(() => window.__longTasks);
  const blocked = longTasks.reduce((a, b) => a + b, 0) / 1000;
  console.log(
    `run ${runSeconds.toFixed(1)} s; main-thread long tasks: ${longTasks.length}, longest ${Math.max(0, ...longTasks).toFixed(0)} ms, ${blocked.toFixed(2)} s in total`,
  );
  // The target is none over 50 ms; on this 2-core machine the worker's threads take both cores and
  // some tasks still stretch past it (README, Responsiveness), more on the dev server's React build.
  expect(Math.max(0, ...longTasks)).toBeLessThan(test.info().project.name === 'prod' ? 100 : 150);
  expect(blocked / runSeconds).toBeLessThan(0.15);
  await expect(page.getByTestId('eval-grid').locator('canvas').first()).toBeVisible();
  const psnr = Number(await page.getByTestId('metric-psnr').textContent());
  expect(psnr).toBeGreaterThan(10);

  // A reload keeps the run, its curves and its score.
  await page.reload();
  await expect(page.getByTestId('run-monitor')).toHaveAttribute('data-state', 'completed');
  await expect(page.getByTestId('metric-psnr')).toHaveText(psnr.toFixed(2));
  expect(Number(await page.getByTestId('chart-psnr').getAttribute('data-points'))).toBeGreaterThan(0);
  // Hovering a chart shows the step and each curve's value there.
  const lossChart = page.getByTestId('chart-loss');
  await lossChart.locator('.u-over').hover();
  await expect(lossChart.locator('.u-legend .u-value').first()).toHaveText(/^\d+$/);
  await expect(lossChart.locator('.u-legend .u-value').nth(1)).toHaveText(/\d/);

  // Its student restores an uploaded photo.
  await page.getByRole('button', { name: 'Restore photos with this student' }).click();
  await expect(page.getByTestId('model-select')).toHaveValue(/^student-/);
  const pair = makePair({ size: 128, seed: 9, weathers: ['rain'], source: 'scene' }, 0);
  const bytes = Buffer.from(pair.degraded.data.map((v) => Math.round(v * 255)));
  const png = await sharp(bytes, { raw: { width: 128, height: 128, channels: 3 } })
    .png()
    .toBuffer();
  await page.getByTestId('upload-input').setInputFiles({ name: 'rain.png', mimeType: 'image/png', buffer: png });
  await expect(page.getByTestId('restored-image')).toBeVisible({ timeout: 60_000 });
  await page.screenshot({ path: test.info().outputPath('distill-restore.png'), fullPage: true });
  // The same photo restored by the teacher too, side by side, and both scored against its clean version.
  await page.getByTestId('restore-compare-model').selectOption({ label: 'Teacher (shipped)' });
  await page.getByTestId('restore-compare').click();
  await expect(page.getByTestId('restore-side-by-side')).toBeVisible({ timeout: 60_000 });
  const cleanPng = await sharp(Buffer.from(pair.clean.data.map((v) => Math.round(v * 255))), { raw: { width: 128, height: 128, channels: 3 } })
    .png()
    .toBuffer();
  await page.getByTestId('restore-clean-input').setInputFiles({ name: 'rain-clean.png', mimeType: 'image/png', buffer: cleanPng });
  const rows = page.getByTestId('restore-scores').locator('tbody tr');
  await expect(rows).toHaveCount(3, { timeout: 60_000 });
  const psnrOf = async (i: number) => Number(await rows.nth(i).locator('td').nth(1).textContent());
  expect(await psnrOf(2), 'the teacher beats the rainy upload').toBeGreaterThan(await psnrOf(0));
  await page.screenshot({ path: test.info().outputPath('restore-two-models.png'), fullPage: true });

  // The student downloads as one .zip, which the model picker loads back.
  await page.goto('/#distill');
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('student-download').click()]);
  expect(download.suggestedFilename()).toMatch(/-student\.zip$/);
  const zip = new Uint8Array(readFileSync(await download.path()));
  expect(unpackModelZip(zip).weights.byteLength).toBeGreaterThan(1000);
  await page.goto('/#restore');
  await page.getByTestId('model-files-input').setInputFiles({ name: download.suggestedFilename(), mimeType: 'application/zip', buffer: Buffer.from(zip) });
  await expect(page.getByTestId('model-select')).toHaveValue(/^uploaded-/, { timeout: 60_000 });
});
