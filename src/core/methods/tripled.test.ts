// TripleD's pieces and one short run: the scorer ranks a flat image below a textured, rainy one;
// the run keeps the asked fraction (the most complex pairs), its adjustment lowers the distance to
// the full set while keeping the inputs close, the two student stages come in order, and the
// report and artifacts say so. Memory and exact resume are checked for every method in
// run/loop.test.ts; the --out / --train-pairs round trip in cli/distill.test.ts.

import { beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../tf';
import { createImage } from '../data/image';
import { Rng } from '../data/rng';
import { syntheticTrainSet, userTrainSet } from '../data/train-set';
import { makePair } from '../data/pairs';
import { ComplexityScorer, complexityTargets } from '../models/complexity-scorer';
import { resolveRunConfig } from '../run/config';
import { runDistillation } from '../run/loop';
import { Adam } from '../train/adam';
import type { Artifact } from './method';
import { METHODS } from './registry';
import { readSetStore, scorerLoss, storeBatch } from './tripled';

beforeAll(async () => {
  await tf.setBackend('wasm');
});

const flatPair = (side: number) => {
  const img = createImage(side, side);
  img.data.fill(0.5);
  return { input: img, target: img };
};

describe('complexity', () => {
  it('the measures put a flat, clean image below a textured, rainy one', () => {
    const flat = flatPair(32);
    const rainy = makePair({ size: 32, seed: 3, weathers: ['heavy-rain'], source: 'scene', severity: 0.9 }, 0);
    const [a, b] = [complexityTargets(flat.input, flat.target), complexityTargets(rainy.degraded, rainy.clean)];
    for (let j = 0; j < 3; j++) expect(a[j]).toBeLessThan(b[j]);
  });

  it('a trained scorer ranks a flat image below a textured one', { timeout: 120_000 }, async () => {
    const side = 32;
    const store = await readSetStore(syntheticTrainSet(256, ['rain', 'heavy-rain', 'haze', 'snow'], 'mixed'), side, async () => {});
    const scorer = new ComplexityScorer(undefined, 4);
    const adam = new Adam(scorer.variables);
    const rng = new Rng(5);
    for (let s = 0; s < 150; s++) {
      const positions = Array.from({ length: 32 }, () => rng.int(0, store.n));
      const x = storeBatch(store, positions, 'degraded');
      const t = tf.tensor2d(
        positions.flatMap((p) => Array.from(store.targets.subarray(3 * p, 3 * p + 3))),
        [32, 3],
      );
      const { grads, value } = tf.variableGrads(() => scorerLoss(scorer, x, t), scorer.variables);
      adam.apply(grads, 1e-3);
      tf.dispose([x, t, value, ...Object.values(grads)]);
    }
    const textured = makePair({ size: side, seed: 9, weathers: ['heavy-rain'], source: 'dead-leaves', severity: 0.8 }, 0);
    const x = tf.tensor4d([...flatPair(side).input.data, ...textured.degraded.data], [2, side, side, 3]);
    const score = tf.tidy(() => tf.mean(scorer.head(scorer.features(x)), 1));
    const [flat, rich] = (await score.data()) as Float32Array;
    expect(flat, `flat ${flat.toFixed(2)}, textured ${rich.toFixed(2)}`).toBeLessThan(rich - 0.5);
    tf.dispose([x, score]);
    adam.dispose();
    scorer.dispose();
  });
});

describe('training sets', () => {
  it('a user set crops input and target at the same place, and refuses a pair of two sizes', () => {
    const input = createImage(40, 30);
    input.data.forEach((_, i) => (input.data[i] = (i % 97) / 97));
    const set = userTrainSet([{ stem: 'a', input, target: input }]);
    const p = set.pair(0, 16, new Rng(1));
    expect(p.degraded.data).toEqual(p.clean.data);
    expect([p.degraded.width, set.stem(0), set.origin]).toEqual([16, 'a', 'user']);
    expect(() => userTrainSet([{ stem: 'b', input, target: createImage(30, 40) }])).toThrow(/one size/);
  });
});

describe('a TripleD run', () => {
  it('top selection keeps the most complex fraction, adjusts it closer to the full set, and trains easy then full', { timeout: 180_000 }, async () => {
    const config = resolveRunConfig(
      {
        method: 'tripled',
        steps: 12,
        batch: 4,
        patch: 32,
        trainSet: 200,
        weathers: ['rain', 'haze'],
        evalEvery: 12,
        evalSet: { count: 2, size: 32, weathers: ['rain', 'haze'] },
        methodOptions: { keep: 0.05, selection: 'top', scorerSteps: 40, adjustSteps: 40, easyShare: 0.5 },
      },
      METHODS,
      'quick',
    );
    const result = await runDistillation({ config });
    try {
      expect(result.status, result.error?.message).toBe('completed');
      expect(result.report.subset).toMatchObject({ size: 10, of: 200, set: 'synthetic', selection: 'top', adjusted: true });
      const { before, after, random } = (result.report.subset as { distance: { before: number; after: number; random: number } }).distance;
      expect(after, `distance before ${before}, after ${after}, random subset ${random}`).toBeLessThan(before);

      const phases = result.history.steps.map((s) => s.phase);
      expect([...new Set(phases)]).toEqual(['scorer', 'adjust', 'easy', 'full']);
      expect(phases.filter((p) => p === 'easy')).toHaveLength(6);

      const subset = result.artifacts.find((a) => a.name === 'subset') as Extract<Artifact, { kind: 'pairs' }>;
      const scores = result.artifacts.find((a) => a.name === 'scores') as Extract<Artifact, { kind: 'json' }>;
      const data = scores.data as { complexity: number[]; kept: { stem: string; complexity: number }[] };
      // The kept pairs are the most complex ones, most complex first.
      const threshold = Math.min(...data.kept.map((k) => k.complexity));
      expect(data.complexity.filter((c) => c >= threshold)).toHaveLength(10);
      expect(data.kept.map((k) => k.complexity)).toEqual(data.kept.map((k) => k.complexity).sort((a, b) => b - a));
      expect(subset.pairs.map((p) => p.stem)).toEqual(data.kept.map((k) => k.stem));
      // Adjusted, but close to the originals.
      const change = subset.pairs.map((p) => p.input.data.reduce((s, v, i) => s + Math.abs(v - p.original!.data[i]), 0) / p.input.data.length);
      const mean = change.reduce((a, b) => a + b, 0) / change.length;
      expect(mean).toBeGreaterThan(0);
      expect(mean).toBeLessThan(0.05);
    } finally {
      result.studentModel.dispose();
    }
  });
});
