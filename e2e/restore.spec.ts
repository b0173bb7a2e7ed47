import { test, expect } from './fixtures';
import sharp from 'sharp';
import { makePair } from '../src/core/data/pairs';
import { scoreImages } from '../src/core/metrics/image-metrics';
import type { RGBImage } from '../src/core/data/image';
import type { Page } from '@playwright/test';

async function toPng(img: RGBImage): Promise<Buffer> {
  const bytes = Buffer.alloc(img.width * img.height * 3);
  for (let i = 0; i < bytes.length; i++) bytes[i] = Math.round(Math.min(1, Math.max(0, img.data[i])) * 255);
  return sharp(bytes, { raw: { width: img.width, height: img.height, channels: 3 } })
    .png()
    .toBuffer();
}

async function fromPng(buf: Buffer): Promise<RGBImage> {
  const { data, info } = await sharp(buf).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return { width: info.width, height: info.height, data: Float32Array.from(data, (v) => v / 255) };
}

/** The restored canvas's pixels, at full size, as the PNG download would have them. */
async function restoredPixels(page: Page): Promise<RGBImage> {
  const dataUrl = await page
    .getByTestId('restored-image')
    .first()
    .evaluate((c: HTMLCanvasElement) => c.toDataURL('image/png'));
  return fromPng(Buffer.from(dataUrl.split(',')[1], 'base64'));
}

test('an uploaded rainy photo is restored at full size and beats the upload', async ({ page, offsite, pageErrors }) => {
  void offsite;
  void pageErrors;
  test.setTimeout(300_000);
  // A seeded synthetic pair, 320x224: not a multiple of the tile, so padding and tiling both run.
  const pair = makePair({ size: { width: 320, height: 224 }, seed: 2024, weathers: ['rain'], source: 'scene', severity: 0.5 }, 0);
  const uploaded = { name: 'rainy.png', mimeType: 'image/png', buffer: await toPng(pair.degraded) };
  const before = scoreImages(await fromPng(uploaded.buffer), pair.clean);

  await page.goto('/#restore');
  await expect(page.getByTestId('model-summary')).toContainText('teacher', { timeout: 90_000 });
  await page.getByTestId('upload-input').setInputFiles(uploaded);
  const restored = page.getByTestId('restored-image');
  await expect(restored).toBeVisible({ timeout: 240_000 });
  expect(await restored.evaluate((c: HTMLCanvasElement) => [c.width, c.height])).toEqual([320, 224]);
  const after = scoreImages(await restoredPixels(page), pair.clean);
  console.log(`upload ${before.psnr.toFixed(2)} dB -> restored ${after.psnr.toFixed(2)} dB`);
  expect(after.psnr).toBeGreaterThan(before.psnr);
  // Dragging across the photo moves the split to the pointer; 1:1 shows it at its own size, in a frame that pans.
  const frame = page.getByTestId('before-after');
  const box = (await frame.boundingBox())!;
  await page.mouse.move(box.x + box.width * 0.5, box.y + box.height / 2);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width * 0.25, box.y + box.height / 2, { steps: 4 });
  await page.mouse.up();
  expect(Number(await frame.getAttribute('data-split'))).toBeCloseTo(25, 0);
  await page.getByTestId('zoom-2').click();
  expect((await frame.boundingBox())!.width).toBeCloseTo(640, 0);
  // On a phone the zoomed photo overflows its frame; a click on the thumbnail pans there.
  await page.setViewportSize({ width: 390, height: 844 });
  const navigator = page.getByTestId('before-after-navigator');
  await navigator.click({ position: { x: 150, y: 50 } });
  expect(await page.getByTestId('before-after-frame').evaluate((f) => f.scrollLeft)).toBeGreaterThan(100);
  await page.screenshot({ path: test.info().outputPath('restore-zoomed-phone.png'), fullPage: true });
  expect(await page.evaluate(() => document.documentElement.scrollWidth), 'page width on a phone').toBeLessThanOrEqual(390);
  await page.setViewportSize({ width: 1400, height: 900 });
  await page.getByTestId('zoom-fit').click();
  await page.screenshot({ path: test.info().outputPath('restore-view.png'), fullPage: true });
  // The teacher's card opens rendered (headings and tables), not as raw Markdown.
  await page.getByTestId('model-card-open-teacher').click();
  await expect(page.getByTestId('model-card-teacher').locator('h1')).toContainText('model card');
  await expect(page.getByTestId('model-card-teacher').locator('table').first()).toBeVisible();
  await page.screenshot({ path: test.info().outputPath('model-card.png') });
  await page.getByTestId('model-card-close').click();
  await expect(page.getByTestId('model-card-teacher')).toBeHidden();
});

test('a corrupt file shows its error and the page keeps working', async ({ page, pageErrors }) => {
  void pageErrors;
  test.setTimeout(300_000);
  await page.goto('/#restore');
  await page.getByTestId('upload-input').setInputFiles({ name: 'broken.png', mimeType: 'image/png', buffer: Buffer.from('this is not a PNG at all') });
  await expect(page.getByTestId('restore-error')).toContainText('broken.png', { timeout: 90_000 });
  await expect(page.getByTestId('restore-error')).toContainText(/not an image|damaged/);
  // An error card can be tried again (here it fails the same way).
  await page.getByTestId('restore-retry').click();
  await expect(page.getByTestId('restore-error')).toContainText('broken.png', { timeout: 90_000 });

  const pair = makePair({ size: 96, seed: 5, weathers: ['haze'], source: 'scene' }, 0);
  await page.getByTestId('upload-input').setInputFiles({ name: 'hazy.png', mimeType: 'image/png', buffer: await toPng(pair.degraded) });
  await expect(page.getByTestId('restored-image')).toBeVisible({ timeout: 120_000 });
  // The Data view still answers too.
  await page.getByTestId('tab-data').click();
  await expect(page.getByTestId('data-psnr')).toHaveText(/\d+\.\d\d/);
});

test('a photo over the pixel limit is refused with an offer to downscale it, and downscaling it starts the restoration', async ({ page, pageErrors }) => {
  void pageErrors;
  test.setTimeout(300_000);
  await page.goto('/#restore');
  await expect(page.getByTestId('model-summary')).toContainText('teacher', { timeout: 90_000 });
  // 49 megapixels of one colour: a small file, too many pixels.
  const huge = await sharp({ create: { width: 7000, height: 7000, channels: 3, background: { r: 120, g: 130, b: 140 } } })
    .png()
    .toBuffer();
  await page.getByTestId('upload-input').setInputFiles({ name: 'huge.png', mimeType: 'image/png', buffer: huge });
  await expect(page.getByTestId('restore-error')).toContainText('7000×7000 (49 MP), more than the 36 MP', { timeout: 120_000 });
  await page.getByTestId('restore-downscale').click();
  // It now decodes (shrunk) and goes on to the tiles; restoring 36 MP with the teacher takes minutes here, so it is cancelled.
  await expect(page.getByTestId('photo-card').first()).toContainText(/restoring… tile \d+ of \d+/, { timeout: 120_000 });
  await page.getByTestId('restore-cancel').click();
  await expect(page.getByTestId('photo-card').first()).toHaveAttribute('data-status', 'cancelled', { timeout: 120_000 });
});

test('an invalid model file is refused with a clear message', async ({ page }) => {
  await page.goto('/#restore');
  await page.getByTestId('model-files-input').setInputFiles([{ name: 'model.json', mimeType: 'application/json', buffer: Buffer.from('{"hello": 1}') }]);
  await expect(page.getByTestId('model-files-error')).toContainText('not a TensorFlow.js model');
  await page.getByTestId('model-files-input').setInputFiles([{ name: 'model.json', mimeType: 'application/json', buffer: Buffer.from('{oops') }]);
  await expect(page.getByTestId('model-files-error')).toContainText('not valid JSON');
});
