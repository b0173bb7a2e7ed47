// A restorer small enough for unit tests to train in milliseconds: two levels, 4 and 8 channels.
import type { RestorerConfig } from './restorer-config';

export function tinyRestorerConfig(overrides: Partial<RestorerConfig> = {}): RestorerConfig {
  return {
    levels: 2,
    widths: [4, 8],
    encoderBlocks: [1, 1],
    decoderBlocks: [1],
    skip: 'add',
    upsample: 'bilinear',
    globalResidual: true,
    activation: 'relu',
    zeroInitOutput: true,
    ...overrides,
  };
}
