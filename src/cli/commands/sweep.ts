// weatherkd sweep --methods A,B --seeds 1,2 --steps N [--parallel P] --out DIR [--plan] [--json]:
// one `weatherkd distill` process per (method, seed), each writing DIR/<method>-s<seed>/, then the
// comparison table of `weatherkd compare`. A run whose folder already holds a completed run.json
// is kept, and one that holds a checkpoint continues from it: a sweep that was killed goes on
// where it stopped. --plan prints the runs as a job list instead (docs/scale-out.md).

import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { CliError, UsageError, defineCommand } from '../command';
import { intOption } from '../number-option';
import { CHECKPOINT_FILE } from '../run-checkpoint';
import { REPO_ROOT } from '../model-arg';
import { compareCommand, readRun } from './compare';

export interface PlannedRun {
  id: string;
  method: string;
  seed: number;
  out: string;
  /** Arguments of `weatherkd`, starting with the command name. */
  argv: string[];
  /** The same as one shell line. */
  command: string;
}

const quote = (a: string) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`);

function list(flag: string, text: string | undefined): string[] {
  const items = (text ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (!items.length) throw new UsageError(`--${flag} needs a comma-separated list`);
  return [...new Set(items)];
}

function plan(values: { methods?: string; seeds?: string; steps?: string; student?: string; preset?: string; out?: string }): PlannedRun[] {
  const methods = list('methods', values.methods);
  const seeds = list('seeds', values.seeds ?? '1').map((s) => intOption('seeds', s, 0));
  if (values.out === undefined) throw new UsageError('--out DIR is required: each run writes DIR/<method>-s<seed>/');
  const steps = values.steps === undefined ? [] : ['--steps', String(intOption('steps', values.steps, 1))];
  const shared = [...(values.preset === undefined ? [] : ['--preset', values.preset]), ...(values.student === undefined ? [] : ['--student', values.student])];
  return methods.flatMap((method) =>
    seeds.map((seed) => {
      const id = `${method}-s${seed}`;
      const out = path.join(values.out!, id);
      const argv = ['distill', '--method', method, '--seed', String(seed), ...shared, ...steps, '--out', out, '--json'];
      return { id, method, seed, out, argv, command: ['npx', 'weatherkd', ...argv].map(quote).join(' ') };
    }),
  );
}

/** What a run's folder holds: a completed run (kept), a checkpoint (continued) or nothing (started). */
function stateOf(run: PlannedRun): 'done' | 'resume' | 'new' {
  const file = path.join(run.out, 'run.json');
  if (existsSync(path.join(run.out, CHECKPOINT_FILE))) return 'resume';
  if (existsSync(file)) {
    try {
      if ((JSON.parse(readFileSync(file, 'utf8')) as { status?: string }).status === 'completed') return 'done';
    } catch {
      // unreadable: run it again
    }
  }
  return 'new';
}

function weatherkd(argv: string[]): Promise<{ code: number; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [path.join(REPO_ROOT, 'bin/weatherkd.mjs'), ...argv], { cwd: REPO_ROOT, maxBuffer: 64 << 20 }, (error, _stdout, stderr) =>
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stderr }),
    );
  });
}

export const sweepCommand = defineCommand({
  name: 'sweep',
  summary: 'run several methods and seeds at one budget, one process each, and compare them',
  positionals: [],
  description: [
    'Runs `weatherkd distill` once per method and seed, at most --parallel at a time, each in its own',
    'process writing DIR/<method>-s<seed>/ (metrics.jsonl, run.json, the student, a checkpoint while it',
    'trains), then prints the comparison table of `weatherkd compare`. Run it again after a stop: completed',
    'runs are kept and interrupted ones continue from their checkpoints. With --plan, prints the runs instead',
    'of running them (--json: {"runs":[{"id","method","seed","out","argv","command"}]}), one command line',
    'each, for an engine that spreads them over machines (docs/scale-out.md).',
  ].join('\n'),
  options: {
    methods: { type: 'string', valueName: 'A,B,...', description: 'method ids (required)' },
    seeds: { type: 'string', valueName: 'S,T,...', description: 'seeds (default: 1)' },
    steps: { type: 'string', valueName: 'N', description: 'student steps of every run (default: distill\u2019s)' },
    preset: { type: 'string', valueName: 'quick|standard|long', description: 'settings preset of every run (default: standard)' },
    student: { type: 'string', valueName: 'PRESET', description: 'student of every run (default: distill\u2019s)' },
    parallel: { type: 'string', valueName: 'P', default: '1', description: 'runs at a time' },
    out: { type: 'string', valueName: 'DIR', description: 'where each run writes its folder (required)' },
    plan: { type: 'boolean', description: 'print the runs as a job list, run nothing' },
    json: { type: 'boolean', description: 'print JSON: the plan, or {"runs":[...],"rows":[...]} (rows as weatherkd compare --json)' },
  },
  async run({ values }, io) {
    const runs = plan(values);
    if (values.plan) {
      io.stdout.write(values.json ? `${JSON.stringify({ runs })}\n` : `${runs.map((r) => r.command).join('\n')}\n`);
      return;
    }
    const parallel = intOption('parallel', values.parallel, 1);
    const t0 = Date.now();
    let next = 0;
    let finished = 0;
    const outcome = new Map<string, 'completed' | 'kept' | 'failed'>();
    await Promise.all(
      Array.from({ length: Math.min(parallel, runs.length) }, async () => {
        while (next < runs.length) {
          const run = runs[next++];
          const state = stateOf(run);
          let status: 'completed' | 'kept' | 'failed' = 'kept';
          if (state !== 'done') {
            io.stderr.write(`sweep: ${run.id} ${state === 'resume' ? 'continues from its checkpoint' : 'started'}\n`);
            const r = await weatherkd(state === 'resume' ? ['distill', '--resume', run.out, '--json'] : run.argv);
            status = r.code === 0 ? 'completed' : 'failed';
            if (status === 'failed') io.stderr.write(`sweep: ${run.id} failed: ${r.stderr.trim().split('\n').at(-1)}\n`);
          }
          outcome.set(run.id, status);
          finished += 1;
          const elapsed = (Date.now() - t0) / 1000;
          io.stderr.write(`sweep: run ${finished} of ${runs.length} done (${run.id}: ${status}), ${elapsed.toFixed(0)} s so far\n`);
        }
      }),
    );
    const good = runs.filter((r) => outcome.get(r.id) !== 'failed');
    const failed = runs.length - good.length;
    if (values.json) {
      const rows = await Promise.all(good.map((r) => readRun(r.out)));
      io.stdout.write(`${JSON.stringify({ runs: runs.map((r) => ({ id: r.id, out: r.out, status: outcome.get(r.id) })), rows })}\n`);
    } else if (good.length) {
      await compareCommand.run(
        good.map((r) => r.out),
        io,
      );
    }
    if (failed) throw new CliError(`${failed} of ${runs.length} runs failed; run the same sweep again to retry them`);
  },
});
