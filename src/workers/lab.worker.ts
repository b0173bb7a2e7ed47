// The lab worker: synthesises weather for the Data view and (later) restores photos, off the
// main thread. Exposed through Comlink; see LabApi for the calls.
import * as Comlink from 'comlink';
import type { BackendRequest } from '../state/backend';
import { synthesizeSample, type SynthesisRequest } from '../core/data/preview';
import { pngBlob } from './png';

// Synthesis needs no TensorFlow.js: it is loaded after the worker is up, so that the first images
// do not wait for it (about 2.5 MB of script).
const backend = () => import('./backend-init');

const api = {
  init: async (request: BackendRequest) => (await backend()).initBackend(request),
  /** Checks every gradient the project relies on, on this worker's backend, against the CPU backend. */
  async checkGradients() {
    const [{ backendReady }, { runGradientChecks }] = await Promise.all([backend(), import('../core/backend/gradcheck')]);
    await backendReady(); // switching to the CPU reference mid-initialisation would race setBackend
    return runGradientChecks();
  },
  /** The degraded image of a synthesis as a PNG file (the Restore view's sample photo). */
  async synthesizePng(request: SynthesisRequest): Promise<Blob> {
    return pngBlob(synthesizeSample(request).degraded);
  },
  synthesize(request: SynthesisRequest) {
    const result = synthesizeSample(request);
    return Comlink.transfer(result, [result.clean.data.buffer, result.degraded.data.buffer, result.depth.buffer]);
  },
};

export type LabApi = typeof api;
Comlink.expose(api);
