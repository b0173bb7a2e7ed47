import { create } from 'zustand';
import { persist } from 'zustand/middleware';
import { DEFAULT_METHOD, RUN_PARAMS, RUN_PRESETS, type RunPresetName } from '../core/run/config';

/** The Distill view's form; kept in localStorage so a reload keeps the user's settings. */
export interface DistillForm {
  method: string;
  preset: RunPresetName;
  student: string;
  steps: number;
  batch: number;
  patch: number;
  seed: number;
  methodOptions: Record<string, Record<string, number | string | boolean>>;
}

export const useDistillForm = create<
  DistillForm & { set(p: Partial<DistillForm>): void; setOption(method: string, name: string, v: number | string | boolean): void }
>()(
  persist(
    (set) => ({
      // The config's defaults and the quick preset: this file keeps none of its own.
      method: DEFAULT_METHOD,
      preset: 'quick',
      student: RUN_PRESETS.quick.student,
      steps: RUN_PRESETS.quick.steps,
      batch: RUN_PRESETS.quick.batch,
      patch: RUN_PRESETS.quick.patch,
      seed: RUN_PARAMS.seed.default,
      methodOptions: {},
      set: (p) => set(p),
      setOption: (method, name, v) => set((s) => ({ methodOptions: { ...s.methodOptions, [method]: { ...s.methodOptions[method], [name]: v } } })),
    }),
    { name: 'weatherkd.distill-form', version: 1 },
  ),
);
