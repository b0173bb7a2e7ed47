// `weatherkd distill`, run in-process through main() with tiny settings: the JSON document, the
// files --out writes (a student "weatherkd eval --model DIR" loads), and the errors.

import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRestorer } from '../core/models/restorer';
import { tf } from '../core/tf';
import { REPO_ROOT, loadModelArg } from './model-arg';
import { saveRestorerToDir } from './model-files';
import { METHODS } from '../core/methods/registry';
import { runCli } from './test-helpers';

const dir = mkdtempSync(path.join(tmpdir(), 'weatherkd-distill-'));
const teacherDir = path.join(dir, 'teacher');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

beforeAll(async () => {
  await tf.setBackend('wasm');
  const teacher = createRestorer('student-10', { seed: 3 });
  await saveRestorerToDir(teacher, teacherDir);
  teacher.dispose();
});

const weatherkd = runCli;

/** Runs weatherkd and presses Ctrl-C once `dir` holds its first checkpoint (our handler only: the test runner has its own). */
async function stoppedAtFirstCheckpoint(dir: string, ...args: string[]) {
  const watch = setInterval(() => {
    if (!existsSync(path.join(dir, 'checkpoint.wkd'))) return;
    clearInterval(watch);
    (process.listeners('SIGINT').at(-1) as () => void)();
  }, 2);
  try {
    return await weatherkd(...args);
  } finally {
    clearInterval(watch);
  }
}

const TINY = ['--preset', 'quick', '--batch', '2', '--patch', '16', '--eval-size', '16', '--eval-count', '1', '--weathers', 'haze', '--backend', 'wasm'];
const SCORE_KEYS = ['psnr', 'ssim', 'psnr_y', 'ssim_y'];

describe('weatherkd distill', () => {
  it('prints the JSON document and writes metrics, run.json and a loadable student', async () => {
    const out = path.join(dir, 'kd');
    const run = await weatherkd(
      'distill',
      '--method',
      'kd',
      '--steps',
      '6',
      '--eval-every',
      '3',
      '--eval-weathers',
      'haze,rain',
      ...TINY,
      '--teacher',
      teacherDir,
      '--out',
      out,
      '--json',
    );
    expect(run.code, run.stderr).toBe(0);
    const doc = JSON.parse(run.stdout);
    expect(Object.keys(doc)).toEqual(['method', 'status', 'steps', 'seconds', 'backend', 'seed', 'student', 'eval']);
    expect(doc).toMatchObject({ method: 'kd', status: 'completed', steps: 6, backend: 'wasm', seed: 1 });
    expect(doc.student).toEqual({ preset: 'student-5', params: 67839, flops_per_pixel: 9180 });
    expect(Object.keys(doc.eval)).toEqual(['student', 'teacher', 'untrained', 'input']);
    for (const subject of Object.values(doc.eval) as Record<string, Record<string, number>>[]) {
      expect(Object.keys(subject)).toEqual(['haze', 'rain', 'mean']);
      for (const s of Object.values(subject)) expect(Object.keys(s)).toEqual(SCORE_KEYS);
    }
    expect(doc.eval.untrained.mean.psnr).toBeCloseTo(doc.eval.input.mean.psnr, 1);

    const lines = readFileSync(path.join(out, 'metrics.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines.map((l) => [l.subject, l.step])).toEqual([
      ['input', 0],
      ['teacher', 0],
      ['untrained', 0],
      ['student', 3],
      ['student', 6],
    ]);
    expect(lines.at(-1).scores).toEqual(doc.eval.student);

    const runJson = JSON.parse(readFileSync(path.join(out, 'run.json'), 'utf8'));
    expect(runJson.config).toMatchObject({ method: 'kd', steps: 6, patch: 16 });
    expect(runJson.losses).toHaveLength(6);

    // The folder is what `weatherkd eval --model DIR` loads.
    const { restorer } = await loadModelArg(out);
    expect(restorer.preset).toBe('student-5');
    restorer.dispose();
  });

  /** Short preparation phases, so that every method's run is a few seconds here. */
  const SHORT: Readonly<Record<string, string[]>> = {
    dfl: ['--option', 'generatorWarmup=2', '--option', 'studentStepsPerGenerator=2'],
    d4ir: ['--option', 'adapterSteps=3', '--option', 'diffusionSteps=3', '--option', 'bankSize=4', '--option', 'samplerSteps=4'],
    tripled: ['--train-set', '24', '--option', 'scorerSteps=3', '--option', 'adjustSteps=3', '--option', 'keep=0.25'],
  };

  it.each(METHODS.map((m) => m.id))(
    '%s: keeps a checkpoint while it trains; --resume DIR continues a stopped run and ends as the run never stopped',
    async (method) => {
      const [whole, parted] = [path.join(dir, `${method}-whole`), path.join(dir, `${method}-parted`)];
      const args = [
        '--method',
        method,
        '--steps',
        '12',
        '--eval-every',
        '4',
        ...(SHORT[method] ?? []),
        ...TINY,
        '--teacher',
        teacherDir,
        '--cache',
        'off',
        '--json',
      ];
      const a = await weatherkd('distill', ...args, '--out', whole);
      expect(a.code, a.stderr).toBe(0);
      expect(existsSync(path.join(whole, 'checkpoint.wkd'))).toBe(false);
      const b = await stoppedAtFirstCheckpoint(parted, 'distill', ...args, '--out', parted, '--checkpoint-every', '0');
      expect(JSON.parse(b.stdout).status).toBe('stopped');
      expect(b.stderr).toMatch(/stopping after this step, keeping a checkpoint/);

      expect((await weatherkd('distill', '--resume', parted, '--steps', '3', '--teacher', teacherDir)).stderr).toMatch(/drop --teacher, --steps \(/);
      const c = await weatherkd('distill', '--resume', parted, '--backend', 'wasm', '--json');
      expect(c.code, c.stderr).toBe(0);
      const [done, resumed] = [JSON.parse(a.stdout), JSON.parse(c.stdout)];
      expect(resumed.status).toBe('completed');
      expect(resumed.eval).toEqual(done.eval);
      const metrics = (d: string) =>
        readFileSync(path.join(d, 'metrics.jsonl'), 'utf8')
          .trim()
          .split('\n')
          .map((l) => ({ ...JSON.parse(l), seconds: 0 }));
      expect(metrics(parted)).toEqual(metrics(whole));
      expect(existsSync(path.join(parted, 'checkpoint.wkd'))).toBe(false);
      const again = await weatherkd('distill', '--resume', parted, '--backend', 'wasm');
      expect(again.code).toBe(1);
      expect(again.stderr).toMatch(/holds no checkpoint.wkd: .* deletes it once completed/);
    },
  );

  it("keeps D4IR's adapter and diffusion model in --cache DIR and reuses them", async () => {
    const cache = path.join(dir, 'cache');
    const d4ir = (out: string, ...more: string[]) =>
      weatherkd(
        'distill',
        '--method',
        'd4ir',
        '--steps',
        '2',
        ...TINY,
        '--teacher',
        teacherDir,
        '--option',
        'adapterSteps=2',
        '--option',
        'diffusionSteps=2',
        '--option',
        'bankSize=2',
        '--option',
        'samplerSteps=4',
        '--out',
        out,
        '--json',
        ...more,
      );
    const phasesRun = (out: string) => JSON.parse(readFileSync(path.join(out, 'run.json'), 'utf8')).losses.map((l: { phase: string }) => l.phase);
    const first = await d4ir(path.join(dir, 'd4ir-1'), '--cache', cache);
    expect(first.code, first.stderr).toBe(0);
    expect(phasesRun(path.join(dir, 'd4ir-1'))).toEqual(['adapter', 'adapter', 'diffusion', 'diffusion', 'synthesis', 'distill', 'distill']);
    // The synthesised bank is written as an artifact, in the input/ target/ layout of `weatherkd eval`.
    const bank = path.join(dir, 'd4ir-1', 'bank');
    expect(readdirSync(path.join(bank, 'input'))).toEqual(['0000.png', '0001.png']);
    expect(readdirSync(path.join(bank, 'target'))).toEqual(['0000.png', '0001.png']);
    expect(JSON.parse(readFileSync(path.join(bank, 'captions.json'), 'utf8')).pairs).toHaveLength(2);
    expect(JSON.parse(readFileSync(path.join(dir, 'd4ir-1', 'run.json'), 'utf8')).artifacts).toEqual([
      { name: 'bank', title: expect.any(String), kind: 'pairs' },
    ]);
    const entries = readdirSync(cache).sort();
    expect(entries).toHaveLength(2);
    for (const e of entries) expect(readdirSync(path.join(cache, e)).sort()).toEqual(['meta.json', 'weights.bin']);
    const second = await d4ir(path.join(dir, 'd4ir-2'), '--cache', cache);
    expect(second.code, second.stderr).toBe(0);
    expect(phasesRun(path.join(dir, 'd4ir-2'))).toEqual(['synthesis', 'distill', 'distill']);
    const off = await d4ir(path.join(dir, 'd4ir-3'), '--cache', 'off');
    expect(off.code, off.stderr).toBe(0);
    expect(phasesRun(path.join(dir, 'd4ir-3'))).toHaveLength(7);
  });

  it("writes TripleD's condensed set to DIR/subset, which --train-pairs trains on again (and a resumed run reads again)", async () => {
    const out = path.join(dir, 'tripled');
    const run = await weatherkd(
      'distill',
      '--method',
      'tripled',
      '--steps',
      '2',
      ...TINY,
      '--train-set',
      '40',
      '--option',
      'keep=0.1',
      '--option',
      'scorerSteps=2',
      '--option',
      'adjustSteps=2',
      '--cache',
      'off',
      '--out',
      out,
      '--json',
    );
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout).subset).toMatchObject({ size: 4, of: 40, set: 'synthetic', selection: 'spread', adjusted: true });
    const subset = path.join(out, 'subset');
    const stems = readdirSync(path.join(subset, 'input')).sort();
    expect(stems).toHaveLength(4);
    for (const folder of ['target', 'original']) expect(readdirSync(path.join(subset, folder)).sort()).toEqual(stems);
    expect(JSON.parse(readFileSync(path.join(out, 'scores', 'scores.json'), 'utf8')).data.complexity).toHaveLength(40);

    // A later TripleD run condenses the user's pairs: all 4 of them are its full set.
    const again = await weatherkd(
      'distill',
      '--method',
      'tripled',
      '--steps',
      '2',
      ...TINY,
      '--train-pairs',
      subset,
      '--option',
      'scorerSteps=1',
      '--cache',
      'off',
      '--json',
    );
    expect(again.code, again.stderr).toBe(0);
    expect(JSON.parse(again.stdout).subset).toMatchObject({ size: 1, of: 4, set: 'user' });

    // Scratch on them, stopped after its first checkpoint, continues on the same pairs (the checkpoint names the folder).
    const args = ['--method', 'scratch', '--steps', '6', '--eval-every', '3', ...TINY, '--train-pairs', subset, '--json'];
    const whole = await weatherkd('distill', ...args);
    const parted = path.join(dir, 'scratch-pairs');
    const stopped = await stoppedAtFirstCheckpoint(parted, 'distill', ...args, '--out', parted, '--checkpoint-every', '0');
    expect(JSON.parse(stopped.stdout).status).toBe('stopped');
    expect((await weatherkd('distill', '--resume', parted, '--train-pairs', subset)).stderr).toMatch(/drop --train-pairs/);
    const resumed = await weatherkd('distill', '--resume', parted, '--backend', 'wasm', '--json');
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(JSON.parse(resumed.stdout).eval).toEqual(JSON.parse(whole.stdout).eval);
    const missing = await weatherkd('distill', '--method', 'scratch', ...TINY, '--train-pairs', path.join(dir, 'nowhere'));
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/cannot read input folder .*nowhere.input: no such folder/);
  });

  it('prints a table without --json, and method options change the run', async () => {
    const run = await weatherkd(
      'distill',
      '--method',
      'dfl',
      '--steps',
      '2',
      '--option',
      'generatorWarmup=1',
      '--option',
      'crWeight=0',
      ...TINY,
      '--teacher',
      teacherDir,
    );
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/^dfl: 2 student steps in \d+s on wasm\n/);
    expect(run.stdout).toMatch(/\nstudent( +\d+\.\d\d){7}\n/);
    expect(run.stderr).toMatch(/phase 1: Generator warm-up \(1 steps\)/);
  });

  it('says clearly when the teacher is missing', async () => {
    const missing = await weatherkd('distill', '--method', 'kd', ...TINY, '--teacher', path.join(dir, 'nowhere'));
    expect(missing.code).toBe(1);
    expect(missing.stderr.trim().split('\n')).toHaveLength(1);
    expect(missing.stderr).toMatch(/^weatherkd distill: no model ".*nowhere": not a shipped model \(teacher, autoencoder\) and no such folder/);
    if (!existsSync(path.join(REPO_ROOT, 'public/models/teacher/model.json'))) {
      const unshipped = await weatherkd('distill', '--method', 'dfl', ...TINY);
      expect(unshipped.code).toBe(1);
      expect(unshipped.stderr).toMatch(/the teacher model is not shipped yet/);
      // Scratch does not need it: it runs, without a teacher reference.
      const scratch = await weatherkd('distill', '--method', 'scratch', '--steps', '1', ...TINY, '--json');
      expect(scratch.code, scratch.stderr).toBe(0);
      expect(scratch.stderr).toMatch(/^note: the teacher model is not shipped yet/);
      expect(JSON.parse(scratch.stdout).eval.teacher).toBeNull();
    }
  });

  it.each([
    [['--method', 'nope'], /unknown --method "nope" \(expected one of scratch, kd, dfl/],
    [['--method', 'kd', '--option', 'alpha=1'], /method kd has no option "alpha" \(options: kdWeight, recWeight\)/],
    [['--method', 'kd', '--option', 'kdWeight=-1'], /kd.kdWeight must be a number in \[0, 100\], got "-1"/],
    [['--steps', '0'], /--steps must be an integer in \[1, 1000000\], got "0"/],
    // Echoed as typed, in one line of our own words.
    [['--steps', '-5'], /--steps must be an integer in \[1, 1000000\], got "-5"/],
    [['--steps', 'abc'], /--steps must be an integer in \[1, 1000000\], got "abc"/],
    [['--bogus', '1'], /unknown option --bogus \(see/],
    [['--weathers', 'fog'], /--weathers: unknown value "fog"/],
    [['--patch', '20'], /patch must be a multiple of 8 for student-10, got 20/],
    [['--preset', 'huge'], /unknown --preset "huge"/],
  ])('rejects %j with a usage error', async (args, message) => {
    const run = await weatherkd('distill', ...args);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(message);
  });
});
