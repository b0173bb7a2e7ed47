import { test, expect } from './fixtures';
import type { Page } from '@playwright/test';

/** Mean absolute difference between two canvases' pixels, read in the page. */
async function canvasDiff(page: Page, a: string, b: string): Promise<number> {
  return page.evaluate(
    ([a, b]) => {
      const read = (id: string) => {
        const c = document.querySelector<HTMLCanvasElement>(`[data-testid="${id}"]`)!;
        return c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
      };
      const x = read(a);
      const y = read(b);
      let s = 0;
      for (let i = 0; i < x.length; i++) s += Math.abs(x[i] - y[i]);
      return s / x.length;
    },
    [a, b],
  );
}

test('the page names its backend and the Data view renders degraded images', async ({ page, offsite, pageErrors }) => {
  void offsite;
  void pageErrors;
  await page.goto('/#data');
  const status = page.getByTestId('backend-status');
  await expect(status).toHaveText(/WebGPU|WebGL|WASM|CPU/, { timeout: 90_000 });
  // This machine's only WebGPU adapter is SwiftShader: the selector must pick WASM and say why.
  await expect(status).toHaveAttribute('data-backend', /webgpu|wasm/);

  await expect(page.getByTestId('data-psnr')).toHaveText(/\d+\.\d\d/);
  const psnr = Number(await page.getByTestId('data-psnr').textContent());
  expect(psnr).toBeGreaterThan(5);
  expect(psnr).toBeLessThan(60);
  expect(await canvasDiff(page, 'data-clean', 'data-degraded')).toBeGreaterThan(1);

  for (const weather of ['haze', 'snow', 'raindrop']) {
    const before = await page.getByTestId('data-psnr').textContent();
    await page.getByTestId('data-weather').selectOption(weather);
    await expect(page.getByTestId('data-psnr')).not.toHaveText(before!);
    expect(await canvasDiff(page, 'data-clean', 'data-degraded')).toBeGreaterThan(1);
  }
  await page.screenshot({ path: 'test-results/data-view.png', fullPage: true });
});

test('the Data view keeps its settings across a reload', async ({ page }) => {
  await page.goto('/#data');
  await page.getByTestId('data-weather').selectOption('snow');
  await page.getByTestId('data-seed').fill('42');
  await page.reload();
  await expect(page.getByTestId('data-weather')).toHaveValue('snow');
  await expect(page.getByTestId('data-seed')).toHaveValue('42');
});

test('?backend=cpu forces the CPU backend and says so', async ({ page }) => {
  await page.goto('/?backend=cpu#data');
  await expect(page.getByTestId('backend-status')).toHaveAttribute('data-backend', 'cpu', { timeout: 90_000 });
  await page.getByTestId('backend-status').click();
  await expect(page.getByText('(forced by ?backend=)').first()).toBeVisible();
});
