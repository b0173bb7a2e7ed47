import { png, test, expect } from './fixtures';

// Two finished runs, ticked in the runs list, side by side in the Compare view; one exported and
// imported into a fresh browser.
test('two finished runs compare side by side: curves, a table with the best marked, restorations and the settings that differ', async ({
  page,
  browser,
  pageErrors,
  offsite,
}) => {
  void pageErrors;
  void offsite;
  test.setTimeout(240_000);
  await page.goto('/#distill');
  const monitor = page.getByTestId('run-monitor');
  // kd scores the teacher on the evaluation images too, so its restorations join the students'.
  for (const [method, seed] of [
    ['kd', '1'],
    ['scratch', '2'],
  ]) {
    await page.getByTestId('method-select').selectOption(method);
    await page.getByTestId('run-preset').selectOption('quick');
    await page.getByTestId('run-steps').fill('8');
    await page.getByTestId('run-seed').fill(seed);
    await page.getByTestId('run-start').click();
    await expect(monitor).toContainText(`seed ${seed}`);
    await expect(monitor).toHaveAttribute('data-state', 'completed', { timeout: 120_000 });
  }
  const toggles = page.getByTestId('run-compare-toggle');
  await toggles.nth(0).check();
  await toggles.nth(1).check();
  await page.getByTestId('compare-open').click();
  const view = page.getByTestId('compare-view');
  await expect(view).toContainText('Compare 2 runs');
  await expect(page.getByTestId('compare-table').locator('tbody tr')).toHaveCount(2);
  await expect(page.getByTestId('compare-table').locator('td.best').first()).toBeVisible();
  expect(Number(await page.getByTestId('chart-compare-psnr').getAttribute('data-points'))).toBeGreaterThan(0);
  await expect(page.getByTestId('compare-config-diff')).toContainText('seed');
  const [fromCompare] = await Promise.all([page.waitForEvent('download'), page.getByTestId('compare-download').first().click()]);
  expect(fromCompare.suggestedFilename()).toMatch(/\.json$/);
  // Degraded, each student, the teacher, clean.
  await expect(page.getByTestId('compare-images').locator('figure').first().locator('canvas')).toHaveCount(5);
  await expect(page.getByTestId('compare-images').locator('figcaption').first()).toContainText('· teacher · clean');
  // The user's own photos: paired by name, then the teacher and both students scored on them.
  await view.getByTestId('eval-set-inputs').setInputFiles([await png('p1.png', 90), await png('p2.png', 140), await png('p3.png', 60)]);
  await view.getByTestId('eval-set-targets').setInputFiles([await png('p1.png', 100), await png('p2.png', 150)]);
  await view.getByTestId('eval-set-add').click();
  await expect(view.getByTestId('eval-set-error')).toContainText('no partner with the same file name: p3.png');
  await view.getByTestId('eval-set-inputs').setInputFiles([await png('p1.png', 90), await png('p2.png', 140)]);
  await view.getByTestId('eval-set-add').click();
  await expect(view.getByTestId('eval-set-my photos')).toContainText('2 pairs');
  await view.getByTestId('eval-set-score').click();
  // The input's row, the teacher's and one per student.
  await expect(view.getByTestId('eval-set-table').locator('tbody tr')).toHaveCount(4, { timeout: 60_000 });
  await view.getByTestId('eval-sets').screenshot({ path: test.info().outputPath('eval-sets.png') });
  // The same set scores one run's student from its own panel too: the input, the teacher and the student.
  await page.goto('/#distill');
  const panel = page.getByTestId('run-eval-sets');
  await panel.locator('summary').click();
  await panel.getByTestId('eval-set-score').click();
  await expect(panel.getByTestId('eval-set-table').locator('tbody tr')).toHaveCount(3, { timeout: 60_000 });
  await page.goto('/#compare');
  await page.getByTestId('compare-axis').selectOption('seconds');
  expect(Number(await page.getByTestId('chart-compare-psnr').getAttribute('data-points'))).toBeGreaterThan(0);
  await page.screenshot({ path: test.info().outputPath('compare.png'), fullPage: true });
  await page.setViewportSize({ width: 390, height: 844 });
  await page.screenshot({ path: test.info().outputPath('compare-phone.png'), fullPage: true });
  expect(await page.evaluate(() => document.documentElement.scrollWidth), 'page width on a phone').toBeLessThanOrEqual(390);
  await page.setViewportSize({ width: 1400, height: 900 });

  // Exported, and imported into a fresh browser: the run is there, ready to compare. A broken file changes nothing.
  await page.goto('/#distill');
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('run-export').click()]);
  const file = (await download.path())!;
  const fresh = await browser.newContext();
  const other = await fresh.newPage();
  await other.goto('/#distill');
  await other.getByTestId('run-import').setInputFiles({ name: 'broken.json', mimeType: 'application/json', buffer: Buffer.from('{"format": "weatherkd-run"') });
  await expect(other.getByTestId('run-import-error')).toContainText('broken.json is not JSON');
  await expect(other.getByTestId('run-row')).toHaveCount(0);
  await other.getByTestId('run-import').setInputFiles(file);
  await expect(other.getByTestId('run-row')).toHaveCount(1);
  await expect(other.getByTestId('run-row')).toContainText('seed 2 (imported)');
  await expect(other.getByTestId('run-monitor')).toContainText('seed 2 (imported)');
  await other.screenshot({ path: test.info().outputPath('imported.png'), fullPage: true });
  await fresh.close();
});

test('a sweep of two seeds queued from the form runs both, one after the other, survives a reload and opens in the Compare view', async ({
  page,
  pageErrors,
  offsite,
}) => {
  void pageErrors;
  void offsite;
  test.setTimeout(300_000);
  await page.goto('/#distill');
  await page.getByTestId('method-select').selectOption('scratch');
  await page.getByTestId('run-preset').selectOption('quick');
  await page.getByTestId('run-steps').fill('30');
  await page.getByTestId('sweep-form').locator('summary').click();
  await page.getByTestId('sweep-seeds').fill('4,5');
  await page.getByTestId('sweep-start').click();
  await expect(page.getByTestId('sweep-progress')).toContainText('Run 1 of 2');
  // The first run is paused (which keeps a checkpoint) and the page goes away: after the reload the
  // run continues from that step by itself and the queue goes on.
  const monitor = page.getByTestId('run-monitor');
  await expect.poll(async () => Number(await page.getByTestId('run-step').textContent()), { timeout: 120_000 }).toBeGreaterThan(0);
  await page.getByTestId('run-pause').click();
  await expect(monitor).toHaveAttribute('data-state', 'paused');
  const checkpointAt = Number(await page.getByTestId('run-step').textContent());
  await page.reload();
  await expect(page.getByTestId('sweep-progress')).toContainText('Run 1 of 2', { timeout: 60_000 });
  await expect(monitor).toHaveAttribute('data-state', 'running', { timeout: 120_000 });
  expect(Number(await page.getByTestId('run-step').textContent()), 'the run went on from its checkpoint, not from step 0').toBeGreaterThanOrEqual(checkpointAt);
  await expect(page.getByTestId('compare-view')).toBeVisible({ timeout: 240_000 });
  await expect(page.getByTestId('compare-view')).toContainText('Compare 2 runs');
  await expect(page.getByTestId('compare-table').locator('tbody tr')).toHaveCount(2);
  await expect(page.getByTestId('compare-legend')).toContainText('seed 4 (sweep)');
  await expect(page.getByTestId('compare-legend')).toContainText('seed 5 (sweep)');
});
