import { RESTORER_PRESETS, type RestorerConfig } from '../src/core/models/restorer-config';
import { restorerComplexity } from '../src/core/models/complexity';
const base = {...RESTORER_PRESETS.teacher, widths: [24,48,96,192], encoderBlocks: [1,1,1,1], decoderBlocks: [1,1,1]};
const T = restorerComplexity(base);
for (const w of [[8,16,28,56],[8,16,32,56],[8,16,28,64],[8,16,32,64],[6,12,20,40],[6,12,24,40],[6,12,20,44],[6,12,24,44],[4,12,24,48],[8,12,20,40]]) {
  const x = restorerComplexity({...base, widths: w} as RestorerConfig);
  console.log(w.join('/'), x.params, Math.round(x.flopsPerPixel), (x.flopsPerPixel/T.flopsPerPixel*100).toFixed(2)+'%', (x.params/T.params*100).toFixed(1)+'%');
}
