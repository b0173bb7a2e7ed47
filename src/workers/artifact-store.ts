// What a page run made besides its student (core/methods/method.ts, Artifact), in IndexedDB under
// the run's id: the worker writes it when the run ends, the page shows it and offers it as a zip
// (artifact-zip.ts), and deletes it with the run.

import { createStore, del, get, set } from 'idb-keyval';
import type { Artifact } from '../core/methods/method';

const store = () => createStore('weatherkd-artifacts', 'artifacts');

export const putArtifacts = (runId: string, artifacts: readonly Artifact[]) => set(runId, artifacts, store());
export const getArtifacts = async (runId: string): Promise<Artifact[]> => (await get<Artifact[]>(runId, store())) ?? [];
export const deleteArtifacts = (runId: string) => del(runId, store());
