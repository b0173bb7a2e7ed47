// Options shared by the commands that run models. Light on purpose (no tfjs): every CLI start
// loads the command table, and only the command that runs should pay for loading tfjs.

import type { OptionSpec } from './command';
import { intOption } from './number-option';

export const MODEL_OPTION = {
  type: 'string',
  valueName: 'teacher|DIR',
  default: 'teacher',
  description: 'the shipped teacher, a restorer folder (model.json + weights.bin) or a training run folder',
} as const;

/** CLI tiles are larger than the page's (memory is plentiful): photos up to 512 px run in one pass. */
export const TILE_OPTIONS = {
  tile: { type: 'string', valueName: 'PX', default: '512', description: 'images with a side above this run in tiles of this size' },
  overlap: { type: 'string', valueName: 'PX', default: '64', description: 'least overlap between neighbouring tiles' },
} as const;

export function tileValues(values: { tile: string; overlap: string }): { tile: number; overlap: number } {
  const tile = intOption('tile', values.tile, 16, 8192);
  const overlap = intOption('overlap', values.overlap, 0, tile - 16);
  return { tile, overlap };
}

export const backendOption = (dflt?: string): OptionSpec => ({
  type: 'string',
  valueName: 'NAME',
  description: `tfjs backend: webgpu, webgl, wasm or cpu${dflt ? '' : ' (default: the fastest available; wasm in Node)'}`,
  ...(dflt ? { default: dflt } : {}),
});
