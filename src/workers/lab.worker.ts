// The lab worker: synthesises weather for the Data view and (later) restores photos, off the
// main thread. Exposed through Comlink; see LabApi for the calls.
import * as Comlink from 'comlink';
import { initBackend } from './backend-init';
import { synthesizeSample, type SynthesisRequest } from '../core/data/preview';

const api = {
  init: (override: string | null) => initBackend(override),
  synthesize(request: SynthesisRequest) {
    const result = synthesizeSample(request);
    return Comlink.transfer(result, [result.clean.data.buffer, result.degraded.data.buffer, result.depth.buffer]);
  },
};

export type LabApi = typeof api;
Comlink.expose(api);
