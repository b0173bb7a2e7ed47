import { create } from 'zustand';
import { persist } from 'zustand/middleware';
import { listStoredModels, SHIPPED_TEACHER, type StoredModelInfo } from '../workers/model-store';

/** The restorers a user can pick: the shipped teacher, then their own, newest first. */
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
      models: [SHIPPED_TEACHER],
      selected: SHIPPED_TEACHER.id,
      error: null,
      async refresh() {
        try {
          const stored = await listStoredModels();
          const models = [SHIPPED_TEACHER, ...stored];
          const selected = models.some((m) => m.id === get().selected) ? get().selected : SHIPPED_TEACHER.id;
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
