import { test, expect } from './fixtures';

// A share link carries the Distill form: opened in a fresh browser (no localStorage), it fills the
// form and says so; a setting that does not fit is named and left at its default.
test('a share link fills the Distill form (and the Data view) in a fresh browser and names what it could not use; the tabs take arrow keys', async ({
  page,
  browser,
  pageErrors,
  offsite,
}) => {
  void pageErrors;
  void offsite;
  await page.goto('/#distill');
  await page.getByTestId('method-select').selectOption('tripled');
  await page.getByTestId('run-preset').selectOption('standard');
  await page.getByTestId('run-steps').fill('150');
  await page.getByTestId('run-seed').fill('3');
  await page.getByTestId('option-selection').selectOption('top');
  await page.getByTestId('share-link').click();
  const url = await page.getByTestId('share-url').inputValue();
  expect(url).toContain('#distill?method=tripled&preset=standard');

  const fresh = await browser.newContext();
  const other = await fresh.newPage();
  await other.goto(`${url}&patch=13`);
  await expect(other.getByTestId('share-loaded')).toContainText('settings of a shared link (tripled, standard budget');
  await expect(other.getByTestId('share-loaded')).toContainText('patch must be an integer');
  await expect(other.getByTestId('method-select')).toHaveValue('tripled');
  await expect(other.getByTestId('run-steps')).toHaveValue('150');
  await expect(other.getByTestId('run-seed')).toHaveValue('3');
  await expect(other.getByTestId('option-selection')).toHaveValue('top');
  await expect(other.getByTestId('run-patch')).toHaveValue('64');
  // The link is used once: the address is the plain view again.
  expect(new URL(other.url()).hash).toBe('#distill');

  // The tabs follow the ARIA pattern: arrow keys move between them.
  await page.getByTestId('tab-distill').focus();
  await page.keyboard.press('ArrowRight');
  await expect(page.getByTestId('tab-compare')).toHaveAttribute('aria-selected', 'true');
  await expect(page.getByTestId('tab-compare')).toBeFocused();
  await page.keyboard.press('Home');
  await expect(page.getByTestId('tab-home')).toHaveAttribute('aria-selected', 'true');
  expect(new URL(page.url()).hash).toBe('#home');

  // The Data view shares the same way: weather, seed and sliders; the receiver sees the same image.
  await page.goto('/#data');
  await page.getByTestId('data-weather').selectOption('haze');
  await page.getByTestId('data-seed').fill('7');
  await expect(page.getByTestId('data-pair')).toHaveAttribute('data-busy', 'false');
  const psnr = await page.getByTestId('data-psnr').textContent();
  await page.getByTestId('data-share-link').click();
  const dataUrl = await page.getByTestId('data-share-url').inputValue();
  expect(dataUrl).toContain('#data?source=scene&weather=haze&seed=7');
  // Pasted into the open page: only the hash changes.
  await other.goto(`${dataUrl}&p.bogus=1`);
  await expect(other.getByTestId('data-share-loaded')).toContainText('shared link (Haze, seed 7). Not used: unknown setting "p.bogus" ignored');
  await expect(other.getByTestId('data-weather')).toHaveValue('haze');
  await expect(other.getByTestId('data-seed')).toHaveValue('7');
  await expect(other.getByTestId('data-psnr')).toHaveText(psnr!);
  expect(new URL(other.url()).hash).toBe('#data');
  await fresh.close();
});
