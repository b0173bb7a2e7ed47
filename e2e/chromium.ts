// How the browser tests and the browser benchmarks (scripts/bench-*-browser.ts, scripts/bench-page.ts)
// launch Chromium: Debian's build with WebGPU exposed (SwiftShader when there is no GPU) and no
// traffic to Google's services, which this machine cannot reach.
export const CHROMIUM_LAUNCH = {
  executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
  args: [
    '--no-sandbox',
    '--enable-unsafe-webgpu',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--no-first-run',
    '--disable-quic',
  ],
};
