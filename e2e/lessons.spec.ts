import { test, expect } from './fixtures';

// The first lesson, end to end: started from the home view, it opens the Restore view, waits for
// a real restoration before moving on, survives a reload (resume), and finishes.
test('a lesson starts from the home view, waits for the real thing, and can be left and resumed', async ({ page, pageErrors, offsite }) => {
  void pageErrors;
  void offsite;
  test.setTimeout(180_000);
  await page.goto('/?backend=wasm');
  await expect(page.getByTestId('tab-home')).toHaveAttribute('aria-selected', 'true');
  await page.getByTestId('lesson-start').click();
  const popover = page.locator('.driver-popover');
  await expect(popover).toContainText('A network that cleans photos');
  expect(new URL(page.url()).hash).toBe('#restore');
  await popover.getByRole('button', { name: 'Next' }).click();

  // A waiting step: no Next until a photo is restored, then it moves on by itself.
  await expect(popover).toContainText('Give it a rainy photo');
  await expect(popover.getByRole('status')).toContainText('Waiting for a photo');
  await expect(popover.getByRole('button', { name: 'Next' })).toBeHidden();
  await page.getByTestId('restore-sample').click();
  await expect(popover).toContainText('Before and after', { timeout: 120_000 });

  // Left by a reload: the home view offers to resume at the same step.
  await page.goto('/?backend=wasm#home');
  await page.reload();
  await page.getByTestId('lesson-resume').click();
  await expect(popover).toContainText('Before and after');
  await popover.getByRole('button', { name: 'Next' }).click();
  await expect(popover).toContainText('What it costs');
  await popover.getByRole('button', { name: 'Finish' }).click();
  await expect(popover).toHaveCount(0);

  // A link starts a lesson directly.
  await page.goto('/?backend=wasm#lesson/3');
  await expect(popover).toContainText('No training data at all');
  expect(new URL(page.url()).hash).toBe('#distill');
});
