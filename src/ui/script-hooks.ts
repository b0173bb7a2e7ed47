// Hooks for scripts that drive the page: with ?faults the page exposes calls that break things
// the way they break in the wild (e2e/faults.spec.ts); with ?bench, the distill worker's speed
// benchmark (scripts/bench-train-browser.ts). Without either, nothing is exposed.
import { distillWorker } from '../workers/distill-client';
import type { Result } from '../core/bench/train-speed';

declare global {
  interface Window {
    weatherkdFaults?: { loseGpu(): Promise<boolean> };
    weatherkdBench?: { train(models: string[], reps: number): Promise<Result[]> };
  }
}

export function exposeScriptHooks(): void {
  const params = new URLSearchParams(location.search);
  if (params.has('faults')) window.weatherkdFaults = { loseGpu: () => distillWorker().api.loseGpuDevice() };
  if (params.has('bench')) window.weatherkdBench = { train: (models, reps) => distillWorker().api.benchTraining(models, reps) };
}
