import { create } from 'zustand';
import { persist } from 'zustand/middleware';
import type { RunPresetName } from '../core/run/config';

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

export const useDistillForm = create<DistillForm & { set(p: Partial<DistillForm>): void; setOption(method: string, name: string, v: number | string | boolean): void }>()(
  persist(
    (set) => ({
      method: 'dfl',
      preset: 'quick',
      student: 'student-5',
      steps: 60,
      batch: 4,
      patch: 32,
      seed: 1,
      methodOptions: {},
      set: (p) => set(p),
      setOption: (method, name, v) => set((s) => ({ methodOptions: { ...s.methodOptions, [method]: { ...s.methodOptions[method], [name]: v } } })),
    }),
    { name: 'weatherkd.distill-form', version: 1 },
  ),
);
