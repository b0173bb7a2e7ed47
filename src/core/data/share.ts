// The Data view as a link (#data?source=scene&weather=haze&seed=3&size=256&p.beta=2.5): the
// clean source, the weather, the seed, the size and the sliders the user set for that weather.
// Decoding checks each value against the weather's own parameter table; what does not fit is
// named and left at its default. A user's photo never travels: it stays in their browser.

import { CLEAN_SOURCES, type CleanSourceName } from './clean';
import { WEATHER_TYPES, WEATHERS, type WeatherType } from './weather';

export const DATA_VIEW_SIZES = [128, 256, 384, 512] as const;

export interface SharedDataView {
  source: CleanSourceName;
  weather: WeatherType;
  seed: number;
  size: number;
  /** The set sliders of `weather`; the others are sampled from the seed. */
  params: Record<string, number>;
}

/** Slider values travel as p.NAME. */
const PARAM = 'p.';

export function encodeDataShare(view: SharedDataView): string {
  const q = new URLSearchParams({ source: view.source, weather: view.weather, seed: String(view.seed), size: String(view.size) });
  for (const [k, v] of Object.entries(view.params)) q.set(`${PARAM}${k}`, String(v));
  return q.toString();
}

export const DATA_VIEW_DEFAULTS: SharedDataView = { source: 'scene', weather: 'rain', seed: 1, size: 256, params: {} };

export function decodeDataShare(query: string): { view: SharedDataView; problems: string[] } {
  const q = new URLSearchParams(query);
  const problems: string[] = [];
  const view: SharedDataView = { ...DATA_VIEW_DEFAULTS, params: {} };
  const source = q.get('source');
  if (source !== null) {
    if ((CLEAN_SOURCES as readonly string[]).includes(source)) view.source = source as CleanSourceName;
    else if (source === 'user') problems.push("the sender's photo stays in their browser: a procedural scene instead");
    else problems.push(`unknown source "${source}": scene instead`);
  }
  const weather = q.get('weather');
  if (weather !== null) {
    if ((WEATHER_TYPES as readonly string[]).includes(weather)) view.weather = weather as WeatherType;
    else problems.push(`unknown weather "${weather}": rain instead`);
  }
  const seed = q.get('seed');
  if (seed !== null) {
    const n = Number(seed);
    if (Number.isSafeInteger(n)) view.seed = n;
    else problems.push(`seed "${seed}" is not an integer: 1 instead`);
  }
  const size = q.get('size');
  if (size !== null) {
    if ((DATA_VIEW_SIZES as readonly number[]).includes(Number(size))) view.size = Number(size);
    else problems.push(`size "${size}" is not one of ${DATA_VIEW_SIZES.join(', ')}: 256 instead`);
  }
  const specs = WEATHERS[view.weather].params;
  for (const [key, text] of q) {
    if (['source', 'weather', 'seed', 'size'].includes(key)) continue;
    const spec = key.startsWith(PARAM) ? specs.find((s) => s.name === key.slice(PARAM.length)) : undefined;
    if (!spec) {
      problems.push(`unknown setting "${key}" ignored`);
      continue;
    }
    const v = Number(text);
    if (text.trim() === '' || !Number.isFinite(v) || v < spec.min || v > spec.max || (spec.type === 'int' && !Number.isInteger(v))) {
      problems.push(`${spec.label} "${text}" is outside ${spec.min} to ${spec.max}: sampled instead`);
      continue;
    }
    view.params[spec.name] = v;
  }
  return { view, problems };
}
