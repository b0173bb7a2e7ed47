// Fault injection for the browser tests: with ?faults in the URL the page exposes hooks that break
// things the way they break in the wild (e2e/faults.spec.ts). Without it, nothing is exposed.
import { distillWorker } from '../workers/distill-client';

declare global {
  interface Window {
    weatherkdFaults?: { loseGpu(): Promise<boolean> };
  }
}

export function exposeFaultHooks(): void {
  if (!new URLSearchParams(location.search).has('faults')) return;
  window.weatherkdFaults = { loseGpu: () => distillWorker().api.loseGpuDevice() };
}
