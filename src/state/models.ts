import { create } from 'zustand';
import { persist } from 'zustand/middleware';
import { TEACHER_ROLES } from '../core/methods/method';
import { listStoredModels, SHIPPED, type StoredModelInfo } from '../workers/model-store';

/** What the Restore view starts with: the shipped teacher. */
export const DEFAULT_MODEL = TEACHER_ROLES.restorer.shippedModel;

/** The restorers a user can pick: the shipped models, then their own, newest first. */
interface ModelsState {
  models: StoredModelInfo[];
  /** The model the Restore view uses; kept across reloads. */
  selected: string;
  error: string | null;
  refresh(): Promise<void>;
  select(id: string): void;
}

export const useModelsStore = create<ModelsState>()(
  persist(
    (set, get) => ({
      models: [...SHIPPED],
      selected: DEFAULT_MODEL,
      error: null,
      async refresh() {
        try {
          const stored = await listStoredModels();
          const models = [...SHIPPED, ...stored];
          const selected = models.some((m) => m.id === get().selected) ? get().selected : DEFAULT_MODEL;
          set({ models, selected, error: null });
        } catch (e) {
          set({ error: `Could not read the models stored in this browser: ${String(e)}` });
        }
      },
      select: (selected) => set({ selected }),
    }),
    { name: 'weatherkd.models', partialize: (s) => ({ selected: s.selected }) },
  ),
);
