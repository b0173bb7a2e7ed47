// Backend start-up shared by the page and every worker: same choice, same WASM files. Memoised:
// React's strict mode and repeated calls must not race two `setBackend`s.
import { selectBackend, type BackendReport } from '../core/backend/select';
import { WASM_PATHS, wasmThreadCount } from './wasm-paths';

let started: Promise<BackendReport> | null = null;

export function initBackend(override: string | null): Promise<BackendReport> {
  started ??= selectBackend({ override, wasmPaths: WASM_PATHS, wasmThreads: wasmThreadCount() });
  return started;
}

/** Resolves once initBackend has chosen a backend: calls that use tfjs wait on it. */
export function backendReady(): Promise<BackendReport> {
  return started ?? Promise.reject(new Error('The worker was used before its backend was initialised.'));
}
