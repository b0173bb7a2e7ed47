import { test, expect } from './fixtures';

test('a D4IR run from the page shows every phase, the prompt projection and synthesised pairs; a second run reuses its models', async ({ page, pageErrors, offsite }) => {
  void pageErrors;
  void offsite;
  test.setTimeout(400_000);
  await page.goto('/#distill');
  await page.getByTestId('method-select').selectOption('d4ir');
  await page.getByTestId('run-preset').selectOption('quick');
  await page.getByTestId('run-steps').fill('30');
  // Small budgets: the machinery, not the quality, is under test here.
  for (const [name, value] of [['adapterSteps', '20'], ['diffusionSteps', '20'], ['bankSize', '8'], ['samplerSteps', '6']]) {
    await page.getByTestId(`option-${name}`).fill(value);
  }
  await page.getByTestId('run-start').click();

  const monitor = page.getByTestId('run-monitor');
  await expect(page.getByTestId('run-phases')).toContainText('Prompt adapter', { timeout: 120_000 });
  await expect(page.getByTestId('prompt-projection').locator('circle').first()).toBeVisible({ timeout: 120_000 });
  await expect(page.getByTestId('prompt-knn')).toHaveText(/^\d+%$/);
  await expect(monitor).toHaveAttribute('data-state', 'completed', { timeout: 300_000 });
  for (const chart of ['chart-a', 'chart-d', 'chart-s', 'chart-loss', 'chart-psnr']) {
    expect(Number(await page.getByTestId(chart).getAttribute('data-points')), chart).toBeGreaterThan(0);
  }
  // The gallery ends on synthesised images: x~, the teacher's restoration, its clean source, the prompt image.
  await expect(page.getByTestId('train-gallery').locator('figure').first().locator('canvas')).toHaveCount(4);
  await expect(page.getByTestId('metric-psnr')).toHaveText(/^\d+\.\d\d$/);
  await page.screenshot({ path: test.info().outputPath('d4ir-run.png'), fullPage: true });

  // Same settings again: the adapter and the diffusion model come from IndexedDB.
  await page.getByTestId('run-start').click();
  await expect(page.getByTestId('run-phases')).toContainText('reused from an earlier run', { timeout: 60_000 });
  await expect(monitor).toHaveAttribute('data-state', 'completed', { timeout: 300_000 });
});
