import { defineConfig } from '@playwright/test';
import { CHROMIUM_LAUNCH } from './e2e/chromium';

const DEV_PORT = 5174;
const PROD_PORT = 5175;

export default defineConfig({
  testDir: 'e2e',
  timeout: 180_000,
  expect: { timeout: 60_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: [['list']],
  use: { browserName: 'chromium', launchOptions: CHROMIUM_LAUNCH, viewport: { width: 1400, height: 900 } },
  projects: [
    { name: 'dev', use: { baseURL: `http://127.0.0.1:${DEV_PORT}` } },
    // The lost-GPU test is slow on SwiftShader's WebGPU, and DCKD and SLKD run through the same worker
    // code as the DFL and D4IR runs that both builds test: the dev server's run is enough for them.
    { name: 'prod', use: { baseURL: `http://127.0.0.1:${PROD_PORT}` }, testIgnore: /(faults|paired-methods)\.spec\.ts/ },
  ],
  webServer: [
    { command: `npx vite --host 127.0.0.1 --port ${DEV_PORT} --strictPort`, port: DEV_PORT, reuseExistingServer: false, timeout: 120_000 },
    // The production build is made by `npm run test:e2e` before Playwright starts.
    { command: `npx vite preview --host 127.0.0.1 --port ${PROD_PORT} --strictPort`, port: PROD_PORT, reuseExistingServer: false, timeout: 120_000 },
  ],
});
