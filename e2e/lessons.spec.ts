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

// Lessons 2 to 4, each from start to end, on a small budget: the race of scratch and kd ends in the
// Compare view, DFL's generated images appear, and a sweep of methods is read in the Compare view.
test('lessons 2, 3 and 4 run from start to end, each waiting for its real runs', async ({ page, pageErrors, offsite }) => {
  void pageErrors;
  void offsite;
  test.setTimeout(600_000);
  const popover = page.locator('.driver-popover');
  const next = () => popover.getByRole('button', { name: 'Next' }).click();
  const finish = async () => {
    await popover.getByRole('button', { name: 'Finish' }).click();
    await expect(popover).toHaveCount(0);
  };
  /** Ticks exactly these methods in the sweep form and queues them with one seed. */
  const queueSweep = async (methods: string[], seed: string) => {
    const form = page.getByTestId('sweep-form');
    if ((await form.getAttribute('open')) === null) await form.locator('summary').click();
    for (const box of await form.locator('input[type="checkbox"]').all()) {
      const id = (await box.getAttribute('data-testid'))!.replace('sweep-method-', '');
      await box.setChecked(methods.includes(id));
    }
    await page.getByTestId('sweep-seeds').fill(seed);
    await page.getByTestId('sweep-start').click();
  };
  // A small budget for every run the lessons start.
  await page.goto('/?backend=wasm#distill');
  await page.getByTestId('run-preset').selectOption('quick');
  await page.getByTestId('run-steps').fill('8');

  await page.goto('/?backend=wasm#lesson/2');
  await expect(popover).toContainText('Two ways to train a student');
  await next();
  await expect(popover).toContainText('Race them');
  await expect(popover.getByRole('status')).toContainText('Waiting for both runs');
  await queueSweep(['scratch', 'kd'], '1');
  await expect(popover).toContainText('Who learns faster', { timeout: 300_000 });
  expect(new URL(page.url()).hash).toMatch(/^#compare/);
  await next();
  await expect(popover).toContainText('The scores');
  await finish();

  await page.goto('/?backend=wasm#lesson/3');
  await expect(popover).toContainText('No training data at all');
  // A waiting step watches once its popover has settled; acting before that would only show Next.
  await expect(popover.getByRole('status')).toContainText('Choose "DFL"');
  await page.getByTestId('method-select').selectOption('dfl');
  await expect(popover).toContainText('A game of two networks');
  await expect(popover.getByRole('status')).toContainText('Start the run');
  await page.getByTestId('run-start').click();
  await expect(popover).toContainText('Invented weather', { timeout: 120_000 });
  await next();
  await expect(popover).toContainText('Another way: D4IR');
  await finish();
  // The sweep of lesson 4 waits for this short run to end.
  await expect(page.getByTestId('run-monitor')).toHaveAttribute('data-state', 'completed', { timeout: 120_000 });

  await page.goto('/?backend=wasm#lesson/4');
  await expect(popover).toContainText('One budget for all');
  await expect(popover.getByRole('status')).toContainText('Waiting for the sweep');
  await queueSweep(['scratch', 'kd'], '2');
  await expect(popover).toContainText('Read the table', { timeout: 300_000 });
  await next();
  await expect(popover).toContainText('What differed');
  await expect(page.getByTestId('compare-config-diff')).toContainText('method');
  await page.screenshot({ path: test.info().outputPath('lesson-4-end.png') });
  await finish();
});
