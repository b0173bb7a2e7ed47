import { test as base, expect } from '@playwright/test';
import sharp from 'sharp';

/** A small PNG of one colour, as a file the page's inputs accept. */
export async function png(name: string, grey: number, width = 48, height = 40) {
  const buffer = await sharp({ create: { width, height, channels: 3, background: { r: grey, g: grey, b: grey } } })
    .png()
    .toBuffer();
  return { name, mimeType: 'image/png', buffer };
}

/**
 * Every page in these tests records requests that leave the machine and errors thrown in the page,
 * and the test fails on either: the playground must work offline, uploads included.
 */
export const test = base.extend<{ offsite: string[]; pageErrors: string[] }>({
  offsite: async ({ page, baseURL }, use) => {
    const offsite: string[] = [];
    const origin = new URL(baseURL!).origin;
    page.on('request', (r) => {
      const url = r.url();
      if (!url.startsWith(origin) && !url.startsWith('data:') && !url.startsWith('blob:')) offsite.push(url);
    });
    await use(offsite);
    expect(offsite, 'requests that left the machine').toEqual([]);
  },
  pageErrors: async ({ page }, use) => {
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    await use(errors);
    expect(errors, 'uncaught errors in the page').toEqual([]);
  },
});

export { expect };
