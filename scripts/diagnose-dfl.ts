// Why does DFL's student end below the untrained one? (issue 18; docs/methods.md#dfl)
// Runs DFL and compares what the student trains on with what it is scored on:
//   - the teacher's correction T(x) - x on generated samples G(z) (from the run's training
//     previews) and on the evaluation images, per weather: mean |T(x) - x|, its signed mean (a
//     global brightness shift), and the share of it that is that shift;
//   - G(z) against real degraded photos in the teacher's feature space: per level, the distance
//     between per-channel means and standard deviations of the teacher encoder's features;
//   - the trained student's own correction S(x) - x on the evaluation images, against the teacher's.
//
//   npx tsx scripts/diagnose-dfl.ts [--steps 150] [--seed 3] [--option KEY=VALUE ...] [--json]

import path from 'node:path';
import { parseArgs } from 'node:util';
import { tf, type Tensor4D } from '../src/core/tf';
import { startBackend } from '../src/cli/backend-option';
import { readImageOrFail } from '../src/cli/evaluate-pairs';
import { loadModelArg, REPO_ROOT } from '../src/cli/model-arg';
import { realSetPairs } from '../src/cli/teacher-sets';
import { batchFromImages, batchItem, resizeBilinear, type RGBImage } from '../src/core/data/image';
import { restorerEncoder } from '../src/core/models/feature-extractor';
import type { Restorer } from '../src/core/models/restorer';
import { resolveRunConfig } from '../src/core/run/config';
import { createEvalSplits, disposeEvalSplits } from '../src/core/run/data';
import { runDistillation } from '../src/core/run/loop';
import { parseParamText, type ParamSpec } from '../src/core/run/params';
import { getMethod, METHODS } from '../src/core/methods/registry';

const { values } = parseArgs({
  options: {
    steps: { type: 'string', default: '150' },
    seed: { type: 'string', default: '3' },
    option: { type: 'string', multiple: true, default: [] },
    data: { type: 'string', default: path.resolve(REPO_ROOT, '../shared/data') },
    json: { type: 'boolean', default: false },
  },
});

const toTensor = (images: readonly RGBImage[]): Tensor4D => {
  const b = batchFromImages(images);
  return tf.tensor4d(b.data, [b.n, b.height, b.width, 3]);
};

interface Correction {
  /** mean |c| */
  abs: number;
  /** mean c (negative: the correction darkens) */
  signed: number;
  /** mean over images of |mean c| / mean |c|: 1 when the correction is one global shift */
  globalShare: number;
}

function correction(x: Tensor4D, y: Tensor4D): Correction {
  return tf.tidy(() => {
    const c = tf.sub(y, x);
    const perImageAbs = tf.mean(tf.abs(c), [1, 2, 3]);
    const perImageSigned = tf.mean(c, [1, 2, 3]);
    return {
      abs: tf.mean(perImageAbs).dataSync()[0],
      signed: tf.mean(perImageSigned).dataSync()[0],
      globalShare: tf.mean(tf.div(tf.abs(perImageSigned), tf.add(perImageAbs, 1e-6))).dataSync()[0],
    };
  });
}

/** Per level: per-channel mean and standard deviation of the teacher encoder's features over a set. */
function featureMoments(teacher: Restorer, x: Tensor4D): { mean: Float32Array; std: Float32Array }[] {
  const enc = restorerEncoder(teacher);
  try {
    return tf.tidy(() =>
      enc.features(x).map((f) => {
        const { mean, variance } = tf.moments(f, [0, 1, 2]);
        return { mean: mean.dataSync() as Float32Array, std: tf.sqrt(variance).dataSync() as Float32Array };
      }),
    );
  } finally {
    enc.dispose();
  }
}

/** Per level: RMS over channels of the moment differences, relative to the reference's RMS std. */
function momentDistance(a: ReturnType<typeof featureMoments>, ref: ReturnType<typeof featureMoments>): number[] {
  return a.map((la, i) => {
    const lr = ref[i];
    let d = 0;
    let s = 0;
    for (let c = 0; c < la.mean.length; c++) {
      d += (la.mean[c] - lr.mean[c]) ** 2 + (la.std[c] - lr.std[c]) ** 2;
      s += lr.std[c] ** 2;
    }
    return Math.sqrt(d / Math.max(s, 1e-12));
  });
}

async function main(): Promise<void> {
  const io = { stdout: process.stdout, stderr: process.stderr };
  await startBackend(undefined, io as never);
  const { restorer: teacher } = await loadModelArg('teacher');
  const dfl = getMethod('dfl');
  const methodOptions = Object.fromEntries(
    values.option.map((kv) => {
      const [k, v] = kv.split('=');
      const spec = (dfl.options as Record<string, ParamSpec>)[k];
      if (!spec) throw new Error(`unknown DFL option ${k}`);
      return [k, parseParamText(k, spec, v)];
    }),
  );
  const config = resolveRunConfig(
    { method: 'dfl', student: 'student-10', steps: Number(values.steps), seed: Number(values.seed), previewEvery: 10, previewCount: 8, methodOptions },
    METHODS,
  );

  // What the student trains on: every preview's G(z) and T(G(z)), by family.
  const generated = new Map<string, { x: RGBImage[]; t: RGBImage[] }>();
  const result = await runDistillation({
    config,
    teachers: { restorer: teacher },
    onEvent: (e) => {
      if (e.type === 'preview' && e.phase !== 'generator-warmup') {
        for (const s of e.preview.samples) {
          const g = generated.get(s.weather ?? '?') ?? { x: [], t: [] };
          g.x.push(s.input);
          g.t.push(s.targets[0]);
          generated.set(s.weather ?? '?', g);
        }
      }
      if (e.type === 'phase') process.stderr.write(`${JSON.stringify(e)}\n`);
    },
  });

  const report: Record<string, unknown> = { config: { steps: config.steps, seed: config.seed, methodOptions: config.methodOptions } };
  const gen: Record<string, Correction> = {};
  const allGen: RGBImage[] = [];
  for (const [w, g] of generated) {
    const [x, t] = [toTensor(g.x), toTensor(g.t)];
    gen[w] = correction(x, t);
    allGen.push(...g.x);
    tf.dispose([x, t]);
  }
  report.generated = gen;

  const splits = createEvalSplits(config.evalSet);
  const evalRows: Record<string, { teacher: Correction; student: Correction }> = {};
  for (const s of splits) {
    const t = tf.tidy(() => tf.clipByValue(teacher.predict(s.x), 0, 1) as Tensor4D);
    const st = tf.tidy(() => tf.clipByValue(result.studentModel.predict(s.x), 0, 1) as Tensor4D);
    evalRows[s.weather] = { teacher: correction(s.x, t), student: correction(s.x, st) };
    tf.dispose([t, st]);
  }
  report.eval = evalRows;

  // Feature space: generated samples, the synthetic evaluation inputs, and real degraded photos.
  const size = config.patch;
  const sets: Record<string, RGBImage[]> = { generated: allGen.slice(0, 48) };
  sets.synthetic = splits.flatMap((s) => Array.from({ length: s.inputs.n }, (_, i) => resizeBilinear(batchItem(s.inputs, i), size, size)));
  for (const name of ['rain100h', 'sots-outdoor-2', 'raindrop-4', 'rain12']) {
    const pairs = await realSetPairs(values.data, name);
    if (!pairs) continue;
    const imgs: RGBImage[] = [];
    for (const p of pairs.slice(0, 12)) imgs.push(resizeBilinear(await readImageOrFail(p.input), size, size));
    sets[name] = imgs;
  }
  const moments = Object.fromEntries(
    Object.entries(sets).map(([k, imgs]) => {
      const x = toTensor(imgs);
      const m = featureMoments(teacher, x);
      x.dispose();
      return [k, m];
    }),
  );
  const realNames = Object.keys(sets).filter((k) => k !== 'generated' && k !== 'synthetic');
  report.featureDistance = Object.fromEntries(
    ['generated', 'synthetic'].map((k) => [k, Object.fromEntries(realNames.map((r) => [r, momentDistance(moments[k], moments[r]).map((d) => +d.toFixed(3))]))]),
  );
  report.scores = result.eval;
  disposeEvalSplits(splits);
  result.studentModel.dispose();
  teacher.dispose();

  if (values.json) process.stdout.write(`${JSON.stringify(report, null, 1)}\n`);
  else {
    const f = (c: Correction) => `|c| ${c.abs.toFixed(4)}  mean ${c.signed >= 0 ? '+' : ''}${c.signed.toFixed(4)}  global ${(100 * c.globalShare).toFixed(0)}%`;
    console.log('teacher correction on generated samples (family):');
    for (const [w, c] of Object.entries(gen)) console.log(`  ${w.padEnd(11)} ${f(c)}`);
    console.log('on the evaluation images (weather): teacher | student');
    for (const [w, r] of Object.entries(evalRows)) console.log(`  ${w.padEnd(11)} ${f(r.teacher)} | ${f(r.student)}`);
    console.log('feature-moment distance to real degraded photos, per encoder level (shallow to deep):');
    for (const [k, row] of Object.entries(report.featureDistance as Record<string, Record<string, number[]>>)) {
      for (const [r, d] of Object.entries(row)) console.log(`  ${k.padEnd(10)} -> ${r.padEnd(15)} ${d.join('  ')}`);
    }
  }
}

await main();
