import { test, expect } from './fixtures';
import { readFileSync } from 'node:fs';
import { unzipSync } from 'fflate';
import sharp from 'sharp';
import { makePair } from '../src/core/data/pairs';

test('a D4IR run from the page shows every phase, the prompt projection and synthesised pairs; a second run reuses its models', async ({
  page,
  pageErrors,
  offsite,
}) => {
  void pageErrors;
  void offsite;
  test.setTimeout(400_000);
  await page.goto('/#distill');
  await page.getByTestId('method-select').selectOption('d4ir');
  await page.getByTestId('run-preset').selectOption('quick');
  await page.getByTestId('run-steps').fill('30');
  // Small budgets: the machinery, not the quality, is under test here.
  for (const [name, value] of [
    ['adapterSteps', '20'],
    ['diffusionSteps', '20'],
    ['bankSize', '8'],
    ['samplerSteps', '6'],
  ]) {
    await page.getByTestId(`option-${name}`).fill(value);
  }
  // A photo of the user's joins the degraded pool; a broken file is refused with a message.
  const pair = makePair({ size: 96, seed: 4, weathers: ['haze'], source: 'scene' }, 0);
  const png = await sharp(Buffer.from(pair.degraded.data.map((v) => Math.round(v * 255))), { raw: { width: 96, height: 96, channels: 3 } })
    .png()
    .toBuffer();
  await page.getByTestId('pool-degraded-input').setInputFiles([
    { name: 'my-haze.png', mimeType: 'image/png', buffer: png },
    { name: 'broken.png', mimeType: 'image/png', buffer: Buffer.from('not a png') },
  ]);
  await expect(page.getByTestId('pool-degraded-count')).toHaveText('1');
  await expect(page.getByTestId('pool-error')).toContainText('broken.png');
  await page.reload();
  await expect(page.getByTestId('pool-degraded-count')).toHaveText('1');
  await page.getByTestId('run-start').click();

  const monitor = page.getByTestId('run-monitor');
  await expect(page.getByTestId('run-phases')).toContainText('Prompt adapter', { timeout: 120_000 });
  await expect(page.getByTestId('prompt-projection').locator('circle').first()).toBeVisible({ timeout: 120_000 });
  await expect(page.getByTestId('prompt-knn')).toHaveText(/^\d+%$/);
  await expect(page.getByTestId('prompt-projection')).toContainText('your photos');
  await expect(monitor).toHaveAttribute('data-state', 'completed', { timeout: 300_000 });
  for (const chart of ['chart-a', 'chart-d', 'chart-s', 'chart-loss', 'chart-psnr']) {
    expect(Number(await page.getByTestId(chart).getAttribute('data-points')), chart).toBeGreaterThan(0);
  }
  // The gallery ends on synthesised images: x~, the teacher's restoration, its clean source, the prompt image.
  await expect(page.getByTestId('train-gallery').locator('figure').first().locator('canvas')).toHaveCount(4);
  await expect(page.getByTestId('metric-psnr')).toHaveText(/^\d+\.\d\d$/);
  await page.screenshot({ path: test.info().outputPath('d4ir-run.png'), fullPage: true });

  // The synthesised bank: shown, and downloaded as a zip in the layout `weatherkd distill --out` writes.
  const bank = page.getByTestId('artifact-bank');
  await expect(bank).toContainText(/\d+ pairs/);
  await expect(bank.locator('canvas').first()).toBeVisible();
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('artifact-download-bank').click()]);
  expect(download.suggestedFilename()).toBe('bank.zip');
  const files = Object.keys(unzipSync(new Uint8Array(readFileSync(await download.path()))));
  expect(files).toContain('bank/input/0000.png');
  expect(files).toContain('bank/target/0000.png');
  expect(files).toContain('bank/captions.json');

  // Same settings again: the adapter and the diffusion model come from IndexedDB.
  await page.getByTestId('run-start').click();
  await expect(page.getByTestId('run-phases')).toContainText('reused from an earlier run', { timeout: 60_000 });
  await expect(monitor).toHaveAttribute('data-state', 'completed', { timeout: 300_000 });
});
