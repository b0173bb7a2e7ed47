import { tf } from '../src/core/tf';
import { createRestorer } from '../src/core/models/restorer';
import { serializeRestorer, deserializeRestorer } from '../src/core/models/io';
await tf.setBackend('cpu');
const r = createRestorer({ levels: 3, widths: [4, 8, 12], encoderBlocks: [1, 1, 1], decoderBlocks: [1, 1], skip: 'concat', upsample: 'bilinear', globalResidual: true, activation: 'leakyRelu', zeroInitOutput: false });
const f = await serializeRestorer(r);
const j = JSON.parse(JSON.stringify(f.modelJson)); j.userDefinedMetadata.weatherkd.config.activation = 'relu';
try { await deserializeRestorer(j, f.weightsBin); } catch (e) { console.log((e as Error).message); }
