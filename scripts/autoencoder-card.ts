// Ships the trained clean-image autoencoder with its card (docs/autoencoder.md): scores its
// reconstructions of the synthetic clean evaluation images and of every clean photo folder in
// ../shared/data (kodak24, and the paired sets' targets; skipped with a message when the folder
// is absent), then writes the model, MODEL_CARD.md and card.json. Never copies a shared image.
//
//   npx tsx scripts/autoencoder-card.ts [--model .autoencoder-run] [--out public/models/autoencoder]
//        [--data ../shared/data] [--count 8] [--size 128] [--seed 2024] [--backend wasm]

import { existsSync, readdirSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { makeEvalSet } from '../src/core/data/pairs';
import { batchItem } from '../src/core/data/image';
import { WEATHER_TYPES } from '../src/core/data/weather';
import { quantize8, scorePair, summarize, type EvalSummary } from '../src/core/inference/evaluate';
import { countRestorerParams, restorerFlopsPerPixel } from '../src/core/models/complexity';
import { featureShapes } from '../src/core/models/restorer-config';
import type { TeacherState } from '../src/core/train/teacher';
import { startBackend } from '../src/cli/backend-option';
import { evaluateFilePairs } from '../src/cli/evaluate-pairs';
import { loadModelArg, REPO_ROOT } from '../src/cli/model-arg';
import { saveRestorerToDir } from '../src/cli/model-files';
import { pairByStem } from '../src/cli/paired-dir';
import { findCheckpointDir, STATE_JSON } from '../src/cli/teacher-checkpoint';

const { values } = parseArgs({
  options: {
    model: { type: 'string', default: '.autoencoder-run' },
    out: { type: 'string', default: path.join(REPO_ROOT, 'public/models/autoencoder') },
    data: { type: 'string', default: path.resolve(REPO_ROOT, '../shared/data') },
    count: { type: 'string', default: '8' },
    size: { type: 'string', default: '128' },
    seed: { type: 'string', default: '2024' },
    backend: { type: 'string', default: 'wasm' },
  },
});

const log = (line: string) => process.stderr.write(`${line}\n`);
const cell = (s: EvalSummary) => `${s.output.psnr.toFixed(2)} / ${s.output.ssim.toFixed(4)} | ${s.output.psnr_y.toFixed(2)} / ${s.output.ssim_y.toFixed(4)}`;

/** Clean photo folders in the shared data: unpaired clean/ folders and the paired sets' targets. */
function cleanFolders(dataDir: string): { name: string; dir: string }[] {
  return readdirSync(dataDir)
    .sort()
    .flatMap((d) => [
      { name: d, dir: path.join(dataDir, d, 'clean') },
      { name: `${d} targets`, dir: path.join(dataDir, d, 'target') },
    ])
    .filter((f) => existsSync(f.dir));
}

async function main(): Promise<void> {
  const [count, size, seed] = [Number(values.count), Number(values.size), Number(values.seed)];
  const report = await startBackend(values.backend, { stdout: process.stdout, stderr: process.stderr });
  const { restorer, dir } = await loadModelArg(values.model);
  const ckpt = findCheckpointDir(values.model);
  if (!ckpt) throw new Error(`${values.model} is not a training run: the card needs its state.json`);
  const state = JSON.parse(await readFile(path.join(ckpt, STATE_JSON), 'utf8')) as TeacherState;
  const t0 = performance.now();

  // The clean images of the fixed synthetic evaluation set, every weather type's scenes.
  const scores = [];
  for (const weather of WEATHER_TYPES) {
    const set = makeEvalSet(weather, count, size, seed);
    for (let i = 0; i < count; i++) {
      const clean = quantize8(batchItem(set.clean, i));
      scores.push(await scorePair(restorer, `${weather}-${i}`, clean, clean));
    }
  }
  const synthetic = summarize(scores);
  log(`synthetic clean (${synthetic.count}): ${synthetic.output.psnr.toFixed(2)} dB`);
  const photos: { name: string; summary: EvalSummary }[] = [];
  if (existsSync(values.data)) {
    for (const f of cleanFolders(values.data)) {
      const summary = await evaluateFilePairs(restorer, await pairByStem(f.dir, f.dir), { tile: 512, overlap: 64 });
      photos.push({ name: f.name, summary });
      log(`${f.name} (${summary.count}): ${summary.output.psnr.toFixed(2)} dB`);
    }
  } else log(`skipping the photos: ${values.data} does not exist`);
  const evalSeconds = Math.round((performance.now() - t0) / 1000);

  const config = restorer.config;
  const params = countRestorerParams(config);
  const flopsPerPixel = restorerFlopsPerPixel(config);
  const r = state.recipe;
  const tail = state.losses.slice(-100);
  const training = {
    recipe: r,
    steps: state.step,
    wallTimeMs: state.elapsedMs,
    backend: state.sessions.at(-1)?.backend ?? null,
    device: state.sessions.at(-1)?.device ?? null,
    finalLoss: tail.reduce((a, b) => a + b, 0) / tail.length,
    validations: state.validations.map((v) => ({ step: v.step, reconstructionPsnr: v.identityPsnr })),
  };
  const strip = (s: EvalSummary) => ({ count: s.count, output: s.output });
  const card = {
    model: { name: 'autoencoder', preset: restorer.preset ?? null, params, flopsPerPixel, config, files: ['model.json', 'weights.bin'] },
    training,
    evaluation: {
      backend: report.backend,
      device: report.device,
      seconds: evalSeconds,
      conventions: 'each clean image reconstructed (rounded to 8 bits) and scored against itself; PSNR and SSIM as in the teacher card',
      syntheticClean: { description: `the clean images of makeEvalSet(weather, ${count}, ${size}, ${seed}) for every weather type`, ...strip(synthetic) },
      photos: Object.fromEntries(photos.map((p) => [p.name, strip(p.summary)])),
    },
    generatedAt: new Date().toISOString(),
  };
  await mkdir(values.out, { recursive: true });
  await saveRestorerToDir(restorer, values.out, { info: { trainedBy: 'weatherkd train-autoencoder', card: 'MODEL_CARD.md', training } });
  restorer.dispose();
  await writeFile(path.join(values.out, 'card.json'), `${JSON.stringify(card, null, 2)}\n`);

  const shapes = featureShapes(config, 64, 64);
  const hours = (state.elapsedMs / 3_600_000).toFixed(2);
  const md = [
    '# Clean-image autoencoder: model card',
    '',
    "The WeatherKD clean-image autoencoder: a network that reconstructs clean images, used as DCKD's frozen encoder and as",
    "SLKD's second teacher (docs/autoencoder.md, docs/methods.md). It never saw weather. Files: `model.json` + `weights.bin`",
    '(TensorFlow.js layers format, architecture in `userDefinedMetadata.weatherkd`); machine-readable: `card.json`.',
    '',
    '## Model',
    '',
    `- Architecture: the autoencoder preset of the restorer family (\`src/core/models/restorer-config.ts\`): \`${JSON.stringify(config)}\`.`,
    '- No skip connections and no global residual: every image passes through the coarsest level, 64 channels at 1/8 of',
    '  the side, a third as many numbers as the image has, so the network cannot copy its input and must encode it.',
    `- Levels (for a 64x64 input): ${shapes.encoder.map(([h, w, c], i) => `level ${i}: ${h}x${w}x${c}`).join('; ')}; the same levels as the teacher and the students.`,
    `- Parameters: ${params.toLocaleString('en')}. FLOPs per input pixel (forward, multiply-add = 2): ${Math.round(flopsPerPixel).toLocaleString('en')}.`,
    '',
    '## Training',
    '',
    `- Command: \`weatherkd train-autoencoder --steps ${r.steps} --lr ${r.lr} --batch ${r.batch} --patch ${r.patch} --seed ${r.seed}${r.ssimWeight ? ` --ssim-weight ${r.ssimWeight}` : ''}\`.`,
    `- Data: clean images only, input = target: procedural scenes and dead-leaves images, half each, drawn fresh at every step${r.photos ? `, and crops of the photos in \`${r.photos.dir}\`` : ''}.`,
    `- Loss: L1${r.ssimWeight ? ` + ${r.ssimWeight} x (1 - SSIM on Y)` : ''}; Adam, peak learning rate ${r.lr}, ${r.warmupSteps} warm-up steps, cosine decay to ${(r.lr * r.finalLrFraction).toExponential(1)}.`,
    `- Steps: ${state.step}; wall time ${hours} h on ${training.backend ?? '?'} (${training.device ?? '?'}); final training loss (mean of the last 100 steps) ${training.finalLoss.toFixed(5)}.`,
    `- Reconstruction PSNR of the validation images during training: ${state.validations.map((v) => `step ${v.step}: ${v.identityPsnr?.toFixed(2)}`).join(', ')} dB.`,
    '',
    '## Evaluation: reconstruction of clean images',
    '',
    `Each clean image reconstructed, rounded to 8 bits and scored against itself (PSNR and SSIM as in the teacher's card). Evaluated on ${report.backend} in ${evalSeconds} s.`,
    '',
    '| images | count | RGB PSNR / SSIM | Y PSNR / SSIM |',
    '|---|---:|---:|---:|',
    `| synthetic clean evaluation images (${count} per weather type, ${size}x${size}) | ${synthetic.count} | ${cell(synthetic)} |`,
    ...photos.map((p) => `| \`../shared/data/${p.name}\` (real photos, never trained on) | ${p.summary.count} | ${cell(p.summary)} |`),
    '',
    `Generated ${card.generatedAt} by \`npx tsx scripts/autoencoder-card.ts\`.`,
    '',
  ].join('\n');
  await writeFile(path.join(values.out, 'MODEL_CARD.md'), md);
  log(`wrote ${values.out}: model, MODEL_CARD.md, card.json (from ${dir})`);
}

main().catch((e: unknown) => {
  log(`autoencoder-card: ${e instanceof Error ? e.message : String(e)}`);
  process.exitCode = 1;
});
