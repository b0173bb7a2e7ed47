import { create } from 'zustand';
import { persist } from 'zustand/middleware';
import { DEFAULT_METHOD, defaultRunParams, type RunParamKey, type RunParams, type RunPresetName } from '../core/run/config';
import type { ParamValue } from '../core/run/params';
import type { SharedForm } from '../core/run/share';

/**
 * The Distill view's form: only what the user changed, on top of the preset's values (the config
 * holds every default; this file none). Kept in localStorage so a reload keeps the settings.
 */
export interface DistillForm {
  method: string;
  preset: RunPresetName;
  /** RUN_PARAMS values the user set; a new preset clears them. */
  values: Partial<Record<RunParamKey, ParamValue>>;
  methodOptions: Record<string, Record<string, ParamValue>>;
}

interface FormActions {
  setMethod(method: string): void;
  setPreset(preset: RunPresetName): void;
  setValue(key: RunParamKey, value: ParamValue): void;
  setOption(method: string, name: string, value: ParamValue): void;
  /** Replaces the form by a shared one (method, preset, settings and that method's options). */
  load(shared: SharedForm): void;
}

/** Every run setting as the form shows it: the user's value, else the preset's. */
export const formParams = (f: Pick<DistillForm, 'preset' | 'values'>): RunParams => ({ ...defaultRunParams(f.preset), ...f.values }) as RunParams;

export const useDistillForm = create<DistillForm & FormActions>()(
  persist(
    (set) => ({
      method: DEFAULT_METHOD,
      preset: 'quick',
      values: {},
      methodOptions: {},
      setMethod: (method) => set({ method }),
      setPreset: (preset) => set({ preset, values: {} }),
      setValue: (key, value) => set((s) => ({ values: { ...s.values, [key]: value } })),
      setOption: (method, name, value) => set((s) => ({ methodOptions: { ...s.methodOptions, [method]: { ...s.methodOptions[method], [name]: value } } })),
      load: (shared) =>
        set((s) => ({
          method: shared.method,
          preset: shared.preset,
          values: shared.values,
          methodOptions: { ...s.methodOptions, [shared.method]: shared.methodOptions },
        })),
    }),
    {
      name: 'weatherkd.distill-form',
      version: 2,
      // Version 1 kept five settings as fields of their own.
      migrate: (old, version) => {
        const o = old as Record<string, unknown>;
        if (version >= 2) return o as unknown as DistillForm;
        const values = Object.fromEntries((['student', 'steps', 'batch', 'patch', 'seed'] as const).filter((k) => o[k] !== undefined).map((k) => [k, o[k]]));
        return { method: o.method, preset: o.preset, values, methodOptions: o.methodOptions ?? {} } as DistillForm;
      },
    },
  ),
);
