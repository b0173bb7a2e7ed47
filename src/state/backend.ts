import { create } from 'zustand';
import type { BackendReport } from '../core/backend/select';

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

/** `?backend=webgpu|webgl|wasm|cpu` forces a backend for the page and its workers (as does a lost GPU, for the session). */
export function backendOverride(): string | null {
  return sessionOverride ?? new URLSearchParams(globalThis.location?.search ?? '').get('backend');
}

/** Workers started from now on use this backend (after the GPU was lost: WASM). */
export function overrideBackendForSession(name: string): void {
  sessionOverride = name;
}
