import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../tf';
import { createRestorer, type RestorerConfig } from '../models/restorer';
import { Adam, packAdamMoments, unpackAdamMoments } from './adam';
import { TeacherTrainer, type TeacherCheckpoint } from './teacher';
import { batchSeed, defaultTeacherRecipe, learningRate, teacherBatch, teacherLoss, type TeacherRecipe } from './teacher-recipe';
import { tinyRestorerConfig } from '../models/test-configs';
import { userImageSource } from '../data/photo-source';
import { ssimTensor } from '../metrics/tensor-metrics';
import { l1Loss } from './supervised';

const TINY: RestorerConfig = tinyRestorerConfig();

function tinyRecipe(steps: number): TeacherRecipe {
  return {
    ...defaultTeacherRecipe(steps),
    model: TINY,
    batch: 2,
    patch: 16,
    lr: 3e-3,
    warmupSteps: 2,
    validation: { count: 1, size: 16, seed: 3 },
  };
}

const SESSION = { backend: 'cpu', device: 'test' };

async function weightsOf(t: TeacherTrainer): Promise<Float32Array[]> {
  return Promise.all(t.restorer.trainableWeights.map(async (w) => (await w.data()) as Float32Array));
}

/** A checkpoint as it comes back from disk: every buffer copied. */
function copyCheckpoint(c: TeacherCheckpoint): TeacherCheckpoint {
  return {
    state: JSON.parse(JSON.stringify(c.state)),
    model: { modelJson: JSON.parse(JSON.stringify(c.model.modelJson)), weightsBin: c.model.weightsBin.slice(0) },
    optimizerMoments: c.optimizerMoments.slice(0),
  };
}

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('learningRate', () => {
  it('warms up linearly to the peak, then decays by a cosine to the final fraction', () => {
    const r = { ...defaultTeacherRecipe(1000), lr: 1e-3, warmupSteps: 100, finalLrFraction: 0.1 };
    expect(learningRate(r, 0)).toBeCloseTo(1e-5, 12);
    expect(learningRate(r, 49)).toBeCloseTo(5e-4, 12);
    expect(learningRate(r, 99)).toBeCloseTo(1e-3, 12);
    expect(learningRate(r, 100)).toBeCloseTo(1e-3, 12);
    expect(learningRate(r, 999)).toBeCloseTo(1e-4, 12);
    const mid = learningRate(r, 100 + Math.round(899 / 2));
    expect(mid).toBeCloseTo(0.55e-3, 5);
    for (let s = 101; s < 1000; s++) expect(learningRate(r, s)).toBeLessThanOrEqual(learningRate(r, s - 1));
  });

  it('gives every step its own batch seed', () => {
    const r = defaultTeacherRecipe(100);
    const seeds = new Set(Array.from({ length: 100 }, (_, s) => batchSeed(r, s)));
    expect(seeds.size).toBe(100);
  });
});

describe('teacherBatch', () => {
  it('turns the requested share of pairs into identity pairs, some of them pale and flat', () => {
    const base = { ...defaultTeacherRecipe(100), batch: 64, patch: 16 };
    const len = 16 * 16 * 3;
    const identical = (b: { x: Float32Array; y: Float32Array }, i: number) => b.x.subarray(i * len, (i + 1) * len).every((v, k) => v === b.y[i * len + k]);
    // Share 0 is the old recipe: the same pairs as before the option existed.
    expect(teacherBatch({ ...base, identityShare: 0 }, 5)).toEqual(teacherBatch(base, 5));
    const b = teacherBatch({ ...base, identityShare: 0.5 }, 5);
    const ids = Array.from({ length: 64 }, (_, i) => i).filter((i) => identical(b, i));
    expect(ids.length).toBeGreaterThan(20);
    expect(ids.length).toBeLessThan(44);
    // Pale and flat: a high floor and a small range.
    const flat = ids.filter((i) => Math.min(...b.y.subarray(i * len, (i + 1) * len)) > 0.25);
    expect(flat.length).toBeGreaterThan(3);
    expect(teacherBatch({ ...base, identityShare: 0.5 }, 5)).toEqual(b); // pure
  });

  it('clips depth with farDepth, so haze hides less of the far field', () => {
    const base = { ...defaultTeacherRecipe(100), batch: 16, patch: 16, weathers: ['haze' as const], source: 'scene' as const };
    expect(teacherBatch({ ...base, farDepth: 1 }, 3)).toEqual(teacherBatch(base, 3));
    const mse = (b: { x: Float32Array; y: Float32Array }) => b.x.reduce((acc, v, i) => acc + (v - b.y[i]) ** 2, 0) / b.x.length;
    expect(mse(teacherBatch({ ...base, farDepth: 0.3 }, 3))).toBeLessThan(0.8 * mse(teacherBatch(base, 3)));
  });
});

describe('teacherLoss', () => {
  let clean: tf.Tensor4D;
  let smooth: tf.Tensor4D;
  beforeAll(() => {
    clean = tf.randomUniform([2, 16, 16, 3], 0, 1, 'float32', 8) as tf.Tensor4D;
    // A smoothed copy: close in L1, but its fine structure is gone.
    smooth = tf.avgPool(clean, 3, 1, 'same') as tf.Tensor4D;
  });
  afterAll(() => tf.dispose([clean, smooth]));

  it('is L1 alone by default, and adds ssimWeight * (1 - SSIM on Y) when asked', () => {
    const base = defaultTeacherRecipe(10);
    const l1 = l1Loss(smooth, clean).dataSync()[0];
    const ssim = ssimTensor(smooth, clean, 'y').mean().dataSync()[0];
    expect(teacherLoss(base, smooth, clean).dataSync()[0]).toBeCloseTo(l1, 6);
    expect(teacherLoss({ ...base, ssimWeight: 0.5 }, smooth, clean).dataSync()[0]).toBeCloseTo(l1 + 0.5 * (1 - ssim), 5);
    // The SSIM term is what notices lost texture: it is large here while L1 is small.
    expect(1 - ssim).toBeGreaterThan(3 * l1);
  });

  it('has gradients that match finite differences', () => {
    const recipe = { ...defaultTeacherRecipe(10), ssimWeight: 1 };
    const f = (p: tf.Tensor) => teacherLoss(recipe, p as tf.Tensor4D, clean);
    const grad = tf.grad(f)(smooth);
    const g = grad.dataSync();
    const p = smooth.dataSync().slice();
    const h = 1e-2;
    for (const i of [5, 200, 777, 1400]) {
      const at = (d: number) => {
        const q = p.slice();
        q[i] += d;
        return tf.tidy(() => f(tf.tensor4d(q, smooth.shape)).dataSync()[0]);
      };
      expect(g[i]).toBeCloseTo((at(h) - at(-h)) / (2 * h), 3);
    }
    grad.dispose();
  });

  it('rejects a negative ssimWeight', () => {
    expect(() => TeacherTrainer.create({ ...tinyRecipe(2), ssimWeight: -1 }, SESSION)).toThrow(/ssimWeight/);
  });
});

describe('Adam', () => {
  it('matches tfjs AdamOptimizer at a constant learning rate', async () => {
    const a = createRestorer({ ...TINY, zeroInitOutput: false }, { seed: 5 });
    const b = createRestorer({ ...TINY, zeroInitOutput: false }, { seed: 5 });
    const x = tf.randomUniform([2, 8, 8, 3], 0, 1, 'float32', 1) as tf.Tensor4D;
    const y = tf.randomUniform([2, 8, 8, 3], 0, 1, 'float32', 2) as tf.Tensor4D;
    const ours = new Adam(a.trainableWeights);
    const theirs = tf.train.adam(1e-3, 0.9, 0.999, 1e-8);
    const loss = (r: typeof a) => () => tf.mean(tf.abs(tf.sub(r.predict(x), y))) as tf.Scalar;
    for (let i = 0; i < 5; i++) {
      const { value, grads } = tf.variableGrads(loss(a), a.trainableWeights);
      ours.apply(grads, 1e-3);
      tf.dispose([value, ...Object.values(grads)]);
      theirs.minimize(loss(b), false, b.trainableWeights);
    }
    const wa = a.trainableWeights.map((w) => w.dataSync());
    const wb = b.trainableWeights.map((w) => w.dataSync());
    wa.forEach((arr, i) => arr.forEach((v, j) => expect(Math.abs(v - wb[i][j])).toBeLessThan(1e-6)));
    ours.dispose();
    theirs.dispose();
    tf.dispose([x, y]);
    a.dispose();
    b.dispose();
  });

  it('round-trips its moments through the packed binary form', async () => {
    const r = createRestorer(TINY, { seed: 6 });
    const adam = new Adam(r.trainableWeights);
    const grads = Object.fromEntries(r.trainableWeights.map((w) => [w.name, tf.onesLike(w)]));
    adam.apply(grads, 1e-3);
    const state = await adam.getState();
    const { m, v } = unpackAdamMoments(packAdamMoments(state), state.shapes);
    expect(m).toEqual(state.m);
    expect(v).toEqual(state.v);
    expect(() => unpackAdamMoments(new ArrayBuffer(8), state.shapes)).toThrow(/bytes/);
    tf.dispose(Object.values(grads));
    adam.dispose();
    r.dispose();
  });
});

describe('TeacherTrainer', () => {
  it('resumes exactly: 3 + checkpoint + 3 steps equal 6 straight steps', async () => {
    const straight = TeacherTrainer.create(tinyRecipe(6), SESSION);
    for (let i = 0; i < 6; i++) await straight.trainStep();

    const first = TeacherTrainer.create(tinyRecipe(6), SESSION);
    for (let i = 0; i < 3; i++) await first.trainStep();
    const saved = copyCheckpoint(await first.checkpoint());
    first.dispose();
    expect(saved.state.step).toBe(3);
    const second = await TeacherTrainer.resume(saved, SESSION);
    expect(second.step).toBe(3);
    for (let i = 0; i < 3; i++) await second.trainStep();

    expect(second.losses).toEqual(straight.losses);
    const ws = await weightsOf(straight);
    const wr = await weightsOf(second);
    ws.forEach((w, i) => expect(wr[i]).toEqual(w)); // bit for bit
    const end = await second.checkpoint();
    expect(end.state.sessions).toHaveLength(2);
    expect(end.state.sessions.map((s) => [s.fromStep, s.toStep])).toEqual([
      [0, 3],
      [3, 6],
    ]);
    straight.dispose();
    second.dispose();
  });

  it.each([
    ['L1', {}],
    ['L1 + SSIM', { ssimWeight: 0.5 }],
  ])('keeps the tensor count flat across steps, validation and checkpoints (%s)', async (_, loss) => {
    const t = TeacherTrainer.create({ ...tinyRecipe(20), ...loss }, SESSION);
    await t.trainStep();
    await t.validate();
    const before = tf.memory().numTensors;
    for (let i = 0; i < 5; i++) await t.trainStep();
    await t.validate();
    await t.checkpoint();
    expect(tf.memory().numTensors).toBe(before);
    t.dispose();
  });

  it('learns: the loss falls and validation PSNR rises above the untrained model', async () => {
    const t = TeacherTrainer.create({ ...tinyRecipe(60), lr: 5e-3, validation: { count: 2, size: 32, seed: 4 } }, SESSION);
    const v0 = await t.validate(); // step 0: identity (zero-initialised tail), so PSNR = input PSNR
    expect(v0.meanPsnr).toBeCloseTo(v0.meanInputPsnr, 3);
    for (let i = 0; i < 60; i++) await t.trainStep();
    const avg = (a: readonly number[]) => a.reduce((s, v) => s + v, 0) / a.length;
    expect(avg(t.losses.slice(-15))).toBeLessThan(avg(t.losses.slice(0, 15)));
    const v1 = await t.validate();
    expect(v1.meanPsnr).toBeGreaterThan(v0.meanPsnr);
    t.dispose();
  });

  it('fine-tunes from given weights, and refuses weights of another architecture', async () => {
    const initial = createRestorer(TINY, { seed: 9 });
    const w0 = await Promise.all(initial.trainableWeights.map(async (w) => (await w.data()) as Float32Array));
    const t = TeacherTrainer.create({ ...tinyRecipe(4), identityShare: 0.3, paleSkyShare: 0.5 }, SESSION, initial);
    expect(await weightsOf(t)).toEqual(w0);
    await t.trainStep();
    expect(t.step).toBe(1);
    t.dispose();
    const other = createRestorer({ ...TINY, widths: TINY.widths.map((w) => w * 2) }, { seed: 9 });
    expect(() => TeacherTrainer.create(tinyRecipe(4), SESSION, other)).toThrow(/architecture/);
    other.dispose();
    expect(() => TeacherTrainer.create({ ...tinyRecipe(4), identityShare: 1.5 }, SESSION)).toThrow(/identityShare/);
  });

  it('draws scenes from photos when the recipe lists them, and resumes only with as many photos', async () => {
    const photo = (v: number) => ({ width: 40, height: 40, data: new Float32Array(40 * 40 * 3).fill(v) });
    const photos = [photo(0.2), photo(0.8)];
    const recipe: TeacherRecipe = { ...tinyRecipe(4), batch: 8, photos: { dir: 'photos', names: ['a.png', 'b.png'], share: 1 } };
    // Every clean image is a crop of one of the two flat grey photos.
    const { y } = teacherBatch(recipe, 0, userImageSource(photos));
    expect(new Set(Array.from(y, (v) => Math.round(v * 10)))).toEqual(new Set([2, 8]));
    expect(() => teacherBatch(recipe, 0)).toThrow(/photos/);
    expect(() => TeacherTrainer.create(recipe, SESSION)).toThrow(/2 photos, but 0/);

    const t = TeacherTrainer.create(recipe, SESSION, undefined, photos);
    await t.trainStep();
    const c = copyCheckpoint(await t.checkpoint());
    t.dispose();
    expect(c.state.recipe.photos?.names).toEqual(['a.png', 'b.png']);
    await expect(TeacherTrainer.resume(c, SESSION, [photos[0]])).rejects.toThrow(/2 photos, but 1/);
    const resumed = await TeacherTrainer.resume(c, SESSION, photos);
    expect(resumed.step).toBe(1);
    resumed.dispose();
  });

  it('rejects inconsistent checkpoints and unusable recipes', async () => {
    const t = TeacherTrainer.create(tinyRecipe(4), SESSION);
    await t.trainStep();
    const c = copyCheckpoint(await t.checkpoint());
    t.dispose();
    await expect(TeacherTrainer.resume({ ...c, state: { ...c.state, losses: [] } }, SESSION)).rejects.toThrow(/inconsistent/);
    await expect(TeacherTrainer.resume({ ...c, optimizerMoments: new ArrayBuffer(16) }, SESSION)).rejects.toThrow(/bytes/);
    expect(() => TeacherTrainer.create({ ...tinyRecipe(4), patch: 15 }, SESSION)).toThrow(/multiple/);
    expect(() => TeacherTrainer.create({ ...tinyRecipe(4), steps: 0 }, SESSION)).toThrow(/steps/);
  });
});
