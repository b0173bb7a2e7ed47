// Ablation of D4IR's prompt adapter outside a run: trains it on the degraded web pool and prints
// the InfoNCE loss and the kNN accuracy of the weather type on 120 held-out images every 250 steps.
//   npx tsx scripts/ablate-prompt-adapter.ts STEPS BATCH TAU LR SHUFFLE(0|1) [CROP]
//   e.g. 500 32 0.1 0.001 1 (the defaults) against 500 32 0.1 0.001 0 (no colour shuffle)
import { tf } from '../src/core/tf';
import { Rng } from '../src/core/data/rng';
import { makePairBatch } from '../src/core/data/pairs';
import { PromptAdapter, contrastiveLoss, DEFAULT_PROMPT_ADAPTER } from '../src/core/models/prompt-adapter';
import { cropPairs } from '../src/core/methods/d4ir';
import { Adam } from '../src/core/train/adam';
import { knnAccuracy, chanceAccuracy } from '../src/core/metrics/embeddings';
const [steps, batch, tau, lr, shuffle, crop = 32] = process.argv.slice(2).map(Number);
await tf.setBackend('wasm');
const weathers = ['rain', 'haze', 'snow', 'raindrop', 'heavy-rain', 'mix'] as const;
const probe = makePairBatch({ n: 120, size: 64, seed: 999, weathers: [...weathers], domain: 'web-degraded' });
const px = tf.tensor4d(probe.degraded.data, [120, 64, 64, 3]);
const a = new PromptAdapter(DEFAULT_PROMPT_ADAPTER, 3);
const adam = new Adam(a.variables);
const knn = async () => {
  const z = a.embed(px);
  const f = (await z.data()) as Float32Array;
  z.dispose();
  const rows = probe.weather.map((_, i) => f.subarray(i * 16, i * 16 + 16));
  return knnAccuracy(rows, probe.weather, 5);
};
console.log('chance', chanceAccuracy(probe.weather), 'init', await knn());
const t0 = performance.now();
for (let s = 0; s < steps; s++) {
  const b = makePairBatch({ n: batch, size: 64, seed: 1000 + s, weathers: [...weathers], domain: 'web-degraded' });
  const [ca, cb] = cropPairs(b.degraded, crop, new Rng(s), shuffle === 1).map((p) => tf.tensor4d(p.data, [batch, crop, crop, 3]));
  const { value, grads } = tf.variableGrads(() => contrastiveLoss(a.embed(ca), a.embed(cb), tau), a.variables);
  adam.apply(grads, lr);
  const l = (await value.data())[0];
  tf.dispose([ca, cb, value, ...Object.values(grads)]);
  if ((s + 1) % 250 === 0 || s + 1 === steps)
    console.log(s + 1, l.toFixed(3), 'knn', (await knn()).toFixed(3), ((performance.now() - t0) / 1000).toFixed(0) + 's');
}
