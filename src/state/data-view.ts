import { create } from 'zustand';
import { persist } from 'zustand/middleware';
import type { CleanSourceName } from '../core/data/clean';
import type { WeatherType } from '../core/data/weather';

/** The Data view's controls; kept in localStorage so a reload shows the same picture. */
export interface DataViewSettings {
  source: CleanSourceName | 'user';
  weather: WeatherType;
  seed: number;
  size: number;
  /** Slider values per weather type; a missing value is sampled from the seed. */
  params: Partial<Record<WeatherType, Record<string, number>>>;
}

interface DataViewState extends DataViewSettings {
  set(patch: Partial<DataViewSettings>): void;
  setParam(weather: WeatherType, name: string, value: number): void;
  resetParams(weather: WeatherType): void;
}

export const useDataViewStore = create<DataViewState>()(
  persist(
    (set) => ({
      source: 'scene',
      weather: 'rain',
      seed: 1,
      size: 256,
      params: {},
      set: (patch) => set(patch),
      setParam: (weather, name, value) => set((s) => ({ params: { ...s.params, [weather]: { ...s.params[weather], [name]: value } } })),
      resetParams: (weather) => set((s) => ({ params: { ...s.params, [weather]: {} } })),
    }),
    { name: 'weatherkd.data-view', version: 1 },
  ),
);
