// URLs of the tfjs WASM binaries as Vite serves them, so nothing is fetched from a CDN.
import wasm from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreadedSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';

export const WASM_PATHS: Record<string, string> = {
  'tfjs-backend-wasm.wasm': wasm,
  'tfjs-backend-wasm-simd.wasm': wasmSimd,
  'tfjs-backend-wasm-threaded-simd.wasm': wasmThreadedSimd,
};

/** tfjs's threaded WASM build starts this many pool workers: the most threads it can use. */
export const MAX_WASM_THREADS = 8;

/** Threads for the WASM backend: every core; the page itself runs no TensorFlow.js. */
export function wasmThreadCount(): number {
  const cores = (globalThis.navigator?.hardwareConcurrency as number | undefined) ?? 2;
  return Math.max(1, Math.min(MAX_WASM_THREADS, cores));
}
