// Weight-space interpolation of two restorers of the same architecture, one fine-tuned from the
// other: weights = (1 - alpha) * A + alpha * B (as WiSE-FT, Wortsman et al., CVPR 2022, does for a
// fine-tuned model and its starting point). Fine-tuning the teacher on haze and snow cost it light
// real rain; a blend keeps part of each (docs/teacher-card-appendix.md, stage 8).
//   npx tsx scripts/blend-models.ts --a teacher --b runs/teacher-s8/snapshots/step-001200 --alpha 0.5 --out runs/blend-50
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import { startBackend } from '../src/cli/backend-option';
import { loadModelArg } from '../src/cli/model-arg';
import { saveRestorerToDir } from '../src/cli/model-files';
import { readRestorerMetadata } from '../src/core/models/io';

const { values } = parseArgs({
  options: { a: { type: 'string' }, b: { type: 'string' }, alpha: { type: 'string', default: '0.5' }, out: { type: 'string' } },
});
const alpha = Number(values.alpha);
if (!values.a || !values.b || !values.out || !(alpha >= 0 && alpha <= 1)) {
  console.error('usage: blend-models.ts --a MODEL --b MODEL --alpha X (0 to 1) --out DIR');
  process.exit(2);
}
await startBackend('wasm', { stdout: process.stderr, stderr: process.stderr });
const [a, b] = await Promise.all([loadModelArg(values.a), loadModelArg(values.b)]);
if (JSON.stringify(a.restorer.config) !== JSON.stringify(b.restorer.config))
  throw new Error('the two models differ in architecture: only models of one config can be blended');
const wa = a.restorer.model.getWeights();
const wb = b.restorer.model.getWeights();
a.restorer.model.setWeights(wa.map((w, i) => tf.tidy(() => w.mul(1 - alpha).add(wb[i].mul(alpha)))));
const meta = readRestorerMetadata(JSON.parse(await readFile(path.join(b.dir, 'model.json'), 'utf8')));
await saveRestorerToDir(a.restorer, values.out, { info: { ...meta.info, blend: { a: values.a, b: values.b, alpha } } });
console.log(`blended ${values.a} and ${values.b} at alpha ${alpha} into ${values.out}`);
