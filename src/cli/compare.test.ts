// `weatherkd compare`: its numbers are exactly each run's run.json, the best of each column is
// marked, and a folder that is not a run says so. `weatherkd sweep`: its plan, two tiny runs in
// their own processes, a second sweep that keeps them, and compare on its folders.

import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from './test-helpers';

const dir = mkdtempSync(path.join(tmpdir(), 'weatherkd-compare-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function fakeRun(name: string, method: string, psnr: number, seconds: number): string {
  const out = path.join(dir, name);
  mkdirSync(out, { recursive: true });
  const s = (p: number) => ({ psnr: p, ssim: p / 30, psnr_y: p + 1, ssim_y: 0.5 });
  const doc = {
    method,
    status: 'completed',
    steps: 10,
    seconds,
    backend: 'wasm',
    seed: 1,
    student: { preset: 'student-5', params: 67839, flops_per_pixel: 9180 },
    eval: { student: { haze: s(psnr), rain: s(psnr + 2), mean: s(psnr + 1) }, teacher: null, untrained: s(20), input: s(20) },
  };
  writeFileSync(path.join(out, 'run.json'), JSON.stringify(doc));
  return out;
}

describe('weatherkd compare', () => {
  const a = fakeRun('a', 'kd', 22.123456, 30);
  const b = fakeRun('b', 'scratch', 21, 12);

  it('prints the runs with the numbers of their run.json and marks each column best', async () => {
    const json = await runCli('compare', a, b, '--json');
    expect(json.code, json.stderr).toBe(0);
    const rows = JSON.parse(json.stdout).rows;
    expect(rows.map((r: { method: string }) => r.method)).toEqual(['kd', 'scratch']);
    expect(rows[0].scores.haze).toEqual({ psnr: 22.123456, ssim: 22.123456 / 30 });

    const md = await runCli('compare', a, b, '--markdown');
    const lines = md.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^\| run \| method \| seed \| haze PSNR \| haze SSIM \| rain PSNR/);
    expect(lines[2]).toContain('| **22.12** |');
    // Faster run, best wall time; equal params mark nothing.
    expect(lines[3]).toMatch(/\| \*\*12\.0\*\* \|$/);
    expect(md.stdout).not.toContain('**67839**');
    const csv = await runCli('compare', a, b, '--csv');
    expect(csv.stdout.split('\n')[1].startsWith(`${a},kd,1,22.12,`)).toBe(true);
  });

  it('says which folder is not a run', async () => {
    const run = await runCli('compare', a, path.join(dir, 'nothing'));
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/cannot read .*nothing.run\.json: no such file \(is .* the --out folder of a weatherkd distill run\?\)/);
    expect((await runCli('compare', a, '--csv', '--json')).code).toBe(2);
  });
});

describe('weatherkd sweep', () => {
  const out = path.join(dir, 'sweep');
  const args = ['sweep', '--methods', 'scratch', '--seeds', '1,2', '--preset', 'quick', '--steps', '3', '--out', out];

  it('plans one distill command per method and seed', async () => {
    const run = await runCli(...args, '--plan', '--json');
    expect(run.code, run.stderr).toBe(0);
    const { runs } = JSON.parse(run.stdout);
    expect(runs.map((r: { id: string }) => r.id)).toEqual(['scratch-s1', 'scratch-s2']);
    expect(runs[1].argv).toEqual([
      'distill',
      '--method',
      'scratch',
      '--seed',
      '2',
      '--preset',
      'quick',
      '--steps',
      '3',
      '--out',
      path.join(out, 'scratch-s2'),
      '--json',
    ]);
    expect(runs[1].command).toBe(`npx weatherkd ${runs[1].argv.join(' ')}`);
  });

  it('runs them, keeps them when run again, and compare reads the same numbers', { timeout: 120_000 }, async () => {
    const first = await runCli(...args, '--parallel', '2', '--json');
    expect(first.code, first.stderr).toBe(0);
    expect(first.stderr).toMatch(/run 2 of 2 done/);
    const doc = JSON.parse(first.stdout);
    expect(doc.runs.map((r: { status: string }) => r.status)).toEqual(['completed', 'completed']);
    const again = JSON.parse((await runCli(...args, '--json')).stdout);
    expect(again.runs.map((r: { status: string }) => r.status)).toEqual(['kept', 'kept']);
    const compared = JSON.parse((await runCli('compare', path.join(out, 'scratch-s1'), path.join(out, 'scratch-s2'), '--json')).stdout);
    expect(compared.rows).toEqual(doc.rows);
    const own = JSON.parse(readFileSync(path.join(out, 'scratch-s2', 'run.json'), 'utf8'));
    expect(doc.rows[1].scores.mean.psnr).toBe(own.eval.student.mean.psnr);
  });
});
