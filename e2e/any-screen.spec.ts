import AxeBuilder from '@axe-core/playwright';
import { test, expect } from './fixtures';

const VIEWS = ['home', 'data', 'distill', 'compare', 'restore'] as const;

// Every view, on a phone and for assistive technology: no horizontal scrolling at 390x844, and
// axe-core finds nothing serious or critical, touch target sizes included.
test('every view fits a 390 px phone, its controls are large enough to touch, and it has no serious or critical accessibility violations', async ({
  page,
  pageErrors,
  offsite,
}) => {
  void pageErrors;
  void offsite;
  await page.setViewportSize({ width: 390, height: 844 });
  for (const view of VIEWS) {
    await page.goto(`/#${view}`);
    await expect(page.getByTestId(`tab-${view}`)).toHaveAttribute('aria-selected', 'true');
    await expect(page.locator(`#view-${view}`)).toBeVisible();
    // Let the view's first content (methods, models, the data preview) arrive.
    await page.waitForTimeout(2500);
    const notice = page.getByTestId('backend-notice');
    if (view === VIEWS[0] && (await notice.isVisible())) {
      // Plain words first, the details behind a disclosure; it can be dismissed for the session.
      await expect(notice).toContainText(/^Running on/);
      await notice.getByRole('button', { name: 'Dismiss this notice' }).click();
      await expect(notice).toHaveCount(0);
    }
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    expect(width, `${view}: page width on a 390 px phone`).toBeLessThanOrEqual(390);
    // target-size (WCAG 2.2 AA: 24 px targets, or room around them) is off in axe by default: controls must be large enough to touch.
    const { violations } = await new AxeBuilder({ page })
      .include(`#view-${view}`)
      .include('header')
      .options({ rules: { 'target-size': { enabled: true } } })
      .analyze();
    const bad = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
    expect(
      bad.map((v) => `${v.id} (${v.impact}): ${v.nodes.length} node(s), e.g. ${v.nodes[0]?.target.join(' ')}`),
      `${view}: serious or critical accessibility violations`,
    ).toEqual([]);
  }
});

// Presenter mode, for a projector: from a link (`?present`) or the header's toggle, larger type and taller charts.
test('presenter mode enlarges type and charts, from a link or the toggle, and survives a reload', async ({ page, pageErrors, offsite }) => {
  void pageErrors;
  void offsite;
  const fontSize = () => page.evaluate(() => getComputedStyle(document.documentElement).fontSize);
  await page.goto('/#distill');
  expect(await fontSize()).toBe('15px');
  await page.getByTestId('presenter-toggle').click();
  await expect(page.getByTestId('presenter-toggle')).toHaveAttribute('aria-pressed', 'true');
  expect(await fontSize()).toBe('20px');
  await page.reload();
  await expect(page.locator('html')).toHaveClass(/presenter/);
  await expect(page.getByTestId('method-select')).toBeVisible();
  expect(await page.evaluate(() => document.documentElement.scrollWidth), 'page width at 1400 px').toBeLessThanOrEqual(1400);
  await page.screenshot({ path: test.info().outputPath('presenter.png') });
  await page.getByTestId('presenter-toggle').click();
  expect(await fontSize()).toBe('15px');
  await page.goto('/?present#home');
  await expect(page.locator('html')).toHaveClass(/presenter/);
});
