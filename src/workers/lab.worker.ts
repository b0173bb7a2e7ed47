// The lab worker: synthesises weather for the Data view and (later) restores photos, off the
// main thread. Exposed through Comlink; see LabApi for the calls.
import * as Comlink from 'comlink';
import type { BackendRequest } from '../state/backend';
import { backendReady, initBackend } from './backend-init';
import { synthesizeSample, type SynthesisRequest } from '../core/data/preview';
import { runGradientChecks } from '../core/backend/gradcheck';
import { pngBlob } from './png';

const api = {
  init: (request: BackendRequest) => initBackend(request),
  /** Checks every gradient the project relies on, on this worker's backend, against the CPU backend. */
  async checkGradients() {
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
