// Chooses the tfjs backend and says why. Runs in the page, in workers and in Node, so it reads
// WebGPU through `globalThis.navigator` only and never touches the DOM.
import { tf } from '../tf';
import { getThreadsCount, setThreadsCount, setWasmPaths } from '@tensorflow/tfjs-backend-wasm';

export const BACKENDS = ['webgpu', 'webgl', 'wasm', 'cpu'] as const;
export type BackendName = (typeof BACKENDS)[number];

export interface SkippedBackend {
  backend: BackendName;
  reason: string;
}

export interface BackendReport {
  backend: BackendName;
  /** Human description of the device doing the work (GPU adapter, or "CPU (WASM SIMD, 2 threads)"). */
  device: string;
  /** The WebGPU adapter seen while probing, even when WebGPU was not chosen. */
  webgpuAdapter: string | null;
  webgpuIsFallback: boolean | null;
  /** Faster backends that were passed over, each with the reason. */
  skipped: SkippedBackend[];
  /** True when `?backend=` (or the CLI flag) forced the choice. */
  forced: boolean;
}

export interface SelectOptions {
  /** A backend the user asked for; invalid names are reported, not thrown. */
  override?: string | null;
  /** Where the tfjs WASM binaries live (a URL prefix or a file map); needed in bundled pages. */
  wasmPaths?: string | Record<string, string>;
  /** WASM threads; ignored where SharedArrayBuffer is unavailable. */
  wasmThreads?: number;
}

interface AdapterProbe {
  description: string | null;
  isFallback: boolean | null;
  error: string | null;
}

interface GpuAdapterLike {
  isFallbackAdapter?: boolean;
  info?: { vendor?: string; architecture?: string; device?: string; description?: string; isFallbackAdapter?: boolean };
}

function describeAdapter(adapter: GpuAdapterLike): { description: string; isFallback: boolean } {
  const info = adapter.info ?? {};
  const parts = [info.description, info.vendor, info.architecture, info.device].filter((p): p is string => !!p);
  const description = [...new Set(parts)].join(' / ') || 'unnamed adapter';
  // Chromium reports SwiftShader (a CPU emulation of a GPU) as a fallback adapter; older
  // versions only through the description, so check both.
  const isFallback = info.isFallbackAdapter === true || adapter.isFallbackAdapter === true || /swiftshader/i.test(description);
  return { description, isFallback };
}

async function probeWebGPU(): Promise<AdapterProbe> {
  const gpu = (globalThis as { navigator?: { gpu?: { requestAdapter(o?: object): Promise<unknown> } } }).navigator?.gpu;
  if (!gpu) return { description: null, isFallback: null, error: 'this browser exposes no WebGPU (navigator.gpu is missing)' };
  try {
    const adapter = (await gpu.requestAdapter({ powerPreference: 'high-performance' })) as GpuAdapterLike | null;
    if (!adapter) return { description: null, isFallback: null, error: 'no WebGPU adapter was found' };
    const { description, isFallback } = describeAdapter(adapter);
    return { description, isFallback, error: null };
  } catch (e) {
    return { description: null, isFallback: null, error: `WebGPU adapter request failed: ${String(e)}` };
  }
}

function hasSharedMemory(): boolean {
  return typeof SharedArrayBuffer !== 'undefined' && (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated === true;
}

/**
 * tfjs's threaded WASM build assumes two hardware threads per core: at start-up it halves
 * `navigator.hardwareConcurrency` and caps its pool there, whatever `setThreadsCount` asked, so a
 * 2-core machine gets one thread (docs/performance.md#threads). While the module starts, show it
 * twice the threads we want, so the cap becomes exactly our count; the real value returns after.
 */
async function withThreadCap<T>(threads: number | undefined, start: () => Promise<T>): Promise<T> {
  const nav = (globalThis as { navigator?: object }).navigator;
  if (!threads || !nav || !hasSharedMemory()) return start();
  Object.defineProperty(nav, 'hardwareConcurrency', { configurable: true, get: () => 2 * threads });
  try {
    return await start();
  } finally {
    delete (nav as { hardwareConcurrency?: number }).hardwareConcurrency;
  }
}

async function trySet(name: BackendName, threads?: number): Promise<string | null> {
  try {
    const ok = await (name === 'wasm' ? withThreadCap(threads, () => tf.setBackend(name)) : tf.setBackend(name));
    if (!ok) return `tfjs could not initialise ${name}`;
    await tf.ready();
    // A one-op smoke test: some backends initialise but fail on first use (lost context).
    const probe = tf.tidy(() => tf.add(tf.scalar(1), tf.scalar(1)));
    const value = (await probe.data())[0];
    probe.dispose();
    return value === 2 ? null : `${name} computed 1 + 1 = ${value}`;
  } catch (e) {
    return `${name} failed to start: ${e instanceof Error ? e.message : String(e)}`;
  }
}

async function deviceFor(name: BackendName, adapter: AdapterProbe): Promise<string> {
  if (name === 'webgpu') return adapter.description ?? 'WebGPU adapter';
  if (name === 'webgl') return 'GPU through WebGL';
  if (name === 'wasm') {
    const simd = await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT');
    const threaded = await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT');
    const features = [simd && 'SIMD', threaded ? `multithreaded, ${getThreadsCount()} pool thread(s)` : 'single thread'];
    return `CPU through WebAssembly (${features.filter(Boolean).join(', ')})`;
  }
  return 'CPU (plain JavaScript, slowest)';
}

/**
 * Picks a backend: WebGPU on a real GPU; WASM when the only adapter is a fallback or there is
 * none; then WebGL, then CPU. An override is tried first and falls back the same way if it fails.
 */
export async function selectBackend(options: SelectOptions = {}): Promise<BackendReport> {
  if (options.wasmPaths) setWasmPaths(options.wasmPaths as string);
  if (options.wasmThreads && hasSharedMemory()) setThreadsCount(options.wasmThreads);

  const skipped: SkippedBackend[] = [];
  const adapter = await probeWebGPU();
  const order: BackendName[] = [];
  const override = options.override?.toLowerCase().trim() || null;
  let forced = false;
  if (override) {
    if ((BACKENDS as readonly string[]).includes(override)) {
      order.push(override as BackendName);
      forced = true;
    } else {
      skipped.push({ backend: 'webgpu', reason: `unknown backend "${override}" requested; expected one of ${BACKENDS.join(', ')}` });
    }
  }
  if (!forced) {
    if (adapter.error) skipped.push({ backend: 'webgpu', reason: adapter.error });
    else if (adapter.isFallback)
      skipped.push({
        backend: 'webgpu',
        reason: `the only WebGPU adapter (${adapter.description}) is a software fallback, slower than WASM on this CPU`,
      });
    else order.push('webgpu');
  }
  for (const name of ['wasm', 'webgl', 'cpu'] as const) if (!order.includes(name)) order.push(name);

  for (const name of order) {
    if (!tf.findBackendFactory(name)) {
      skipped.push({ backend: name, reason: `${name} is not available in this environment` });
      continue;
    }
    const failure = await trySet(name, options.wasmThreads);
    if (failure === null) {
      return {
        backend: name,
        device: await deviceFor(name, adapter),
        webgpuAdapter: adapter.description,
        webgpuIsFallback: adapter.isFallback,
        skipped,
        forced: forced && name === order[0],
      };
    }
    skipped.push({ backend: name, reason: failure });
  }
  throw new Error(`No tfjs backend could start: ${skipped.map((s) => s.reason).join('; ')}`);
}

/** One line for logs and the CLI. */
export function describeReport(r: BackendReport): string {
  const why = r.skipped.length ? `; skipped ${r.skipped.map((s) => `${s.backend} (${s.reason})`).join(', ')}` : '';
  return `${r.backend} on ${r.device}${r.forced ? ' (forced)' : ''}${why}`;
}
