// D4IR's parts, each on its own: the prompt adapter separates weather types it never saw labels
// of, the diffusion model's loss falls, SDEdit keeps the clean image's content, and the models
// are cached and reused (a broken cache entry is retrained, not trusted). Learning of the whole
// method is in methods.test.ts, memory in loop.test.ts.

import { beforeAll, describe, expect, it } from 'vitest';
import { tf, type Tensor4D } from '../tf';
import { makePairBatch } from '../data/pairs';
import { Rng } from '../data/rng';
import type { WeatherType } from '../data/weather';
import { chanceAccuracy, knnAccuracy } from '../metrics/embeddings';
import { scoreTensors } from '../metrics/tensor-metrics';
import { ConditionalDiffusion, cosineAlphaBar, DEFAULT_DIFFUSION } from '../models/diffusion';
import type { StoredModel } from '../models/param-set';
import { contrastiveLoss, DEFAULT_PROMPT_ADAPTER, PromptAdapter } from '../models/prompt-adapter';
import { createRestorer } from '../models/restorer';
import { resolveRunConfig } from '../run/config';
import { runDistillation } from '../run/loop';
import { Adam } from '../train/adam';
import { cropPairs } from './d4ir';
import type { ModelCache } from './method';
import { METHODS } from './registry';

const WEATHERS: WeatherType[] = ['rain', 'haze', 'snow'];
const mean = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const degraded = (n: number, size: number, seed: number) => makePairBatch({ n, size, seed, weathers: WEATHERS, domain: 'web-degraded' });
const tensor = (b: { n: number; height: number; width: number; data: Float32Array }) => tf.tensor4d(b.data, [b.n, b.height, b.width, 3]);

beforeAll(async () => {
  await tf.setBackend('wasm');
});

async function knn(adapter: PromptAdapter, x: Tensor4D, labels: string[]): Promise<number> {
  const z = adapter.embed(x);
  const flat = (await z.data()) as Float32Array;
  z.dispose();
  const d = adapter.config.dim;
  return knnAccuracy(
    labels.map((_, i) => flat.subarray(i * d, (i + 1) * d)),
    labels,
    5,
  );
}

describe('prompt adapter', () => {
  it('the contrastive loss is low for matching pairs and high for mismatched ones', () => {
    const a = tf.tensor2d([
      [1, 0],
      [0, 1],
      [-1, 0],
    ]);
    const matched = contrastiveLoss(a, a, 0.1).dataSync()[0];
    const shuffled = contrastiveLoss(
      a,
      tf.tensor2d([
        [0, 1],
        [-1, 0],
        [1, 0],
      ]),
      0.1,
    ).dataSync()[0];
    expect(matched).toBeLessThan(0.01);
    expect(shuffled).toBeGreaterThan(5);
  });

  it('separates weather types better than chance after training without labels', async () => {
    const probe = degraded(60, 64, 4242);
    const x = tensor(probe.degraded);
    const adapter = new PromptAdapter(DEFAULT_PROMPT_ADAPTER, 7);
    const adam = new Adam(adapter.variables);
    try {
      const losses: number[] = [];
      for (let s = 0; s < 250; s++) {
        const [a, b] = cropPairs(degraded(24, 64, 100 + s).degraded, 32, new Rng(s), true).map(tensor);
        const { value, grads } = tf.variableGrads(() => contrastiveLoss(adapter.embed(a), adapter.embed(b), 0.1), adapter.variables);
        adam.apply(grads, 1e-3);
        losses.push((await value.data())[0]);
        tf.dispose([a, b, value, ...Object.values(grads)]);
      }
      const accuracy = await knn(adapter, x, probe.weather);
      const chance = chanceAccuracy(probe.weather);
      expect(mean(losses.slice(-25)), 'the InfoNCE loss falls').toBeLessThan(mean(losses.slice(0, 25)) - 0.3);
      expect(accuracy, `kNN accuracy ${accuracy.toFixed(2)}, chance ${chance.toFixed(2)}`).toBeGreaterThan(chance + 0.15);
    } finally {
      tf.dispose([x]);
      adam.dispose();
      adapter.dispose();
    }
  }, 120_000);

  it('crop pairs come from different places of the same image', () => {
    const b = degraded(2, 64, 1).degraded;
    const [a, c] = cropPairs(b, 32, new Rng(3));
    expect([a.n, a.width, c.width]).toEqual([2, 32, 32]);
    expect(Array.from(a.data.subarray(0, 96))).not.toEqual(Array.from(c.data.subarray(0, 96)));
  });
});

describe('conditional diffusion', () => {
  it('the cosine schedule goes from 1 to nearly 0, monotonically', () => {
    const ab = cosineAlphaBar(1000);
    expect(ab[0]).toBe(1);
    expect(ab[1000]).toBeLessThan(1e-3);
    for (let t = 1; t <= 1000; t++) expect(ab[t]).toBeLessThan(ab[t - 1]);
  });

  it('its noise-prediction loss falls, and SDEdit keeps the content of the clean image', async () => {
    const adapter = new PromptAdapter(DEFAULT_PROMPT_ADAPTER, 1);
    const model = new ConditionalDiffusion({ ...DEFAULT_DIFFUSION, widths: [16, 24, 32], promptDim: DEFAULT_PROMPT_ADAPTER.dim }, 2);
    const adam = new Adam(model.variables);
    const losses: number[] = [];
    try {
      for (let s = 0; s < 150; s++) {
        const x = tensor(degraded(12, 16, 500 + s).degraded);
        const prompt = adapter.embed(x);
        const { value, grads } = tf.variableGrads(() => model.loss(x, prompt, 900 + s), model.variables);
        adam.apply(grads, 2e-3);
        losses.push((await value.data())[0]);
        tf.dispose([x, prompt, value, ...Object.values(grads)]);
      }
      // The untrained net predicts zero noise (MSE 1); a trained one explains part of it.
      expect(mean(losses.slice(0, 10))).toBeGreaterThan(0.8);
      expect(mean(losses.slice(-20)), 'noise MSE at the end').toBeLessThan(0.5);

      // Content: SSIM of the edit to its clean source, against two baselines without content —
      // the source's SSIM to other clean images, and to the noised image the edit starts from.
      const clean = makePairBatch({ n: 8, size: 32, seed: 77, weathers: WEATHERS, domain: 'web-clean' }).clean;
      const other = makePairBatch({ n: 8, size: 32, seed: 78, weathers: WEATHERS, domain: 'web-clean' }).clean;
      const [c, o] = [tensor(clean), tensor(other)];
      const refs = tensor(degraded(8, 32, 79).degraded);
      const prompt = adapter.embed(refs);
      const edited = await model.edit(c, 0.3, 20, prompt, 5);
      const noised = tf.tidy(
        () =>
          tf.clipByValue(
            tf.div(
              tf.add(model.noisy(tf.sub(tf.mul(c, 2), 1) as Tensor4D, new Array(8).fill(300), tf.randomNormal(c.shape, 0, 1, 'float32', 5) as Tensor4D), 1),
              2,
            ),
            0,
            1,
          ) as Tensor4D,
      );
      const ssim = async (a: Tensor4D) => mean((await scoreTensors(a, c)).map((s) => s.ssim));
      const [kept, unrelated, start] = [await ssim(edited), await ssim(o), await ssim(noised)];
      tf.dispose([c, o, refs, prompt, edited, noised]);
      const detail = `SSIM to the source: edit ${kept.toFixed(3)}, noised start ${start.toFixed(3)}, other clean images ${unrelated.toFixed(3)}`;
      expect(kept, detail).toBeGreaterThan(0.4);
      expect(kept, detail).toBeGreaterThan(unrelated + 0.25);
      expect(kept, detail).toBeGreaterThan(start);
    } finally {
      adam.dispose();
      model.dispose();
      adapter.dispose();
    }
  }, 120_000);

  it('classifier-free guidance: w = 1 is the conditional model, w = 0 the null-prompt one', () => {
    const model = new ConditionalDiffusion({ ...DEFAULT_DIFFUSION, widths: [8, 8, 8], promptDim: 4 }, 3);
    // A nonzero output layer, so the prompt matters.
    model.variables.forEach((v) => v.assign(tf.add(v, tf.randomUniform(v.shape, -0.05, 0.05, 'float32', 9))));
    const x = tf.randomNormal([2, 8, 8, 3], 0, 1, 'float32', 1) as Tensor4D;
    const prompt = tf.tensor2d([
      [1, 0, 0, 0],
      [0, 1, 0, 0],
    ]);
    const close = (a: tf.Tensor, b: tf.Tensor) => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0];
    const t = [100, 500];
    expect(close(model.guidedNoise(x, t, prompt, 1), model.predictNoise(x, t, prompt))).toBe(0);
    expect(close(model.guidedNoise(x, t, prompt, 0), model.predictNoise(x, t, tf.zerosLike(prompt)))).toBeLessThan(1e-5);
    const c = model.predictNoise(x, t, prompt);
    const u = model.predictNoise(x, t, tf.zerosLike(prompt));
    expect(close(model.guidedNoise(x, t, prompt, 3), tf.add(u, tf.mul(tf.sub(c, u), 3)))).toBeLessThan(1e-4);
    model.dispose();
  });

  it('saves and loads exactly, and refuses weights of another shape', async () => {
    const model = new ConditionalDiffusion({ ...DEFAULT_DIFFUSION, widths: [8, 8, 8], promptDim: 4 }, 3);
    const stored = await model.save({ steps: 0 });
    const loaded = ConditionalDiffusion.fromStored(structuredClone(stored));
    expect(model.variables.map((v) => Array.from(v.dataSync()))).toEqual(loaded.variables.map((v) => Array.from(v.dataSync())));
    const other = await new ConditionalDiffusion({ ...DEFAULT_DIFFUSION, widths: [8, 8, 16], promptDim: 4 }, 3).save({});
    expect(() => ConditionalDiffusion.fromStored({ ...stored, specs: other.specs, weights: other.weights })).toThrow(/shape/);
    // Another kind of model is refused by name, not by an obscure shape error.
    const adapter = new PromptAdapter(DEFAULT_PROMPT_ADAPTER, 1);
    const stored2 = await adapter.save({});
    expect(() => ConditionalDiffusion.fromStored({ ...stored2, meta: { ...stored2.meta, config: stored.meta.config } })).toThrow(/expected a stored diffusion/);
    adapter.dispose();
    model.dispose();
    loaded.dispose();
  });
});

describe('model cache', () => {
  const memoryCache = (): ModelCache & { entries: Map<string, StoredModel> } => {
    const entries = new Map<string, StoredModel>();
    return { entries, load: async (k) => entries.get(k) ?? null, save: async (k, m) => void entries.set(k, m) };
  };
  const tiny = () =>
    resolveRunConfig(
      {
        method: 'd4ir',
        student: 'student-5',
        steps: 2,
        batch: 2,
        patch: 16,
        weathers: WEATHERS,
        evalEvery: 2,
        evalSet: { count: 1, size: 16, weathers: WEATHERS },
        methodOptions: { adapterSteps: 3, diffusionSteps: 2, bankSize: 2, samplerSteps: 4 },
      },
      METHODS,
      'quick',
    );

  it('a second run with the same settings reuses the adapter and the diffusion model; a broken entry is retrained', async () => {
    const teacher = createRestorer('student-5', { seed: 3 });
    const cache = memoryCache();
    const phasesOf = async () => {
      let phases: { id: string; steps: number; reused?: string }[] = [];
      const r = await runDistillation({
        config: tiny(),
        teachers: { restorer: teacher },
        cache,
        onEvent: (e) => void (e.type === 'start' && (phases = e.phases)),
      });
      expect(r.status, r.error?.message).toBe('completed');
      r.studentModel.dispose();
      return phases;
    };
    const first = await phasesOf();
    expect(first.map((p) => p.steps)).toEqual([3, 2, 1, 2]);
    expect(cache.entries.size).toBe(2);
    const second = await phasesOf();
    expect(second.map((p) => p.steps)).toEqual([0, 0, 1, 2]);
    expect(second[0].reused).toMatch(/reused/);
    // Corrupt the adapter entry: both models are trained again (the diffusion model depends on it).
    const [adapterKey] = [...cache.entries.keys()].filter((k) => k.includes('adapter'));
    cache.entries.set(adapterKey, { ...cache.entries.get(adapterKey)!, weights: new ArrayBuffer(8) });
    const third = await phasesOf();
    expect(third.map((p) => p.steps)).toEqual([3, 2, 1, 2]);
    teacher.dispose();
  }, 60_000);
});
