// Data synthesis speed: median milliseconds per weather type for a batch of 8 pairs at 64x64 and
// for one 256x256 pair (clean source included), plus the clean sources and the weather step
// alone. Prints JSON.   npx tsx scripts/bench-data.ts [repeats]
import { renderDeadLeaves } from '../src/core/data/dead-leaves.ts';
import { renderScene } from '../src/core/data/scene.ts';
import { makePairBatch, WEATHER_TYPES, type SourceOption } from '../src/core/data/pairs.ts';
import { synthesizeWeather } from '../src/core/data/weather.ts';

const repeats = Number(process.argv[2] ?? 21);

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/** Median wall time of fn(i) over `repeats` runs after two warm-up runs, rounded to 0.01 ms. */
function time(fn: (i: number) => unknown): number {
  fn(-1);
  fn(-2);
  const ts: number[] = [];
  for (let i = 0; i < repeats; i++) {
    const t0 = performance.now();
    fn(i);
    ts.push(performance.now() - t0);
  }
  return Math.round(median(ts) * 100) / 100;
}

const sources: SourceOption[] = ['mixed', 'scene', 'dead-leaves'];
const result: Record<string, unknown> = { repeats, node: process.version, unit: 'ms (median)' };

for (const source of sources) {
  const batch: Record<string, number> = {};
  const single: Record<string, number> = {};
  for (const weather of WEATHER_TYPES) {
    batch[weather] = time((i) => makePairBatch({ n: 8, size: 64, seed: 1000 + i, weathers: [weather], source }));
    single[weather] = time((i) => makePairBatch({ n: 1, size: 256, seed: 2000 + i, weathers: [weather], source }));
  }
  result[`batch8x64/${source}`] = batch;
  result[`pair256/${source}`] = single;
}

result.clean = {
  'scene 64': time((i) => renderScene(64, 64, i)),
  'dead-leaves 64': time((i) => renderDeadLeaves(64, 64, i)),
  'scene 256': time((i) => renderScene(256, 256, i)),
  'dead-leaves 256': time((i) => renderDeadLeaves(256, 256, i)),
};

const base = renderScene(256, 256, 5);
const weatherOnly: Record<string, number> = {};
for (const weather of WEATHER_TYPES) {
  weatherOnly[weather] = time((i) => synthesizeWeather(weather, base.image, base.depth, i));
}
result['weatherOnly256'] = weatherOnly;

console.log(JSON.stringify(result, null, 2));
