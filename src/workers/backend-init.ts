// Backend start-up shared by the page and every worker: same choice, same WASM files. Memoised:
// React's strict mode and repeated calls must not race two `setBackend`s.
import { selectBackend, type BackendReport } from '../core/backend/select';
import { WASM_PATHS, wasmThreadCount } from './wasm-paths';

let chosen: Promise<BackendReport> | null = null;
let announce: (p: Promise<BackendReport>) => void;
const ready = new Promise<BackendReport>((resolve) => (announce = resolve));

export function initBackend(override: string | null): Promise<BackendReport> {
  if (!chosen) {
    chosen = selectBackend({ override, wasmPaths: WASM_PATHS, wasmThreads: wasmThreadCount() });
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
