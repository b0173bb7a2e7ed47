import { describe, expect, it } from 'vitest';
import { resolveRunConfig } from '../core/run/config';
import { METHODS, getMethod } from '../core/methods/registry';
import type { EvalScores, RunEvent } from '../core/run/events';
import { applyEvent, newRunRecord } from './runs';
import { evaluationsCsv, exportRun, importRun } from './run-export';

const blank = newRunRecord('r', 'test', { method: 'kd', steps: 2 }, 'quick');

const scores = (psnr: number): EvalScores => ({ weathers: {}, mean: { psnr, ssim: 0.5, psnr_y: psnr, ssim_y: 0.5 } });
const step = (totalStep: number, losses: Record<string, number>): RunEvent => ({
  type: 'step',
  record: { totalStep, studentStep: totalStep, phase: 'distill', phaseStep: totalStep - 1, losses, millis: 1 },
  totalSteps: 2,
  stepsPerSecond: 1,
  etaSeconds: 1,
  seconds: totalStep,
  lr: 1e-3,
});

describe('applyEvent', () => {
  it('keeps the resolved configuration and the loss groups from the start event, and never changes its input', () => {
    const config = resolveRunConfig({ method: 'kd', steps: 2 }, METHODS);
    const m = getMethod('kd');
    const start: RunEvent = {
      type: 'start',
      method: { ...m, paper: undefined },
      config,
      phases: [],
      totalSteps: 2,
      backend: 'wasm',
      student: { params: 1, flopsPerPixel: 1, preset: null },
      teacher: null,
      resumed: null,
    };
    const before = structuredClone(blank);
    const r = applyEvent(blank, start);
    expect(blank).toEqual(before);
    expect(r).toMatchObject({ state: 'running', backend: 'wasm', config, lossGroups: m.losses });
    expect(r.config!.methodOptions).toEqual({ kdWeight: 1, recWeight: 1 });
  });

  it('aligns loss series that appear late with NaN, and records evaluations and references', () => {
    let r = applyEvent(blank, step(1, { total: 1 }));
    r = applyEvent(r, step(2, { total: 0.5, G: 3 }));
    expect(r.losses.step).toEqual([1, 2]);
    expect(r.losses.series.total).toEqual([1, 0.5]);
    expect(r.losses.series.G).toEqual([NaN, 3]);
    const img = { width: 1, height: 1, data: new Float32Array(3) };
    const sample = { weather: 'rain' as const, input: img, target: img, restored: img };
    r = applyEvent(r, {
      type: 'eval',
      record: { subject: 'teacher', studentStep: 0, totalStep: 0, seconds: 0, millis: 1, scores: scores(30) },
      samples: [sample],
    });
    r = applyEvent(r, { type: 'eval', record: { subject: 'student', studentStep: 2, totalStep: 2, seconds: 2, millis: 1, scores: scores(25) }, samples: [] });
    expect(r.references.teacher!.mean.psnr).toBe(30);
    expect(r.teacherSamples).toEqual([sample]);
    expect(r.evals).toEqual([{ step: 2, scores: scores(25), seconds: 2 }]);
    expect(r.progress).toMatchObject({ totalStep: 2, studentStep: 2, phase: 'distill' });
  });

  it('ends with the summary status and error', () => {
    const r = applyEvent(blank, {
      type: 'end',
      summary: { status: 'failed', error: { kind: 'non-finite-loss', message: 'diverged', phase: 'distill', totalStep: 1 } } as never,
    });
    expect(r).toMatchObject({ state: 'failed', error: 'diverged' });
  });

  it('keeps the last checkpoint, warns when one could not be kept, and rewinds a continued run to its checkpoint', () => {
    const evalAt = (totalStep: number, psnr: number): RunEvent => ({
      type: 'eval',
      record: { subject: 'student', studentStep: totalStep, totalStep, seconds: 0, millis: 1, scores: scores(psnr) },
      samples: [],
    });
    let r = [step(1, { total: 1 }), step(2, { total: 0.8 }), evalAt(2, 20), step(3, { total: 0.6 }), evalAt(3, 21)].reduce(applyEvent, blank);
    r = applyEvent(r, { type: 'checkpoint', totalStep: 2, studentStep: 2, savedAt: 5, error: null });
    expect(r.checkpoint).toEqual({ totalStep: 2, studentStep: 2, savedAt: 5 });
    r = applyEvent(r, { type: 'checkpoint', totalStep: 3, studentStep: 3, savedAt: 6, error: 'quota exceeded' });
    expect(r.checkpoint!.totalStep).toBe(2);
    expect(r.warning).toMatch(/could not be kept in this browser \(quota exceeded\)/);
    r = applyEvent(
      { ...r, state: 'stopped', error: 'x' },
      {
        type: 'start',
        method: getMethod('kd'),
        config: resolveRunConfig({ method: 'kd', steps: 2 }, METHODS),
        phases: [],
        totalSteps: 4,
        backend: 'wasm',
        student: { params: 1, flopsPerPixel: 1, preset: null },
        teacher: null,
        resumed: { totalStep: 2, evals: [(evalAt(2, 20) as Extract<RunEvent, { type: 'eval' }>).record] },
      },
    );
    expect(r).toMatchObject({ state: 'running', error: null, losses: { step: [1, 2], series: { total: [1, 0.8] } }, evals: [{ step: 2, scores: scores(20) }] });
  });
});

const kdConfig = () => resolveRunConfig({ method: 'kd', steps: 2 }, METHODS, 'quick');
/** The start event of a 2-step KD run. */
const kdStart = (config: ReturnType<typeof kdConfig>): RunEvent => ({
  type: 'start',
  method: getMethod('kd'),
  config,
  phases: [{ id: 'distill', label: 'KD', steps: 2, trainsStudent: true }],
  totalSteps: 2,
  backend: 'wasm',
  student: { params: 7, flopsPerPixel: 9, preset: 'student-5' },
  teacher: null,
  resumed: null,
});

describe('run export', () => {
  it('keeps the configuration, curves, evaluations and references, and writes the evaluations as CSV', () => {
    const config = kdConfig();
    let r = applyEvent(blank, kdStart(config));
    r = applyEvent(r, step(1, { total: 0.5 }));
    const rain = { psnr: 25, ssim: 0.8, psnr_y: 26, ssim_y: 0.81 };
    r = { ...r, evals: [{ step: 1, scores: { weathers: { rain }, mean: rain } }], references: { input: scores(20), untrained: scores(20), teacher: null } };
    const doc = JSON.parse(JSON.stringify(exportRun(r)));
    expect(doc).toMatchObject({
      format: 'weatherkd-run',
      version: 1,
      method: 'kd',
      backend: 'wasm',
      config,
      evals: r.evals,
      references: r.references,
      losses: r.losses,
    });
    expect(doc.project.version).toMatch(/^\d+\.\d+\.\d+/);
    expect(evaluationsCsv(r).trim().split('\n')).toEqual([
      'subject,step,weather,psnr,ssim,psnr_y,ssim_y',
      'input,,mean,20,0.5,20,0.5',
      'untrained,,mean,20,0.5,20,0.5',
      'student,1,rain,25,0.8,26,0.81',
      'student,1,mean,25,0.8,26,0.81',
    ]);
  });
});

describe('run import', () => {
  const config = kdConfig();
  const run = {
    ...applyEvent(blank, kdStart(config)),
    state: 'completed' as const,
    evals: [{ step: 2, seconds: 1.5, scores: scores(24) }],
    references: { input: scores(20), untrained: scores(20), teacher: scores(26) },
  };

  it('reads back exactly what was exported, as a new record', () => {
    const back = importRun(JSON.stringify(exportRun(run)), 'imported-1', 'run.json');
    expect(back).toMatchObject({ id: 'imported-1', label: 'test (imported)', method: 'kd', state: 'completed', backend: 'wasm', student: run.student });
    for (const key of ['config', 'evals', 'references', 'losses', 'progress', 'phases', 'lossGroups'] as const) expect(back[key], key).toEqual(run[key]);
  });

  it("reads a weatherkd distill run.json: the final evaluation, the references, the student's size", () => {
    const s = (psnr: number) => ({ psnr, ssim: 0.7, psnr_y: psnr, ssim_y: 0.7 });
    const doc = {
      method: 'kd',
      status: 'completed',
      steps: 6,
      seconds: 3,
      backend: 'wasm',
      seed: 1,
      student: { preset: 'student-5', params: 67839, flops_per_pixel: 9180 },
      eval: { student: { haze: s(22), mean: s(22) }, teacher: null, untrained: { haze: s(20), mean: s(20) }, input: { haze: s(20), mean: s(20) } },
      config,
    };
    const broken = JSON.parse(JSON.stringify(doc));
    broken.eval.input.mean = 'x';
    expect(() => importRun(JSON.stringify(broken), 'x', 'run.json')).toThrow(/run.json is not a run file: .*eval.input.mean/);
    const back = importRun(JSON.stringify(doc), 'x', 'run.json');
    expect(back.evals).toEqual([{ step: 6, seconds: 3, scores: { weathers: { haze: s(22) }, mean: s(22) } }]);
    expect(back.student).toEqual({ params: 67839, flopsPerPixel: 9180, preset: 'student-5' });
  });

  it('refuses a truncated or wrong file with one message', () => {
    const text = JSON.stringify(exportRun(run));
    expect(() => importRun(text.slice(0, 200), 'x', 'a.json')).toThrow(/^a.json is not JSON \(.*\); is it cut short\?$/);
    expect(() => importRun(text.replace('"version":1', '"version":9'), 'x', 'a.json')).toThrow(/a.json is not a run file: .* at version/);
    expect(() => importRun('[1, 2]', 'x', 'a.json')).toThrow(/neither a playground export nor a weatherkd distill run.json/);
  });
});
