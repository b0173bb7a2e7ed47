import { existsSync } from 'node:fs';
import { configDefaults, defineConfig } from 'vitest/config';

/**
 * Test files that take more than a few seconds each (training runs, CLI processes). `npm run
 * test:fast` (WEATHERKD_FAST=1) leaves them out for the edit-test loop; `npm test` runs them all.
 */
export const SLOW_TESTS = [
  'src/core/methods/*.test.ts',
  'src/core/run/loop.test.ts',
  'src/core/run/webgpu.test.ts',
  'src/core/train/teacher.test.ts',
  'src/core/metrics/tensor-metrics.test.ts',
  'src/core/metrics/skimage-reference.test.ts',
  'src/cli/distill.test.ts',
  'src/cli/restore-eval.test.ts',
  'src/cli/metrics.test.ts',
];

// The WebGPU tests run Dawn (the `webgpu` package). On a machine without a Vulkan driver of its own,
// Chromium's SwiftShader serves; the loader must be found at process start, so it is set here,
// before the test processes are forked.
const SWIFTSHADER = '/usr/lib/chromium/vk_swiftshader_icd.json';
if (!process.env.VK_ICD_FILENAMES && existsSync(SWIFTSHADER)) {
  process.env.VK_ICD_FILENAMES = SWIFTSHADER;
  process.env.LD_LIBRARY_PATH = ['/usr/lib/chromium', process.env.LD_LIBRARY_PATH].filter(Boolean).join(':');
}

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts'],
    exclude: [...configDefaults.exclude, ...(process.env.WEATHERKD_FAST ? SLOW_TESTS : [])],
    environment: 'node',
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // tfjs keeps one global engine per process: isolate test files in forks.
    pool: 'forks',
  },
});
