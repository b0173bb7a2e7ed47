import { readFile } from 'node:fs/promises';
import { png, test, expect } from './fixtures';

// TripleD condenses the training set: from the page it shows the complexity histogram while it
// trains and, once done, the condensed set (original, adjusted input, clean) with each pair's score.
// The run exports as JSON. The user's own pairs are matched by file name.
test('TripleD runs from the page, shows its score histogram and its condensed set; training pairs pair up by name', async ({ page, pageErrors, offsite }) => {
  void pageErrors;
  void offsite;
  test.setTimeout(300_000);
  await page.goto('/#distill');
  await page.getByTestId('method-select').selectOption('tripled');
  await page.getByTestId('run-preset').selectOption('quick');
  await page.getByTestId('run-steps').fill('12');
  await page.getByTestId('option-scorerSteps').fill('20');
  await page.getByTestId('option-adjustSteps').fill('10');
  await expect(page.getByTestId('train-pairs-count')).toHaveText('0');
  await page.getByTestId('run-start').click();
  const monitor = page.getByTestId('run-monitor');
  await expect(monitor).toHaveAttribute('data-state', 'completed', { timeout: 240_000 });
  for (const id of ['chart-scorer', 'chart-adjust', 'chart-loss', 'chart-psnr']) {
    expect(Number(await page.getByTestId(id).getAttribute('data-points')), id).toBeGreaterThan(0);
  }
  await expect(page.getByTestId('score-histogram')).toContainText('of the 2000 pairs of the full set; the 40 kept');
  const subset = page.getByTestId('artifact-subset');
  await expect(subset).toContainText('40 of 2000 pairs');
  // Original, condensed input and clean image per pair, with its score.
  await expect(subset.locator('figure').first().locator('canvas')).toHaveCount(3);
  await expect(subset.locator('figcaption').first()).toContainText(/complexity -?\d+\.\d{3} \(rank \d+ of 2000\)/);
  await expect(page.getByTestId('artifact-download-subset')).toBeVisible();
  // The run as one JSON file: its configuration, curves and evaluations.
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('run-export').click()]);
  const doc = JSON.parse(await readFile((await download.path())!, 'utf8'));
  expect(doc).toMatchObject({ format: 'weatherkd-run', version: 1, method: 'tripled', state: 'completed', config: { method: 'tripled', steps: 12 } });
  expect(doc.evals.length).toBeGreaterThan(0);
  await page.screenshot({ path: test.info().outputPath('tripled-run.png'), fullPage: true });
  await page.setViewportSize({ width: 390, height: 844 });
  await page.screenshot({ path: test.info().outputPath('tripled-phone.png'), fullPage: true });
  await page.setViewportSize({ width: 1400, height: 900 });

  await page.getByTestId('pair-input-input').setInputFiles([await png('a.png', 90), await png('b.png', 100), await png('c.png', 110)]);
  await page.getByTestId('pair-target-input').setInputFiles([await png('a.jpg', 120), await png('b.png', 130)]);
  await expect(page.getByTestId('train-pairs-count')).toHaveText('2');
  await expect(page.getByTestId('train-pairs-unmatched')).toContainText('c.png');
});
