// Checkpoints of the page's distillation runs, in IndexedDB under the run's id (docs/architecture.md,
// "Resumable runs"): the worker writes one every half minute and when a run is paused or stopped,
// and reads it to continue the run; the page deletes it with the run. Stored as the plain object
// it is (Float32Arrays included): no packing. The page imports this module too: it must not pull
// in tfjs (the run loop checks a checkpoint before it uses one, core/run/loop.ts).

import { createStore, del, get, set } from 'idb-keyval';
import type { RunCheckpoint } from '../core/run/checkpoint';

const store = () => createStore('weatherkd-checkpoints', 'checkpoints');

export const putCheckpoint = (runId: string, cp: RunCheckpoint) => set(runId, cp, store());
export const deleteCheckpoint = (runId: string) => del(runId, store());

export async function getCheckpoint(runId: string): Promise<RunCheckpoint> {
  const cp = await get<unknown>(runId, store());
  if (cp === undefined) throw new Error('This run has no checkpoint in this browser any more (it completed, or its storage was cleared).');
  return cp as RunCheckpoint;
}
