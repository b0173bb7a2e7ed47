// The training loop: memory stays flat for every method, non-finite losses stop the run with a
// clear error and keep the history, pause/resume/stop work, phases and substeps are honoured.
// Tiny settings throughout: these tests check the machinery, methods.test.ts checks learning.

import { beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../tf';
import { createRestorer, type Restorer } from '../models/restorer';
import { defineMethod, type DistillMethod, type MethodContext, type StepInfo } from '../methods/method';
import { METHODS } from '../methods/registry';
import { RunConfigError } from './config';
import { RunController } from './controller';
import { CheckpointError, packCheckpoint, unpackCheckpoint, type RunCheckpoint } from './checkpoint';
import { runDistillation, RunSetupError, type RunOptions } from './loop';
import { expectFlatMemory, machineryTeachers, runWith, SHORT, tinyConfig, type Teachers } from './test-runs';

let teachers: Teachers;
let teacher: Restorer;

beforeAll(async () => {
  await tf.setBackend('wasm');
  teachers = machineryTeachers();
  teacher = teachers.restorer!;
});

/** A run with this file's teachers unless the options name their own. */
const run = (options: RunOptions) => runWith(teachers, options);

/** For test methods that keep nothing between steps. */
const stateless = { saveState: async () => ({}), loadState: async () => {} };

describe('memory', () => {
  it.each(METHODS.map((m) => m.id))('%s: tensors and bytes stay flat over many steps, frees everything, and declares every loss it reports', (method) =>
    expectFlatMemory(teachers, method, 40),
  );
});

describe('events and history', () => {
  it('scores input, teacher and untrained student first, then the student every evalEvery steps', async () => {
    const { result, events } = await run({ config: tinyConfig('kd', 20) });
    const evals = events.filter((e) => e.type === 'eval').map((e) => (e.type === 'eval' ? [e.record.subject, e.record.studentStep] : []));
    expect(evals).toEqual([
      ['input', 0],
      ['teacher', 0],
      ['untrained', 0],
      ['student', 10],
      ['student', 20],
    ]);
    expect(events[0].type).toBe('start');
    expect(events.at(-1)!.type).toBe('end');
    const previews = events.filter((e) => e.type === 'preview');
    expect(previews.map((e) => e.type === 'preview' && e.totalStep)).toEqual([1, 4, 8, 12, 16, 20]);
    const p = previews[0].type === 'preview' ? previews[0].preview : null;
    expect(p!.samples).toHaveLength(2);
    expect(p!.samples[0].targets).toHaveLength(p!.targetLabels.length);
    expect(p!.samples[0].input.data.length).toBe(16 * 16 * 3);
    const step = events.find((e) => e.type === 'step');
    expect(step!.type === 'step' && Object.keys(step!.record.losses)).toEqual(['total', 'kd', 'rec']);
    expect(step!.type === 'step' && step!.stepsPerSecond).toBeGreaterThan(0);
    const evalEvent = events.find((e) => e.type === 'eval' && e.record.subject === 'student');
    expect(evalEvent!.type === 'eval' && evalEvent!.samples.map((s) => s.weather)).toEqual(['haze', 'rain']);
    expect(result.history.steps).toHaveLength(20);
    expect(Object.keys(result.eval.student!.weathers)).toEqual(['haze', 'rain']);
    // The untrained student is the identity (zero-initialised residual): it scores as the input.
    expect(result.eval.untrained!.mean.psnr).toBeCloseTo(result.eval.input!.mean.psnr, 1);
    // Events are plain data a worker can post.
    expect(() => structuredClone(events)).not.toThrow();
    result.studentModel.dispose();
  });

  it('refuses to start without a needed teacher, or with a bad configuration', async () => {
    await expect(runDistillation({ config: tinyConfig('kd', 2), teachers: {} })).rejects.toThrow(RunSetupError);
    await expect(runDistillation({ config: tinyConfig('kd', 2), teachers: {} })).rejects.toThrow(/method "kd" distils from a teacher, and none was given/);
    await expect(runDistillation({ config: { ...tinyConfig('kd', 2), batch: 0 }, teachers: { restorer: teacher } })).rejects.toThrow(RunConfigError);
    // Six levels need sides that are multiples of 32.
    const deep = createRestorer({
      ...teacher.config,
      levels: 6,
      widths: [4, 4, 4, 4, 4, 4],
      encoderBlocks: [0, 0, 0, 0, 0, 0],
      decoderBlocks: [0, 0, 0, 0, 0],
    });
    await expect(runDistillation({ config: tinyConfig('kd', 2), teachers: { restorer: deep } })).rejects.toThrow(/the teacher cannot run at patch 16/);
    deep.dispose();
  });
});

describe('non-finite losses', () => {
  it('stops the run with a clear error when the student diverges, keeping the history', async () => {
    const student = createRestorer('student-5', { seed: 1 });
    const { result, events } = await run({
      config: tinyConfig('scratch', 30, { evalEvery: 2 }),
      student,
      onEvent: (e) => {
        // Corrupt a weight after step 5, as an exploding update would.
        if (e.type === 'step' && e.record.totalStep === 5) {
          const w = student.trainableWeights[0];
          w.assign(tf.fill(w.shape, NaN));
        }
      },
    });
    expect(result.status).toBe('failed');
    expect(result.error!.kind).toBe('non-finite-loss');
    expect(result.error!.message).toMatch(/^training diverged at step 6 \(train\): the loss is not finite \(total = NaN\)/);
    expect(result.history.steps).toHaveLength(5);
    expect(result.history.evals.filter((e) => e.subject === 'student').map((e) => e.studentStep)).toEqual([2, 4]);
    const end = events.at(-1)!;
    expect(end.type === 'end' && end.summary.status).toBe('failed');
    student.dispose();
  });

  it('catches a method that reports a non-finite loss itself', async () => {
    const nanMethod = defineMethod({
      ...METHODS.find((m) => m.id === 'scratch')!,
      id: 'nan-at-3',
      options: {},
      create: (_o, c): DistillMethod => ({
        info: METHODS[0],
        phases: [{ id: 'train', label: 'train', steps: c.steps, trainsStudent: true }],
        ...stateless,
        init: async () => {},
        step: async (_ctx: MethodContext, info: StepInfo) => ({ losses: { total: info.studentStep === 2 ? Infinity : 1 } }),
        dispose: () => {},
      }),
    });
    const { result } = await run({ config: tinyConfig('nan-at-3', 10, {}, [nanMethod]), method: nanMethod });
    expect(result.status).toBe('failed');
    expect(result.error!.message).toMatch(/at step 3 \(train\): a loss is not finite \(total = Infinity\)/);
    expect(result.history.steps.map((s) => s.losses.total)).toEqual([1, 1]);
    result.studentModel.dispose();
  });
});

describe('artifacts', () => {
  const withArtifact = (name: string) =>
    defineMethod({
      ...METHODS.find((m) => m.id === 'scratch')!,
      id: `artifact-${name}`,
      options: {},
      create: (_o, c): DistillMethod => ({
        info: METHODS[0],
        phases: [{ id: 'train', label: 'train', steps: c.steps, trainsStudent: true }],
        ...stateless,
        init: async () => {},
        step: async () => ({ losses: { total: 1 } }),
        artifacts: async () => [{ name, title: 'a summary', kind: 'json', data: { answer: 42 } }],
        dispose: () => {},
      }),
    });

  it('hands back what the method made, and fails a run whose artifact has a bad folder name', async () => {
    const good = withArtifact('summary-1');
    const { result } = await run({ config: tinyConfig(good.id, 2, {}, [good]), method: good });
    expect(result.status).toBe('completed');
    expect(result.artifacts).toEqual([{ name: 'summary-1', title: 'a summary', kind: 'json', data: { answer: 42 } }]);
    result.studentModel.dispose();
    const bad = withArtifact('../escape');
    const failed = (await run({ config: tinyConfig(bad.id, 2, {}, [bad]), method: bad })).result;
    expect(failed.status).toBe('failed');
    expect(failed.artifacts).toEqual([]);
    expect(failed.error!.message).toMatch(/artifact names must be lower-case letters, digits and dashes: "..\/escape"/);
    failed.studentModel.dispose();
  });
});

describe('control', () => {
  it('pauses, resumes and stops between steps; a stopped run still scores its student', async () => {
    const controller = new RunController();
    let stepsWhilePaused = -1;
    let lastStep = 0;
    const { result, events } = await run({
      config: tinyConfig('scratch', 50),
      controller,
      onEvent: (e) => {
        if (e.type !== 'step') return;
        lastStep = e.record.totalStep;
        if (lastStep === 3) {
          controller.pause();
          setTimeout(() => {
            stepsWhilePaused = lastStep - 3;
            controller.resume();
          }, 150);
        }
        if (lastStep === 7) controller.stop();
      },
    });
    expect(stepsWhilePaused).toBe(0);
    expect(events.filter((e) => e.type === 'paused' || e.type === 'resumed').map((e) => e.type)).toEqual(['paused', 'resumed']);
    expect(result.status).toBe('stopped');
    expect(result.error).toBeNull();
    expect(result.studentSteps).toBe(7);
    // The 150 ms pause is not run time.
    const paused = events.findIndex((e) => e.type === 'paused');
    expect(events.slice(paused).find((e) => e.type === 'eval')).toBeDefined();
    expect(result.history.evals.at(-1)).toMatchObject({ subject: 'student', studentStep: 7 });
    result.studentModel.dispose();
  });

  it('stops on an AbortSignal, and stop() wakes a paused run', async () => {
    const abort = new AbortController();
    const { result } = await run({
      config: tinyConfig('scratch', 50),
      signal: abort.signal,
      onEvent: (e) => e.type === 'step' && e.record.totalStep === 2 && abort.abort(),
    });
    expect(result.status).toBe('stopped');
    expect(result.studentSteps).toBe(2);
    result.studentModel.dispose();

    const controller = new RunController();
    const r2 = await run({
      config: tinyConfig('scratch', 50),
      controller,
      onEvent: (e) => {
        if (e.type === 'paused') setTimeout(() => controller.stop(), 20);
        if (e.type === 'step' && e.record.totalStep === 1) controller.pause();
      },
    });
    expect(r2.result.status).toBe('stopped');
    expect(r2.result.studentSteps).toBe(1);
    r2.result.studentModel.dispose();
  });
});

describe('phases', () => {
  it('counts student steps only in student phases, evaluates only there, and reports substeps', async () => {
    const calls: string[] = [];
    const phased = defineMethod({
      ...METHODS[0],
      id: 'phased',
      options: {},
      create: (_o, c): DistillMethod => ({
        info: METHODS[0],
        phases: [
          { id: 'prepare', label: 'prepare', steps: 3, trainsStudent: false },
          { id: 'train', label: 'train', steps: c.steps, trainsStudent: true },
        ],
        ...stateless,
        init: async () => void calls.push('init'),
        beginPhase: async (_ctx, p) => void calls.push(`begin ${p.id}`),
        step: async (ctx, info) => {
          if (info.phase.id === 'prepare') for (let i = 1; i <= 2; i++) await ctx.substep(i, 2, 'sampling');
          calls.push(`${info.phase.id} ${info.phaseStep} ${info.studentStep} ${info.totalStep}`);
          return { losses: { total: 1 } };
        },
        dispose: () => void calls.push('dispose'),
      }),
    });
    const { result, events } = await run({ config: tinyConfig('phased', 4, { evalEvery: 2 }, [phased]), method: phased });
    expect(calls).toEqual([
      'init',
      'begin prepare',
      'prepare 0 0 0',
      'prepare 1 0 1',
      'prepare 2 0 2',
      'begin train',
      'train 0 0 3',
      'train 1 1 4',
      'train 2 2 5',
      'train 3 3 6',
      'dispose',
    ]);
    expect(result.studentSteps).toBe(4);
    expect(result.totalSteps).toBe(7);
    expect(result.history.evals.filter((e) => e.subject === 'student').map((e) => [e.studentStep, e.totalStep])).toEqual([
      [2, 5],
      [4, 7],
    ]);
    expect(events.filter((e) => e.type === 'substep').length).toBeGreaterThanOrEqual(3);
    const start = events[0];
    expect(start.type === 'start' && start.totalSteps).toBe(7);
    result.studentModel.dispose();
  });
});

describe('resumable runs', () => {
  type Result = Awaited<ReturnType<typeof runDistillation>>;
  /** What must match between a run and its resumed copy: every loss and score, and the final weights. */
  const trace = (r: Result) => ({
    steps: r.history.steps.map(({ millis: _m, ...s }) => s),
    evals: r.history.evals.map((e) => [e.subject, e.studentStep, e.totalStep, e.scores]),
    weights: r.studentModel.model.getWeights().map((w) => Array.from(w.dataSync())),
    status: r.status,
  });
  /** The way a checkpoint travels through a file: packed and unpacked. */
  const roundTrip = (cp: RunCheckpoint) => unpackCheckpoint(packCheckpoint(cp));

  for (const m of METHODS) {
    it(`${m.id}: continued from checkpoints taken in every phase, it ends exactly as the run that was never stopped`, async () => {
      const cfg = tinyConfig(m.id, 6, { evalEvery: 2, methodOptions: SHORT[m.id] ?? {} });
      const saved: RunCheckpoint[] = [];
      const whole = await run({ config: cfg, checkpoints: { everySeconds: 0, save: async (cp) => void saved.push(roundTrip(cp)) } });
      expect(whole.result.status).toBe('completed');
      const total = whole.result.totalSteps;
      expect(saved.map((c) => c.position.totalStep)).toEqual([...Array(total).keys()]);
      const expected = trace(whole.result);
      // One checkpoint in the middle of every phase (the first step of the first phase is a fresh run).
      const phaseStarts = saved.filter((c) => c.position.phaseStep === 0).map((c) => c.position.totalStep);
      const picks = saved.filter((c) =>
        phaseStarts.some((s, i) => c.position.totalStep === s + Math.max(1, Math.floor(((phaseStarts[i + 1] ?? total) - s) / 2))),
      );
      expect(picks.length).toBe(new Set(saved.map((c) => c.position.phaseIndex)).size);
      for (const cp of picks) {
        const resumed = await run({ config: cfg, resume: cp });
        const start = resumed.events[0];
        expect(start.type === 'start' && start.resumed?.totalStep).toBe(cp.position.totalStep);
        expect(trace(resumed.result)).toEqual(expected);
        resumed.result.studentModel.dispose();
      }
      whole.result.studentModel.dispose();
    });
  }

  it('a stop (here inside a long step, through ctx.substep) keeps a checkpoint from which the run ends as if never stopped', async () => {
    const cfg = tinyConfig('d4ir', 2, { evalEvery: 2, methodOptions: { ...SHORT.d4ir, adapterSteps: 2, diffusionSteps: 2 } });
    const whole = await run({ config: cfg });
    const controller = new RunController();
    let checkpoint: RunCheckpoint | null = null;
    const stopped = await run({
      config: cfg,
      controller,
      checkpoints: { everySeconds: 1e9, save: async (cp) => void (checkpoint = roundTrip(cp)) },
      onEvent: (e) => e.type === 'substep' && e.phase === 'synthesis' && controller.stop(),
    });
    expect(stopped.result.status).toBe('stopped');
    const cp = checkpoint as RunCheckpoint | null;
    expect(cp?.phases[cp.position.phaseIndex].id).toBe('synthesis');
    const resumed = await run({ config: cfg, resume: cp! });
    expect(trace(resumed.result)).toEqual(trace(whole.result));
    for (const r of [whole, stopped, resumed]) r.result.studentModel.dispose();
  });

  it('keeps a checkpoint when paused between steps', async () => {
    const controller = new RunController();
    const saved: number[] = [];
    const { result } = await run({
      config: tinyConfig('kd', 4),
      controller,
      checkpoints: { everySeconds: 1e9, save: async (cp) => void saved.push(cp.position.totalStep) },
      onEvent: (e) => {
        if (e.type === 'step' && e.record.totalStep === 2) controller.pause();
        if (e.type === 'paused') setTimeout(() => controller.resume(), 0);
      },
    });
    expect(result.status).toBe('completed');
    expect(saved).toEqual([2]);
    result.studentModel.dispose();
  });

  it('refuses a checkpoint that does not fit, says why, and reports a failing save without stopping', async () => {
    const cfg = tinyConfig('kd', 3);
    let cp: RunCheckpoint | null = null;
    const { result, events } = await run({
      config: cfg,
      checkpoints: {
        everySeconds: 0,
        save: async (c) => {
          cp ??= c;
          throw new Error('QuotaExceededError: the disk is full');
        },
      },
    });
    expect(result.status).toBe('completed');
    expect(events.filter((e) => e.type === 'checkpoint').map((e) => e.type === 'checkpoint' && e.error)).toEqual(
      Array(3).fill('QuotaExceededError: the disk is full'),
    );
    const good = cp as unknown as RunCheckpoint;
    await expect(run({ config: tinyConfig('kd', 4), resume: good })).rejects.toThrow(/configuration of its checkpoint/);
    await expect(run({ config: cfg, resume: { ...good, student: good.student.slice(1) } })).rejects.toThrow(/does not fit this run: .*student holds/);
    await expect(run({ config: cfg, resume: { ...good, format: 2 } as unknown as RunCheckpoint })).rejects.toThrow(CheckpointError);
    const file = packCheckpoint(good);
    const line = file.indexOf(10);
    expect(() => unpackCheckpoint(file.slice(0, file.length - 4))).toThrow(/refers to values/);
    expect(() => unpackCheckpoint(new Uint8Array([...file.slice(0, line - 3), ...file.slice(line)]))).toThrow(/not valid JSON/);
    expect(() => unpackCheckpoint(new TextEncoder().encode('{"format": 1}'))).toThrow(/not a checkpoint/);
    result.studentModel.dispose();
  });
});
