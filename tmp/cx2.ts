import { RESTORER_PRESETS, type RestorerConfig } from '../src/core/models/restorer-config';
import { restorerComplexity } from '../src/core/models/complexity';
const base = RESTORER_PRESETS.teacher;
const cands: [string, Partial<RestorerConfig>][] = [
  ['A', { widths: [24,48,96,192], encoderBlocks: [1,1,2,1], decoderBlocks: [1,1,1] }],
  ['A2', { widths: [24,48,96,192], encoderBlocks: [1,1,2,1], decoderBlocks: [1,1,2] }],
  ['B', { widths: [32,64,128,160], encoderBlocks: [1,1,1,1], decoderBlocks: [1,1,1] }],
  ['C', { levels: 3, widths: [32,64,128], encoderBlocks: [1,1,3], decoderBlocks: [1,1] }],
  ['D', { widths: [32,64,128,192], encoderBlocks: [1,1,1,1], decoderBlocks: [1,1,1] }],
  ['E', { widths: [24,48,96,160], encoderBlocks: [1,1,2,2], decoderBlocks: [1,1,2] }],
  ['F', { widths: [24,48,96,192], encoderBlocks: [1,1,1,1], decoderBlocks: [1,1,1] }],
  ['s10a', { widths: [8,16,32,64], encoderBlocks: [1,1,2,1], decoderBlocks: [1,1,1] }],
  ['s10b', { widths: [8,16,32,64], encoderBlocks: [1,1,2,1], decoderBlocks: [1,1,2] }],
  ['s10c', { widths: [8,16,32,48], encoderBlocks: [1,1,2,2], decoderBlocks: [1,1,2] }],
  ['s5a', { widths: [6,12,24,48], encoderBlocks: [1,1,1,1], decoderBlocks: [1,1,1] }],
  ['s5b', { widths: [8,16,24,32], encoderBlocks: [1,1,1,1], decoderBlocks: [0,1,1] }],
  ['s5c', { widths: [6,12,24,32], encoderBlocks: [1,1,2,1], decoderBlocks: [1,1,1] }],
  ['s5d', { widths: [8,12,24,48], encoderBlocks: [0,1,1,1], decoderBlocks: [1,1,1] }],
  ['s5e', { widths: [6,16,24,48], encoderBlocks: [1,1,1,1], decoderBlocks: [0,1,1] }],
];
const T = restorerComplexity({...base, widths: [24,48,96,192], encoderBlocks: [1,1,2,1], decoderBlocks: [1,1,1]});
for (const [n, p] of cands) { const c = { ...base, ...p } as RestorerConfig; const x = restorerComplexity(c);
  console.log(n, x.params, Math.round(x.flopsPerPixel), (x.flopsPerPixel/T.flopsPerPixel*100).toFixed(2)+'%', (x.params/T.params*100).toFixed(1)+'%', x.flopsPerPixelByLevel.map(Math.round)); }
