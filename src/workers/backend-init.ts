// Backend start-up shared by the page and every worker: same choice, same WASM files. Memoised:
// React's strict mode and repeated calls must not race two `setBackend`s.
import { selectBackend, type BackendReport } from '../core/backend/select';
import { tf } from '../core/tf';
import type { BackendRequest } from '../state/backend';
import { WASM_PATHS, wasmThreadCount } from './wasm-paths';

let chosen: Promise<BackendReport> | null = null;
let device: GPUDevice | null = null;
let lostReason: Promise<string> | null = null;
let announce: (p: Promise<BackendReport>) => void;
const ready = new Promise<BackendReport>((resolve) => (announce = resolve));

export function initBackend(request: BackendRequest): Promise<BackendReport> {
  if (!chosen) {
    chosen = selectBackend({ override: request.backend, wasmPaths: WASM_PATHS, wasmThreads: request.threads ?? wasmThreadCount() });
    void chosen.then(watchGpu, () => undefined);
    announce(chosen);
  }
  return chosen;
}

/**
 * Resolves once initBackend has chosen a backend. Calls that use tfjs wait on it: a view may ask
 * a worker for work before the page has sent the worker its `init`.
 */
export function backendReady(): Promise<BackendReport> {
  return ready;
}

/** On WebGPU, notes when the device goes away (a driver reset, a GPU taken by the system). */
function watchGpu(report: BackendReport): void {
  if (report.backend !== 'webgpu') return;
  device = (tf.backend() as unknown as { device: GPUDevice }).device;
  lostReason = device.lost.then((info) => info.message || `the GPU device was lost (${info.reason})`);
}

/** Failures that read like the GPU's own (a buffer unmapped under a pending read, a destroyed device). */
const GPU_ERROR = /GPU|mapAsync|device|destroyed|buffer/i;

/**
 * Why this worker's GPU device was lost, or null when it was not (or there is none). Asked after a
 * failure: the failing call may reject before the device reports its loss (seconds later on a
 * busy machine's software GPU), so it waits a little, and longer when the failure reads like a
 * GPU error.
 */
export async function gpuLost(failure: string): Promise<string | null> {
  if (!lostReason) return null;
  const waitMs = GPU_ERROR.test(failure) ? 20_000 : 2000;
  return Promise.race([lostReason, new Promise<null>((resolve) => setTimeout(() => resolve(null), waitMs))]);
}

/** Fault injection for the browser tests (?faults): loses the device as a driver reset would. */
export function loseGpuDevice(): boolean {
  device?.destroy();
  return device !== null;
}
