import { test, expect } from './fixtures';

test('a run whose GPU device is lost fails with that reason and continues on WASM from its checkpoint', async ({ page, pageErrors }) => {
  void pageErrors;
  test.setTimeout(420_000);
  await page.goto('/?backend=webgpu&faults#distill');
  await page.getByTestId('method-select').selectOption('scratch');
  await page.getByTestId('run-preset').selectOption('quick');
  await page.getByTestId('run-steps').fill('2000');
  await page.getByTestId('run-start').click();
  const monitor = page.getByTestId('run-monitor');
  await expect(monitor).toHaveAttribute('data-state', 'running', { timeout: 120_000 });
  // A pause keeps a checkpoint; then the device goes, as in a driver reset. Scratch: no teacher to run on SwiftShader.
  // SwiftShader compiles every shader on the first step (about a minute on a busy machine).
  await expect.poll(async () => Number(await page.getByTestId('run-step').textContent()), { timeout: 180_000 }).toBeGreaterThan(0);
  await page.getByTestId('run-pause').click();
  await expect(monitor).toHaveAttribute('data-state', 'paused');
  const checkpointAt = Number(await page.getByTestId('run-step').textContent());
  await page.getByTestId('run-pause').click();
  expect(await page.evaluate(() => window.weatherkdFaults!.loseGpu())).toBe(true);
  await expect(monitor).toHaveAttribute('data-state', 'failed', { timeout: 120_000 });
  await expect(page.getByTestId('run-error')).toContainText('The GPU device was lost');
  // Its student may hold the lost device's garbage: not offered.
  await expect(page.getByRole('button', { name: 'Restore photos with this student' })).toHaveCount(0);
  await page.screenshot({ path: test.info().outputPath('gpu-lost.png') });
  const resume = page.getByTestId('run-continue');
  await expect(resume).toHaveText(new RegExp(`^Continue on WASM from step (\\d+)$`));
  expect(Number((await resume.textContent())!.match(/\d+$/)![0])).toBeGreaterThanOrEqual(checkpointAt);
  await resume.click();
  await expect(monitor).toHaveAttribute('data-state', 'running', { timeout: 120_000 });
  await expect(page.getByTestId('run-stats')).toContainText('wasm', { timeout: 60_000 });
  const at = Number(await page.getByTestId('run-step').textContent());
  await expect.poll(async () => Number(await page.getByTestId('run-step').textContent()), { timeout: 60_000 }).toBeGreaterThan(at);
  await page.getByTestId('run-stop').click();
  await expect(monitor).toHaveAttribute('data-state', 'stopped', { timeout: 60_000 });
});
