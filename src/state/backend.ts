import { create } from 'zustand';
import type { BackendReport } from '../core/backend/select';
import { MAX_WASM_THREADS } from '../workers/wasm-paths';

/** Which backend runs in each worker, by name (the page itself runs no TensorFlow.js). */
interface BackendState {
  workers: Record<string, BackendReport>;
  error: string | null;
  setWorker(name: string, report: BackendReport): void;
  setError(message: string): void;
}

export const useBackendStore = create<BackendState>((set) => ({
  workers: {},
  error: null,
  setWorker: (name, report) => set((s) => ({ workers: { ...s.workers, [name]: report } })),
  setError: (error) => set({ error }),
}));

let sessionOverride: string | null = null;

/** What each worker asks of its backend: the URL's choice, or the session's. */
export interface BackendRequest {
  /** `?backend=webgpu|webgl|wasm|cpu` forces a backend (as does a lost GPU, for the session). */
  backend: string | null;
  /** `?threads=N` sets the WASM threads (1: single-threaded); otherwise every core. */
  threads: number | null;
}

export function backendRequest(): BackendRequest {
  const params = new URLSearchParams(globalThis.location?.search ?? '');
  const threads = Number(params.get('threads'));
  return {
    backend: sessionOverride ?? params.get('backend'),
    threads: Number.isInteger(threads) && threads >= 1 ? Math.min(threads, MAX_WASM_THREADS) : null,
  };
}

/** Workers started from now on use this backend (after the GPU was lost: WASM). */
export function overrideBackendForSession(name: string): void {
  sessionOverride = name;
}
