import { test, expect } from './fixtures';

// Every gradient the project trains with, computed in the lab worker on each browser backend and
// compared with the CPU backend. WebGPU and WebGL run on SwiftShader here: slow, but real kernels.
for (const backend of ['wasm', 'webgpu', 'webgl'] as const) {
  test(`gradients on ${backend} agree with the CPU backend`, async ({ page, pageErrors }) => {
    void pageErrors;
    test.setTimeout(300_000);
    await page.goto(`/?backend=${backend}`);
    const status = page.getByTestId('backend-status');
    await expect(status).toHaveAttribute('data-backend', backend, { timeout: 90_000 });
    await status.click();
    await page.getByTestId('gradcheck-run').click();
    const summary = page.getByTestId('gradcheck-summary');
    await expect(summary).toBeVisible({ timeout: 280_000 });
    expect(await summary.textContent()).toMatch(/All \d+ gradient checks agree/);
    await expect(summary).toHaveAttribute('data-failed', '0');
  });
}

// tfjs's threaded WASM build caps itself at half the cores unless told otherwise (docs/performance.md).
test('WASM runs a thread per core, and one with ?threads=1', async ({ page, pageErrors }) => {
  void pageErrors;
  const cores = await page.evaluate(() => Math.min(8, navigator.hardwareConcurrency));
  for (const [query, threads] of [
    ['', cores],
    ['&threads=1', 1],
  ] as const) {
    await page.goto(`/?backend=wasm${query}`);
    await expect(page.getByTestId('backend-status')).toContainText(`multithreaded, ${threads} pool thread(s)`, { timeout: 90_000 });
  }
});
