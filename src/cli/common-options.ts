// Options shared by the commands that run models. Light on purpose (no tfjs): every CLI start
// loads the command table, and only the command that runs should pay for loading tfjs.

import type { OptionSpec } from './command';
import { intOption } from './number-option';

export const MODEL_OPTION = {
  type: 'string',
  valueName: 'teacher|DIR|FILE.zip',
  default: 'teacher',
  description: 'the shipped teacher, a restorer folder (model.json + weights.bin), a training run folder, or a student .zip downloaded from the page',
} as const;

/** The same tiles as the page's by default, chosen from the model (core/inference/restore.ts). */
export const TILE_OPTIONS = {
  tile: { type: 'string', valueName: 'PX', description: 'largest tile side (default: the largest whose activations fit 512 MiB, at most 1024)' },
  overlap: { type: 'string', valueName: 'PX', description: "least overlap between tiles (default: twice the model's measured border reach, plus 16)" },
} as const;

/** Tile flags as given; an absent one is chosen from the model (core/inference/restore.ts). */
export function tileValues(values: { tile?: string; overlap?: string }): { tile?: number; overlap?: number } {
  const tile = values.tile === undefined ? undefined : intOption('tile', values.tile, 16, 8192);
  const overlap = values.overlap === undefined ? undefined : intOption('overlap', values.overlap, 0, (tile ?? 1024) - 16);
  return { tile, overlap };
}

export const backendOption = (dflt?: string): OptionSpec => ({
  type: 'string',
  valueName: 'NAME',
  description: `tfjs backend: webgpu, webgl, wasm or cpu${dflt ? '' : ' (default: the fastest available; wasm in Node)'}`,
  ...(dflt ? { default: dflt } : {}),
});
