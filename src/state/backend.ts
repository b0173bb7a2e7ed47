import { create } from 'zustand';
import type { BackendReport } from '../core/backend/select';
import { MAX_WASM_THREADS } from '../workers/wasm-paths';

/** Which backend runs where: the page itself and each worker, by name. */
interface BackendState {
  page: BackendReport | null;
  workers: Record<string, BackendReport>;
  error: string | null;
  setPage(report: BackendReport): void;
  setWorker(name: string, report: BackendReport): void;
  setError(message: string): void;
}

export const useBackendStore = create<BackendState>((set) => ({
  page: null,
  workers: {},
  error: null,
  setPage: (page) => set({ page }),
  setWorker: (name, report) => set((s) => ({ workers: { ...s.workers, [name]: report } })),
  setError: (error) => set({ error }),
}));

let sessionOverride: string | null = null;

/** What the page and each worker ask of their backend: the URL's choice, or the session's. */
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
