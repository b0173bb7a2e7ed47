// Scores a teacher run's kept weights (train-teacher --keep-weights) on the development sets only,
// so that the checkpoint to ship is chosen without looking at any test image (docs/data.md#splits):
//   - synthetic weather on procedural scenes, every type (seed 77, apart from the card's 2024),
//     plus the far ends of haze, snow and heavy rain (the wider training ranges);
//   - the dev half of rain100h (real heavy rain), its first --rain100h N images.
// Each snapshot's scores are kept in RUN/snapshots/scores.json, so a rerun scores only new ones.
// The margin of a snapshot is its worst (gain - target) over the dev sets: +1 dB RGB on each
// synthetic set with SSIM not lower, +0.5 dB Y on rain100h-dev; the best margin is printed last.
//
//   npx tsx scripts/score-snapshots.ts --run runs/teacher-v8 [--data ../shared/data] [--rain100h 12]
//        [--count 4] [--size 128] [--also teacher] [--json]

import { existsSync, readdirSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { EvalSummary } from '../src/core/inference/evaluate';
import { startBackend } from '../src/cli/backend-option';
import { evaluateFilePairs } from '../src/cli/evaluate-pairs';
import { loadModelArg, REPO_ROOT } from '../src/cli/model-arg';
import { realSetPairs, scorePairs, syntheticPairs, WEATHER_TYPES } from '../src/cli/teacher-sets';

const { values } = parseArgs({
  options: {
    run: { type: 'string' },
    data: { type: 'string', default: path.resolve(REPO_ROOT, '../shared/data') },
    rain100h: { type: 'string', default: '12' },
    count: { type: 'string', default: '4' },
    size: { type: 'string', default: '128' },
    /** Other models to score the same way, for reference (e.g. the shipped teacher). */
    also: { type: 'string', multiple: true, default: [] },
    json: { type: 'boolean', default: false },
  },
});
if (!values.run) throw new Error('--run RUN is required (a train-teacher folder with snapshots/)');
const snapshotsDir = path.join(values.run, 'snapshots');
const cacheFile = path.join(snapshotsDir, 'scores.json');
const count = Number(values.count);
const size = Number(values.size);
const SEED = 77;
const WIDE: readonly (typeof WEATHER_TYPES)[number][] = ['haze', 'snow', 'heavy-rain'];

interface SetScore {
  input: { psnr: number; ssim: number; psnr_y: number; ssim_y: number };
  output: { psnr: number; ssim: number; psnr_y: number; ssim_y: number };
}
type Scores = Record<string, SetScore>;

const compact = (s: EvalSummary): SetScore => ({ input: s.input, output: s.output });

async function scoreModel(model: string): Promise<Scores> {
  const { restorer } = await loadModelArg(model);
  try {
    const out: Scores = {};
    for (const w of WEATHER_TYPES) out[w] = compact(await scorePairs(restorer, syntheticPairs(w, count, size, SEED)));
    for (const w of WIDE) out[`${w}-wide`] = compact(await scorePairs(restorer, syntheticPairs(w, count, size, SEED, true)));
    const real = await realSetPairs(values.data, 'rain100h', 'dev');
    if (real) out['rain100h-dev'] = compact(await evaluateFilePairs(restorer, real.slice(0, Number(values.rain100h))));
    return out;
  } finally {
    restorer.dispose();
  }
}

/** Worst margin over the dev targets, and which set it is on. */
function margin(scores: Scores): { value: number; set: string } {
  let worst = { value: Infinity, set: '' };
  for (const [set, s] of Object.entries(scores)) {
    const real = set === 'rain100h-dev';
    const gain = real ? s.output.psnr_y - s.input.psnr_y : s.output.psnr - s.input.psnr;
    // An SSIM below the input's fails the target: count 0.01 of SSIM as 1 dB.
    const ssim = real ? s.output.ssim_y - s.input.ssim_y : s.output.ssim - s.input.ssim;
    const value = Math.min(gain - (real ? 0.5 : 1), 100 * ssim);
    if (value < worst.value) worst = { value, set };
  }
  return worst;
}

await startBackend('wasm', { stdout: process.stdout, stderr: process.stderr });
const cache: Record<string, Scores> = existsSync(cacheFile) ? JSON.parse(await readFile(cacheFile, 'utf8')) : {};
const snapshots = existsSync(snapshotsDir)
  ? readdirSync(snapshotsDir)
      .filter((d) => /^step-\d+$/.test(d))
      .sort()
  : [];
const models = [...snapshots.map((s) => path.join(snapshotsDir, s)), ...values.also];
for (const model of models) {
  const key = path.basename(model);
  if (cache[key]) continue;
  const t0 = Date.now();
  cache[key] = await scoreModel(model);
  process.stderr.write(`${key}: margin ${margin(cache[key]).value.toFixed(2)} dB (${((Date.now() - t0) / 1000).toFixed(0)} s)\n`);
  if (existsSync(snapshotsDir)) await writeFile(cacheFile, `${JSON.stringify(cache, null, 1)}\n`);
}

const rows = models.map((m) => ({ model: path.basename(m), scores: cache[path.basename(m)], margin: margin(cache[path.basename(m)]) }));
if (values.json) {
  process.stdout.write(`${JSON.stringify(rows)}\n`);
} else {
  const sets = Object.keys(rows[0]?.scores ?? {});
  const gain = (set: string, s: SetScore) => (set === 'rain100h-dev' ? s.output.psnr_y - s.input.psnr_y : s.output.psnr - s.input.psnr);
  process.stdout.write(`gain in dB (RGB; rain100h-dev: Y) over the input, per dev set\n`);
  process.stdout.write(`${'model'.padEnd(16)}${sets.map((s) => s.padStart(16)).join('')}  margin (worst set)\n`);
  for (const r of rows) {
    const cells = sets.map((s) => (r.scores[s] ? gain(s, r.scores[s]).toFixed(2) : '-').padStart(16)).join('');
    process.stdout.write(`${r.model.padEnd(16)}${cells}  ${r.margin.value.toFixed(2)} (${r.margin.set})\n`);
  }
  const best = rows.filter((r) => r.model.startsWith('step-')).sort((a, b) => b.margin.value - a.margin.value)[0];
  if (best) process.stdout.write(`best snapshot on the dev sets: ${best.model} (margin ${best.margin.value.toFixed(2)} dB on ${best.margin.set})\n`);
}
