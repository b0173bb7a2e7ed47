#!/usr/bin/env node
// The browser tests run in Debian's Chromium (Playwright cannot download its own browsers here), and
// the WebGPU unit test uses its SwiftShader Vulkan driver when there is no GPU: `npm test` runs this first.
// Install it when missing and we are root; otherwise say the one command to run.
import { existsSync } from 'node:fs';
import { execSync } from 'node:child_process';

const path = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
if (existsSync(path)) process.exit(0);

const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
if (!isRoot) {
  console.error(`Chromium not found at ${path}. Run: sudo apt-get update && sudo apt-get install -y chromium`);
  process.exit(1);
}
console.log(`Chromium not found at ${path}; installing Debian's chromium package...`);
try {
  execSync('apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium', { stdio: 'inherit' });
} catch {
  console.error('Installing chromium failed. Run: apt-get update && apt-get install -y chromium');
  process.exit(1);
}
if (!existsSync(path)) {
  console.error(`chromium installed but ${path} is missing; set CHROMIUM_PATH to its location.`);
  process.exit(1);
}
