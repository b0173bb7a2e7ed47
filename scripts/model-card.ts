// Ships a trained teacher with its model card: evaluates a saved restorer on the fixed synthetic
// evaluation set (every weather type) and on every paired set in ../shared/data (skipped with a
// message when that folder is absent), then writes the model (model.json + weights.bin),
// MODEL_CARD.md and card.json into the output folder. Never copies a shared/data image.
//
//   npx tsx scripts/model-card.ts [--model .teacher-run] [--out public/models/teacher]
//        [--data ../shared/data] [--count 8] [--size 128] [--seed 2024] [--backend wasm] [--note TEXT]...
//        [--appendix FILE.md]
//
// --model takes a training run folder (its checkpoint's state.json supplies recipe, steps and
// wall time) or a restorer folder (then model.json's metadata does).

import { existsSync, readdirSync, statSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { makeEvalSet } from '../src/core/data/pairs';
import { batchItem } from '../src/core/data/image';
import { WEATHER_TYPES, type WeatherType } from '../src/core/data/weather';
import { quantize8, scorePair, summarize, type EvalSummary } from '../src/core/inference/evaluate';
import type { ImageScores } from '../src/core/metrics/common';
import { countRestorerParams, restorerFlopsPerPixel } from '../src/core/models/complexity';
import { readRestorerMetadata } from '../src/core/models/io';
import { findPresetName } from '../src/core/models/restorer-config';
import type { TeacherState } from '../src/core/train/teacher';
import type { TeacherInit, TeacherRecipe } from '../src/core/train/teacher-recipe';
import { startBackend } from '../src/cli/backend-option';
import { CliError } from '../src/cli/command';
import { evaluateFilePairs } from '../src/cli/evaluate-pairs';
import { loadModelArg, REPO_ROOT } from '../src/cli/model-arg';
import { MODEL_JSON, saveRestorerToDir } from '../src/cli/model-files';
import { pairByStem } from '../src/cli/paired-dir';
import { findCheckpointDir, STATE_JSON } from '../src/cli/teacher-checkpoint';
import {
  INDEPENDENT_CONDITIONS,
  independentWeatherPair,
  kodakTestPhotos,
  projectWeatherPair,
  realSetPairs,
  scorePairs,
  syntheticPairs,
} from '../src/cli/teacher-sets';
import { KODAK_TEST_PHOTOS } from '../src/core/data/splits';

const { values } = parseArgs({
  options: {
    model: { type: 'string', default: '.teacher-run' },
    out: { type: 'string', default: path.join(REPO_ROOT, 'public/models/teacher') },
    data: { type: 'string', default: path.resolve(REPO_ROOT, '../shared/data') },
    count: { type: 'string', default: '8' },
    size: { type: 'string', default: '128' },
    seed: { type: 'string', default: '2024' },
    backend: { type: 'string', default: 'wasm' },
    /** A sentence for the Training section that the state cannot tell (e.g. a schedule changed on resume); repeatable. */
    note: { type: 'string', multiple: true, default: [] },
    /** A markdown file appended to the card as is (findings the numbers alone do not tell). */
    appendix: { type: 'string' },
  },
});

const log = (line: string) => process.stderr.write(`${line}\n`);

/** What the card says about training, from a checkpoint's state.json or model.json metadata. */
interface TrainingInfo {
  recipe: unknown;
  steps: number | null;
  wallTimeMs: number | null;
  backend: string | null;
  device: string | null;
  sessions: { fromStep: number; toStep: number }[];
  /** Mean loss of the last 100 steps. */
  finalLoss: number | null;
  validations: unknown[];
}

async function trainingInfo(modelArg: string, modelDir: string): Promise<TrainingInfo> {
  const ckpt = existsSync(modelArg) ? findCheckpointDir(modelArg) : null;
  if (ckpt) {
    const s = JSON.parse(await readFile(path.join(ckpt, STATE_JSON), 'utf8')) as TeacherState;
    const last = s.sessions.at(-1);
    const tail = s.losses.slice(-100);
    return {
      recipe: s.recipe,
      steps: s.step,
      wallTimeMs: s.elapsedMs,
      backend: last?.backend ?? null,
      device: last?.device ?? null,
      sessions: s.sessions,
      finalLoss: tail.length ? tail.reduce((a, b) => a + b, 0) / tail.length : null,
      validations: s.validations,
    };
  }
  // A shipped model: its model.json carries the training info of the card that shipped it.
  const info = (readRestorerMetadata(await readFile(path.join(modelDir, MODEL_JSON), 'utf8')).info ?? {}) as Record<string, unknown>;
  const training = (info.training ?? {}) as Partial<TrainingInfo>;
  return {
    recipe: training.recipe ?? info.recipe ?? null,
    steps: training.steps ?? (info.step as number | undefined) ?? null,
    wallTimeMs: training.wallTimeMs ?? (info.elapsedMs as number | undefined) ?? null,
    backend: training.backend ?? (info.backend as string | undefined) ?? null,
    device: training.device ?? null,
    sessions: training.sessions ?? [],
    finalLoss: training.finalLoss ?? null,
    validations: training.validations ?? [],
  };
}

/** The weather of each known shared set (../shared/data/README.md), for the card's table. */
const SET_WEATHER: Readonly<Record<string, string>> = {
  rain100h: 'rain streaks, heavy',
  'rain100l-10': 'rain streaks, light',
  rain12: 'rain streaks, light',
  'sots-outdoor-2': 'haze',
  'raindrop-4': 'raindrops on glass',
};

interface SetResult {
  name: string;
  summary: EvalSummary;
  /** Shown after the name, e.g. that the photos trained the model. */
  note?: string;
}

/** The paired sets (input/ + target/) in the shared data folder, and the unpaired ones. */
function sharedSets(dataDir: string): { paired: string[]; unpaired: string[] } {
  const dirs = readdirSync(dataDir)
    .filter((d) => statSync(path.join(dataDir, d)).isDirectory())
    .sort();
  const isPaired = (d: string) => existsSync(path.join(dataDir, d, 'input')) && existsSync(path.join(dataDir, d, 'target'));
  return { paired: dirs.filter(isPaired), unpaired: dirs.filter((d) => !isPaired(d)) };
}

const fmt = (s: ImageScores) => `${s.psnr.toFixed(2)} / ${s.ssim.toFixed(4)}, Y ${s.psnr_y.toFixed(2)} / ${s.ssim_y.toFixed(4)}`;
const cell = (psnr: number, ssim: number) => `${psnr.toFixed(2)} / ${ssim.toFixed(4)}`;
const signed = (v: number) => `${v >= 0 ? '+' : ''}${v.toFixed(2)}`;

function row(name: string, s: EvalSummary): string {
  const { input: a, output: b } = s;
  return (
    `| ${name} | ${s.count} | ${cell(a.psnr, a.ssim)} | ${cell(b.psnr, b.ssim)} | ${signed(b.psnr - a.psnr)} | ` +
    `${cell(a.psnr_y, a.ssim_y)} | ${cell(b.psnr_y, b.ssim_y)} | ${signed(b.psnr_y - a.psnr_y)} |`
  );
}

const TABLE_HEAD = [
  '| set | images | input RGB PSNR / SSIM | restored RGB PSNR / SSIM | gain (dB) | input Y PSNR / SSIM | restored Y PSNR / SSIM | gain Y (dB) |',
  '|---|---:|---:|---:|---:|---:|---:|---:|',
];

function compactSummary(s: EvalSummary) {
  return { count: s.count, input: s.input, output: s.output, images: s.images };
}

async function main(): Promise<void> {
  const int = (name: string, v: string, min: number): number => {
    const n = Number(v);
    if (!Number.isSafeInteger(n) || n < min) throw new CliError(`--${name} must be an integer >= ${min}, got "${v}"`);
    return n;
  };
  const count = int('count', values.count, 1);
  const size = int('size', values.size, 16);
  const seed = int('seed', values.seed, 0);
  const report = await startBackend(values.backend, { stdout: process.stdout, stderr: process.stderr });
  const { restorer, dir: modelDir } = await loadModelArg(values.model);
  const training = await trainingInfo(values.model, modelDir);
  const config = restorer.config;
  const t0 = performance.now();

  // 1. The fixed synthetic evaluation set: scenes (they have depth, which haze needs), severities
  //    spread evenly over [0, 1], inputs and targets rounded to 8 bits as if saved as PNG.
  const synthetic: Partial<Record<WeatherType, EvalSummary>> = {};
  for (const weather of WEATHER_TYPES) {
    const set = makeEvalSet(weather, count, size, seed);
    const scores = [];
    for (let i = 0; i < count; i++) {
      const input = quantize8(batchItem(set.degraded, i));
      const target = quantize8(batchItem(set.clean, i));
      scores.push(await scorePair(restorer, `${weather}-${i}`, input, target));
    }
    synthetic[weather] = summarize(scores);
    log(`synthetic ${weather}: ${fmt(synthetic[weather]!.input)} -> ${fmt(synthetic[weather]!.output)}`);
  }
  const allSynthetic = summarize(WEATHER_TYPES.flatMap((w) => synthetic[w]!.images));

  // 2. Every paired set in ../shared/data, read in place.
  const sets: SetResult[] = [];
  const cleanSets: SetResult[] = [];
  const notes: string[] = [];
  let unpaired: string[] = [];
  if (existsSync(values.data)) {
    const found = sharedSets(values.data);
    unpaired = found.unpaired;
    for (const name of found.paired) {
      const pairs = await pairByStem(path.join(values.data, name, 'input'), path.join(values.data, name, 'target'));
      const summary = await evaluateFilePairs(restorer, pairs, { tile: 512, overlap: 64 });
      sets.push({ name, summary });
      log(`${name} (${summary.count}): ${fmt(summary.input)} -> ${fmt(summary.output)}`);
      // Its clean targets are clean photos no training ever saw.
      const targets = path.join(values.data, name, 'target');
      const clean = await evaluateFilePairs(restorer, await pairByStem(targets, targets), { tile: 512, overlap: 64 });
      cleanSets.push({ name: `${name} targets`, summary: clean });
    }
    // Clean photos: how much the model changes an image that has no weather in it.
    for (const name of found.unpaired) {
      const dir = path.join(values.data, name, 'clean');
      if (!existsSync(dir)) continue;
      const summary = await evaluateFilePairs(restorer, await pairByStem(dir, dir), { tile: 512, overlap: 64 });
      const trained = photoDirs(training.recipe).includes(path.resolve(dir));
      const photos = (training.recipe as Record<string, unknown> | null)?.photos as TeacherRecipe['photos'];
      const heldOut = photos ? heldOutPhotos(photos).length : 0;
      const note = heldOut > 0 ? `training photos, ${heldOut} of them held out` : 'training photos';
      cleanSets.push({ name, summary, ...(trained ? { note } : {}) });
      log(`${name} (clean, ${summary.count}): restored vs the photo ${fmt(summary.output)}`);
    }
  } else {
    notes.push(`The real paired sets were skipped: ${values.data} does not exist.`);
    log(`skipping the real sets: ${values.data} does not exist`);
  }

  // 3. Held-out tests (docs/data.md#splits): the far ends of the weather ranges, rain100h's two
  //    halves, and the Kodak photos that training never saw, under the project's weather and
  //    under the independent synthesiser.
  const tests: SetResult[] = [];
  const test = async (name: string, summary: EvalSummary, note?: string) => {
    tests.push({ name, summary, ...(note ? { note } : {}) });
    log(`${name}: ${fmt(summary.input)} -> ${fmt(summary.output)}`);
  };
  for (const w of ['haze', 'snow', 'heavy-rain'] as const) await test(`${w}, far ends`, await scorePairs(restorer, syntheticPairs(w, count, size, seed, true)));
  if (existsSync(values.data)) {
    for (const split of ['dev', 'test'] as const) {
      const pairs = await realSetPairs(values.data, 'rain100h', split);
      if (pairs)
        await test(
          `rain100h ${split}`,
          await evaluateFilePairs(restorer, pairs, { tile: 512, overlap: 64 }),
          split === 'dev' ? 'chose the checkpoint' : undefined,
        );
    }
    const photos = existsSync(path.join(values.data, 'kodak24')) ? await kodakTestPhotos(values.data) : [];
    const trainedOn = photoNames(training.recipe);
    const seen = photos.filter((p) => trainedOn.some((n) => n.startsWith(p.name)));
    if (photos.length > 0) {
      const note = seen.length > 0 ? `${seen.length} of these photos were training scenes` : undefined;
      for (const w of WEATHER_TYPES) {
        const pairs = photos.flatMap((p) => [0.25, 0.75].map((sev, k) => ({ ...projectWeatherPair(p, w, sev, seed + k), name: `${p.name}-${w}-${k}` })));
        await test(`kodak test photos, ${w}`, await scorePairs(restorer, pairs), note);
      }
      for (const c of INDEPENDENT_CONDITIONS) {
        await test(
          `kodak test photos, independent ${c}`,
          await scorePairs(
            restorer,
            photos.map((p) => independentWeatherPair(p, c, seed)),
          ),
          note,
        );
      }
    }
  }
  const evalSeconds = (performance.now() - t0) / 1000;

  const params = countRestorerParams(config);
  const flopsPerPixel = restorerFlopsPerPixel(config);
  const preset = findPresetName(config) ?? null;
  const generatedAt = new Date().toISOString();
  const card = {
    model: { name: preset ?? 'restorer', preset, params, flopsPerPixel, config, files: ['model.json', 'weights.bin'] },
    training,
    evaluation: {
      backend: report.backend,
      device: report.device,
      seconds: Math.round(evalSeconds),
      conventions:
        'PSNR = 10 log10(1/MSE) on RGB in [0, 1] and on BT.601 Y (BasicSR); SSIM as scikit-image (11x11 Gaussian, sigma 1.5, ' +
        'data_range 1), RGB SSIM the mean of the channels; restored images rounded to 8 bits; means over images, PSNR averaged in dB.',
      synthetic: {
        description: `makeEvalSet(weather, ${count}, ${size}, seed ${seed}): procedural scenes, severities (i + 0.5) / ${count}`,
        count,
        size,
        seed,
        perWeather: Object.fromEntries(WEATHER_TYPES.map((w) => [w, compactSummary(synthetic[w]!)])),
        all: { count: allSynthetic.count, input: allSynthetic.input, output: allSynthetic.output },
      },
      sets: Object.fromEntries(sets.map((s) => [s.name, { weather: SET_WEATHER[s.name] ?? null, ...compactSummary(s.summary) }])),
      heldOut: Object.fromEntries(tests.map((s) => [s.name, compactSummary(s.summary)])),
      cleanPhotos: Object.fromEntries(cleanSets.map((s) => [s.name, { count: s.summary.count, output: s.summary.output, images: s.summary.images }])),
      unpairedSetsNotScored: unpaired.filter((u) => !cleanSets.some((c) => c.name === u)),
      notes,
    },
    generatedAt,
  };

  // The model itself, with the card's training summary in its metadata.
  await mkdir(values.out, { recursive: true });
  await saveRestorerToDir(restorer, values.out, {
    info: { trainedBy: 'weatherkd train-teacher', card: 'MODEL_CARD.md', training: { ...training, sessions: undefined } },
  });
  restorer.dispose();
  await writeFile(path.join(values.out, 'card.json'), `${JSON.stringify(card, null, 2)}\n`);
  const appendix = values.appendix ? await readFile(values.appendix, 'utf8') : '';
  const md = markdown(card, synthetic, allSynthetic, sets, tests, cleanSets, card.evaluation.unpairedSetsNotScored, notes);
  await writeFile(path.join(values.out, 'MODEL_CARD.md'), appendix ? `${md}\n${appendix.trim()}\n` : md);
  log(`wrote ${path.join(values.out, 'MODEL_CARD.md')}, card.json and the model (${evalSeconds.toFixed(0)} s of evaluation)`);
}

/** A short training curve: validation PSNR at up to 12 checkpoints, evenly picked. */
function validationLines(validations: unknown[], set: { count: number; size: number } | undefined): string[] {
  const v = validations as { step: number; meanPsnr: number; meanInputPsnr: number; identityPsnr?: number }[];
  if (v.length === 0) return [];
  const picked = v.length <= 12 ? v : Array.from({ length: 12 }, (_, i) => v[Math.round((i * (v.length - 1)) / 11)]);
  return [
    `- Validation during training (mean RGB PSNR of ${set ? `${set.count} synthetic ${set.size}x${set.size} image(s)` : 'a few synthetic images'} ` +
      `per weather type; the inputs score ${v[0].meanInputPsnr.toFixed(2)} dB): ` +
      picked.map((x) => `step ${x.step}: ${x.meanPsnr.toFixed(2)}`).join(', ') +
      '.',
    ...(v.at(-1)?.identityPsnr !== undefined
      ? [
          `- The same images' clean versions, restored, against themselves (what the network changes where there is no weather): ` +
            picked
              .filter((x) => x.identityPsnr !== undefined)
              .map((x) => `step ${x.step}: ${x.identityPsnr!.toFixed(2)}`)
              .join(', ') +
            ' dB.',
        ]
      : []),
  ];
}

const sumOrNull = (v: (number | null)[]): number | null => (v.every((x) => x !== null) ? (v as number[]).reduce((a, b) => a + b, 0) : null);

/** What a recipe adds to plain synthetic pairs, in words. */
function batchExtras(r: Record<string, unknown>): string[] {
  const num = (k: string): number | undefined => (typeof r[k] === 'number' ? (r[k] as number) : undefined);
  const identity = num('identityShare') ?? 0;
  const pale = num('paleSkyShare') ?? 0;
  const litter = num('litterShare') ?? 0;
  const far = num('farDepth') ?? 1;
  const photos = r.photos as TeacherRecipe['photos'];
  return [
    ...(photos && photos.share > 0
      ? [
          `${Math.round(photos.share * 100)}% of the scenes cropped at random zoom from the ${photos.names.length} clean photos in \`${photos.dir}\` (depth from a prior)`,
        ]
      : []),
    ...(identity > 0
      ? [
          `${Math.round(identity * 100)}% identity pairs (the clean image in and out; half of them first made pale and flat, like an overcast sky or a white wall)`,
        ]
      : []),
    ...(pale > 0 ? [`${Math.round(pale * 100)}% of the scenes with a pale, low-contrast sky`] : []),
    ...(litter > 0 ? [`${Math.round(litter * 100)}% of the scenes with fallen leaves and grass blades on the ground`] : []),
    ...((num('extremeShare') ?? 0) > 0
      ? [`${Math.round(num('extremeShare')! * 100)}% of the pairs with weather from the wider ranges (dense haze, fine and coarse snow, the heaviest rain)`]
      : []),
    ...(far < 1 ? [`each image's depth clipped at a level drawn from [${far}, 1], so haze leaves the sky partly visible more often`] : []),
  ];
}

function lossWords(r: Record<string, unknown>): string {
  const w = typeof r.ssimWeight === 'number' ? r.ssimWeight : 0;
  return `L1 between the restored and the clean image${w > 0 ? `, plus ${w} x (1 - SSIM on Y)` : ''}`;
}

/** The train-teacher flags that reproduce a recipe. */
function trainFlags(r: Record<string, unknown>, init?: string): string {
  const opt = (flag: string, key: string) => (r[key] !== undefined ? [`--${flag} ${String(r[key])}`] : []);
  const photos = r.photos as TeacherRecipe['photos'];
  return [
    ...opt('steps', 'steps'),
    ...opt('lr', 'lr'),
    ...opt('warmup', 'warmupSteps'),
    ...opt('batch', 'batch'),
    ...opt('patch', 'patch'),
    ...opt('seed', 'seed'),
    ...(r.init ? [`--init ${init ?? (r.init as TeacherInit).model}`] : []),
    ...opt('identity-share', 'identityShare'),
    ...opt('pale-sky-share', 'paleSkyShare'),
    ...opt('litter-share', 'litterShare'),
    ...opt('far-depth', 'farDepth'),
    ...opt('extreme-share', 'extremeShare'),
    ...opt('ssim-weight', 'ssimWeight'),
    ...(Array.isArray(r.weathers) && r.weathers.length < WEATHER_TYPES.length ? [`--weathers ${r.weathers.join(',')}`] : []),
    ...(photos ? [`--photos ${photos.dir} --photo-share ${photos.share}`] : []),
    ...(photos && heldOutPhotos(photos).length > 0 ? [`--exclude-photos ${heldOutPhotos(photos).join(',')}`] : []),
  ].join(' ');
}

/** The held-out Kodak photos a recipe left out of its photo folder. */
function heldOutPhotos(photos: NonNullable<TeacherRecipe['photos']>): string[] {
  if (!photos.names.some((n) => n.startsWith('kodim'))) return [];
  return KODAK_TEST_PHOTOS.filter((p) => !photos.names.some((n) => n.startsWith(p)));
}

/** The stages of training, oldest first: each fine-tuning run records the model it started from. */
function trainingStages(t: TrainingInfo): { recipe: Record<string, unknown>; steps: number | null; wallTimeMs: number | null }[] {
  const stages = [];
  for (let stage = { recipe: (t.recipe ?? {}) as Record<string, unknown>, steps: t.steps, wallTimeMs: t.wallTimeMs }; ;) {
    stages.unshift(stage);
    const init = stage.recipe.init as TeacherInit | undefined;
    if (!init) return stages;
    stage = { recipe: (init.recipe ?? {}) as Record<string, unknown>, steps: init.steps, wallTimeMs: init.wallTimeMs };
  }
}

/** The photo file names any stage trained on. */
function photoNames(recipe: unknown): string[] {
  return trainingStages({ recipe } as TrainingInfo).flatMap((st) => (st.recipe.photos as TeacherRecipe['photos'])?.names ?? []);
}

/** The held-out rows that miss their target, in words. */
function targetMisses(tests: SetResult[]): string {
  const missed = tests.filter(({ name, summary: { input: a, output: b } }) =>
    name.startsWith('rain100h') ? b.psnr_y - a.psnr_y < 0.5 : b.psnr - a.psnr < 1 || b.ssim < a.ssim,
  );
  return missed.length === 0 ? 'Every row meets its target.' : `Rows that miss their target: ${missed.map((m) => m.name).join('; ')}.`;
}

/** The photo folders any stage trained on, resolved. */
function photoDirs(recipe: unknown): string[] {
  return trainingStages({ recipe } as TrainingInfo).flatMap((st) => {
    const photos = st.recipe.photos as TeacherRecipe['photos'];
    return photos && photos.share > 0 ? [path.resolve(photos.dir)] : [];
  });
}

function markdown(
  card: {
    model: { params: number; flopsPerPixel: number; config: object; preset: string | null };
    training: TrainingInfo;
    evaluation: { backend: string; device: string };
    generatedAt: string;
  },
  synthetic: Partial<Record<WeatherType, EvalSummary>>,
  all: EvalSummary,
  sets: SetResult[],
  tests: SetResult[],
  cleanSets: SetResult[],
  unpaired: string[],
  notes: string[],
): string {
  const t = card.training;
  const r = (t.recipe ?? {}) as Record<string, unknown>;
  const hours = t.wallTimeMs === null ? 'unknown' : `${(t.wallTimeMs / 3_600_000).toFixed(2)} h (${Math.round(t.wallTimeMs / 1000)} s)`;
  const lr = typeof r.lr === 'number' ? r.lr : null;
  const planned = typeof r.steps === 'number' ? r.steps : null;
  const stages = trainingStages(t);
  const totalSteps = sumOrNull(stages.map((x) => x.steps)) ?? '?';
  const totalHours = ((sumOrNull(stages.map((x) => x.wallTimeMs)) ?? NaN) / 3_600_000).toFixed(2);
  const extras = batchExtras(r);
  const sawPhotos = photoDirs(t.recipe).length > 0;
  const recipe = t.recipe
    ? [
        `- Loss: ${lossWords(r)}.`,
        `- Optimiser: Adam (beta1 ${String(r.beta1)}, beta2 ${String(r.beta2)}, epsilon ${String(r.epsilon)}), peak learning rate ${String(lr)}, ` +
          `linear warm-up over ${String(r.warmupSteps)} steps, then cosine decay to ${lr !== null ? (lr * Number(r.finalLrFraction)).toExponential(1) : '?'} at step ${String(planned)}.`,
        `- Batches: ${String(r.batch)} synthetic pairs of ${String(r.patch)}x${String(r.patch)} per step, drawn fresh at every step (seed ${String(r.seed)}); ` +
          `weather types ${(r.weathers as string[] | undefined)?.join(', ') ?? '?'} mixed uniformly within each batch; clean sources: ` +
          `${r.source === 'mixed' ? 'procedural scenes and dead-leaves images, half each' : String(r.source)}` +
          `${extras.length ? `; ${extras.join('; ')}` : ''}.`,
        ...(stages.length > 1
          ? [
              `- Stages (each fine-tunes the one before with a fresh optimizer and schedule; the recipe above is the last one's):`,
              ...stages.map(
                (st, i) =>
                  `  ${i + 1}. \`weatherkd train-teacher ${trainFlags(st.recipe, i > 0 ? `STAGE${i}` : undefined)}\`: ${st.steps ?? '?'} steps` +
                  `${st.wallTimeMs !== null ? `, ${(st.wallTimeMs / 3_600_000).toFixed(2)} h` : ''}` +
                  `${i < stages.length - 1 && batchExtras(st.recipe).length ? ` (${batchExtras(st.recipe).join('; ')})` : ''}.`,
              ),
              `  In all: ${totalSteps} steps, ${totalHours} h. STAGEk is the output folder of stage k.`,
            ]
          : [`- Command: \`weatherkd train-teacher ${trainFlags(r)}\``]),
        ...(t.sessions.length > 1
          ? [
              `- The last stage ran in ${t.sessions.length} sessions joined by \`--resume\`: ${t.sessions.map((x) => `steps ${x.fromStep}-${x.toStep}`).join(', ')}.`,
            ]
          : []),
      ].join('\n')
    : '- Unknown (no training state found).';
  const lines = [
    `# Teacher restorer: model card`,
    '',
    `The WeatherKD teacher: one network for rain streaks, heavy rain with haze, haze, snow, raindrops on glass and`,
    `mixtures, trained by this project's own script on synthetic weather only${sawPhotos ? ' (over generated scenes and clean photos)' : ''}. Files: \`model.json\` + \`weights.bin\``,
    `(TensorFlow.js layers format; the architecture is in \`userDefinedMetadata.weatherkd\`). Machine-readable: \`card.json\`.`,
    '',
    `## Model`,
    '',
    `- Architecture: ${card.model.preset ?? 'custom'} preset of the WeatherKD U-Net restorer (\`src/core/models/restorer-config.ts\`): ` +
      `\`${JSON.stringify(card.model.config)}\`.`,
    `- Parameters: ${card.model.params.toLocaleString('en')}.`,
    `- FLOPs per input pixel (forward, multiply-add = 2): ${Math.round(card.model.flopsPerPixel).toLocaleString('en')} ` +
      `(${((card.model.flopsPerPixel * 256 * 256) / 1e9).toFixed(1)} GFLOP for a 256x256 image).`,
    `- Input: RGB in [0, 1], any size (padded by reflection to a multiple of 8; large images are restored in blended tiles).`,
    '',
    `## Training`,
    '',
    `- Steps: ${t.steps ?? 'unknown'}${planned !== null && t.steps !== planned ? ` of ${planned} planned` : ''}` +
      `${stages.length > 1 ? ` in the last of ${stages.length} stages (see Recipe); ${totalSteps} in all` : ''}.`,
    `- Wall time: ${hours}${t.sessions.length ? `, in ${t.sessions.length} session(s)` : ''}` +
      `${stages.length > 1 ? `; ${totalHours} h in all stages` : ''}.`,
    `- Backend: ${t.backend ?? 'unknown'}${t.device ? ` (${t.device})` : ''}.`,
    ...(values.note ?? []).map((n) => `- ${n}`),
    ...(t.finalLoss !== null ? [`- Final training loss (mean of the last 100 steps): ${t.finalLoss.toFixed(5)}.`] : []),
    ...validationLines(t.validations, r.validation as { count: number; size: number } | undefined),
    '',
    `### Recipe`,
    '',
    recipe,
    '',
    `## Evaluation`,
    '',
    `Each row shows the degraded input's own score against the clean target next to the restored image's score.`,
    `PSNR = 10 log10(1 / MSE) in dB; SSIM as scikit-image (11x11 Gaussian window, sigma 1.5, data_range 1). RGB: all`,
    `three channels (SSIM averaged over them); Y: BT.601 luma as BasicSR. Restored images are rounded to 8 bits first.`,
    `Means are over images. Evaluated on ${card.evaluation.backend} (${card.evaluation.device}).`,
    '',
    `### Fixed synthetic evaluation set`,
    '',
    `\`makeEvalSet(weather, ${values.count}, ${values.size}, ${values.seed})\`: ${values.count} procedural scenes of ${values.size}x${values.size} per`,
    `weather type, severities spread evenly over [0, 1], from a seed domain that training batches never draw from.`,
    '',
    ...TABLE_HEAD,
    ...WEATHER_TYPES.map((w) => row(w, synthetic[w]!)),
    row('**all**', all),
    '',
    `### Real paired sets (\`../shared/data\`, read in place, never copied)`,
    '',
    ...(sets.length
      ? [...TABLE_HEAD, ...sets.map((s) => row(SET_WEATHER[s.name] ? `${s.name} (${SET_WEATHER[s.name]})` : s.name, s.summary))]
      : [notes.join(' ') || 'No paired sets were found.']),
    '',
    ...(tests.length
      ? [
          `### Held-out tests`,
          '',
          `None of these chose anything: the far ends of haze, snow and heavy rain (\`makeEvalSet\` with the wider`,
          `training ranges), rain100h split in two (docs/data.md#splits; only the dev half may choose checkpoints), and`,
          `the Kodak photos ${KODAK_TEST_PHOTOS.join(', ')} (held out of training by \`--exclude-photos\`), centre`,
          `crops of 256x256, under the project's weather (severities 0.25 and 0.75, depth rising to the top of the frame)`,
          `and under a second, independent synthesiser (\`src/core/data/independent-weather.ts\`). Targets: +1 dB RGB with SSIM`,
          `not lower on every weather; +0.5 dB Y on real sets. ${targetMisses(tests)}`,
          '',
          ...TABLE_HEAD,
          ...tests.map((s) => row(s.note ? `${s.name} (${s.note})` : s.name, s.summary)),
          '',
        ]
      : []),
    ...(cleanSets.length
      ? [
          `### Clean photos: what the model does to an image without weather`,
          '',
          `Each clean photo restored and scored against itself: the higher, the less the model changes (a model that`,
          `returns its input scores infinity). Low scores mean it "removes" weather that is not there. The paired sets'`,
          `targets are clean photos that no training saw.`,
          '',
          '| set | images | RGB PSNR / SSIM | Y PSNR / SSIM |',
          '|---|---:|---:|---:|',
          ...cleanSets.map(
            (c) =>
              `| ${c.name}${c.note ? ` (${c.note})` : ''} | ${c.summary.count} | ${cell(c.summary.output.psnr, c.summary.output.ssim)} | ${cell(c.summary.output.psnr_y, c.summary.output.ssim_y)} |`,
          ),
          '',
        ]
      : []),
    ...(unpaired.length ? [`Unpaired sets (no targets, not scored): ${unpaired.join(', ')}.`, ''] : []),
    `Deraining papers usually quote the Y columns, dehazing and raindrop papers the RGB ones. For scale: on rain100h`,
    `published models trained on 13,712 real pairs reach 30 to 31.5 dB (Y); ` +
      (sawPhotos ? `this teacher saw real photos only as clean scenes under synthetic weather, never a real degraded one.` : `this teacher saw no real image.`),
    '',
    `Generated ${card.generatedAt} by \`npx tsx scripts/model-card.ts\`.`,
    '',
  ];
  return lines.join('\n');
}

main().catch((e: unknown) => {
  const message = e instanceof CliError || e instanceof Error ? e.message : String(e);
  log(`model-card: ${message}`);
  process.exitCode = 1;
});
