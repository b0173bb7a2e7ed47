import { test, expect } from './fixtures';

test("a second tab sees the first tab's run as training elsewhere, cannot start another, and shows it as it ends", async ({ page, context }) => {
  await page.goto('/?backend=wasm#distill');
  await page.getByTestId('method-select').selectOption('kd');
  await page.getByTestId('run-preset').selectOption('quick');
  await page.getByTestId('run-steps').fill('5000');
  await page.getByTestId('run-start').click();
  await expect(page.getByTestId('run-monitor')).toHaveAttribute('data-state', 'running', { timeout: 120_000 });

  const other = await context.newPage();
  await other.goto('/?backend=wasm#distill');
  await expect(other.getByTestId('run-elsewhere')).toBeVisible();
  await expect(other.getByTestId('run-monitor')).toHaveAttribute('data-state', 'running');
  await expect(other.getByTestId('run-pause')).toHaveCount(0);
  await expect(other.getByTestId('run-start')).toBeDisabled();

  await page.getByTestId('run-stop').click();
  await expect(page.getByTestId('run-monitor')).toHaveAttribute('data-state', 'stopped', { timeout: 60_000 });
  await expect(other.getByTestId('run-monitor')).toHaveAttribute('data-state', 'stopped');
  await expect(other.getByTestId('run-elsewhere')).toHaveCount(0);
  await expect(other.getByTestId('run-continue')).toBeVisible();
});
