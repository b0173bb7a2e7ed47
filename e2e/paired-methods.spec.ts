import { test, expect } from './fixtures';

// DCKD and SLKD, the two methods that need the clean-image autoencoder as a second frozen model:
// each runs from the page with its own curves and gallery, and both students are then in the Restore view.
test('DCKD and SLKD run from the page with their own curves and galleries; both students are then in the Restore view', async ({
  page,
  pageErrors,
  offsite,
}) => {
  void pageErrors;
  void offsite;
  test.setTimeout(400_000);
  await page.goto('/#distill');
  const monitor = page.getByTestId('run-monitor');
  const runs = [
    { method: 'dckd', chart: 'chart-contrast', columns: 10 },
    { method: 'slkd', chart: 'chart-features', columns: 8 },
  ];
  for (const { method, chart, columns } of runs) {
    await page.getByTestId('method-select').selectOption(method);
    await page.getByTestId('run-preset').selectOption('quick');
    await page.getByTestId('run-steps').fill('12');
    await page.getByTestId('run-start').click();
    // The monitor shows the new run, not the one before it, until this one completes.
    await expect(monitor).not.toHaveAttribute('data-state', 'completed');
    await expect(monitor).toContainText(method.toUpperCase());
    await expect(monitor).toHaveAttribute('data-state', 'completed', { timeout: 300_000 });
    for (const id of [chart, 'chart-loss', 'chart-psnr']) {
      expect(Number(await page.getByTestId(id).getAttribute('data-points')), `${method} ${id}`).toBeGreaterThan(0);
    }
    // The input and every column of the method's own gallery.
    await expect(page.getByTestId('train-gallery').locator('figure').first().locator('canvas')).toHaveCount(columns);
    await expect(page.getByTestId('metric-psnr')).toHaveText(/^\d+\.\d\d$/);
    await page.screenshot({ path: test.info().outputPath(`${method}-run.png`), fullPage: true });
    // On a phone the gallery's rows wrap instead of running past the screen.
    await page.setViewportSize({ width: 390, height: 844 });
    await page.screenshot({ path: test.info().outputPath(`${method}-phone.png`), fullPage: true });
    const box = await page.getByTestId('train-gallery').locator('figure').first().boundingBox();
    expect(box!.x + box!.width, `${method} gallery width on a phone`).toBeLessThanOrEqual(390);
    await page.getByTestId('train-gallery').screenshot({ path: test.info().outputPath(`${method}-gallery-phone.png`) });
    await page.setViewportSize({ width: 1400, height: 900 });
  }
  await page.goto('/#restore');
  const options = await page.getByTestId('model-select').locator('option').allTextContents();
  for (const method of ['DCKD', 'SLKD']) expect(options.join('\n'), method).toContain(method);
});
