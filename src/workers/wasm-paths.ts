// URLs of the tfjs WASM binaries as Vite serves them, so nothing is fetched from a CDN.
import wasm from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreadedSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';

export const WASM_PATHS: Record<string, string> = {
  'tfjs-backend-wasm.wasm': wasm,
  'tfjs-backend-wasm-simd.wasm': wasmSimd,
  'tfjs-backend-wasm-threaded-simd.wasm': wasmThreadedSimd,
};

/** Threads for the WASM backend: every core; the page itself does little work while a worker runs. */
export function wasmThreadCount(): number {
  const cores = (globalThis.navigator?.hardwareConcurrency as number | undefined) ?? 2;
  return Math.max(1, Math.min(8, cores));
}
