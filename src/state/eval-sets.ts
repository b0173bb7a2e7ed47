// The user's paired evaluation sets as the Compare view shows them, and the scores of models on
// them. The photos live in IndexedDB (workers/eval-set-store.ts); the scores in localStorage.
import { create } from 'zustand';
import { persist } from 'zustand/middleware';
import * as Comlink from 'comlink';
import type { EvalSummary } from '../core/inference/evaluate';
import { decodeToRGB } from '../workers/decode-image';
import { deleteEvalSet, EVAL_MAX_SIDE, listEvalSets, pairEvalPhotos, putEvalSet } from '../workers/eval-set-store';
import { guarded } from '../workers/client';
import { restoreWorker } from '../workers/restore-client';

interface EvalSetsState {
  sets: { name: string; count: number }[];
  /** scores[set][modelId]: the model's scores on the set. */
  scores: Record<string, Record<string, EvalSummary>>;
  busy: string | null;
  error: string | null;
  load(): Promise<void>;
  add(name: string, inputs: readonly File[], targets: readonly File[]): Promise<void>;
  remove(name: string): Promise<void>;
  score(name: string, models: readonly { id: string; label: string }[]): Promise<void>;
}

const decodeAll = (files: readonly File[]) =>
  Promise.all(files.map(async (f) => ({ name: f.name, image: await decodeToRGB(f, f.name, { maxSide: EVAL_MAX_SIDE }) })));

export const useEvalSetsStore = create<EvalSetsState>()(
  persist(
    (set) => ({
      sets: [],
      scores: {},
      busy: null,
      error: null,
      async load() {
        const sets = await listEvalSets().catch(() => []);
        set({ sets: sets.map((s) => ({ name: s.name, count: s.pairs.length })) });
      },
      async add(name, inputs, targets) {
        const trimmed = name.trim();
        try {
          if (!trimmed) throw new Error('Give the set a name.');
          if (!inputs.length || !targets.length) throw new Error('Choose the degraded photos and their clean versions.');
          const pairs = pairEvalPhotos(await decodeAll(inputs), await decodeAll(targets));
          await putEvalSet({ name: trimmed, pairs, createdAt: Date.now() });
          set((s) => ({
            sets: [...s.sets.filter((x) => x.name !== trimmed), { name: trimmed, count: pairs.length }],
            error: null,
            scores: { ...s.scores, [trimmed]: {} },
          }));
        } catch (e) {
          set({ error: e instanceof Error ? e.message : String(e) });
        }
      },
      async remove(name) {
        await deleteEvalSet(name);
        set((s) => {
          const { [name]: _gone, ...scores } = s.scores;
          void _gone;
          return { sets: s.sets.filter((x) => x.name !== name), scores };
        });
      },
      async score(name, models) {
        const w = restoreWorker();
        set({ error: null });
        try {
          for (const m of models) {
            set({ busy: `scoring ${m.label} on "${name}"…` });
            const summary = await guarded(
              w,
              w.api.scoreEvalSet(
                name,
                m.id,
                Comlink.proxy((done: number, total: number) => {
                  set({ busy: `scoring ${m.label} on "${name}": ${done} of ${total}` });
                }),
              ),
            );
            set((s) => ({ scores: { ...s.scores, [name]: { ...s.scores[name], [m.id]: summary } } }));
          }
        } catch (e) {
          set({ error: e instanceof Error ? e.message : String(e) });
        } finally {
          set({ busy: null });
        }
      },
    }),
    { name: 'weatherkd.eval-scores', partialize: (s) => ({ scores: s.scores }) },
  ),
);
