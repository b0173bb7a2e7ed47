// The page's ModelCache: expensive method models (D4IR's prompt adapter and diffusion model) in
// IndexedDB, so a later run with the same settings reuses them, across reloads.

import { createStore, get, set } from 'idb-keyval';
import type { ModelCache } from '../core/methods/method';
import type { StoredModel } from '../core/models/param-set';

const store = () => createStore('weatherkd-method-models', 'models');

export const indexedDbModelCache: ModelCache = {
  load: async (key) => (await get<StoredModel>(key, store())) ?? null,
  save: (key, model) => set(key, model, store()),
};
