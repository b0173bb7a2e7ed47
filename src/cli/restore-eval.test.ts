// `weatherkd restore`, `eval` and `train-teacher` on a tiny generated set, run in-process through
// main() (one bin/weatherkd.mjs spawn checks the real entry point).

import { execFile } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { batchItem } from '../core/data/image';
import { makeEvalSet } from '../core/data/pairs';
import type { WeatherType } from '../core/data/weather';
import { scoreImages } from '../core/metrics/image-metrics';
import { createRestorer, type RestorerConfig } from '../core/models/restorer';
import { tf } from '../core/tf';
import type { TeacherState } from '../core/train/teacher';
import { readImage, writeImage } from './image-io';
import { saveRestorerToDir } from './model-files';
import { tinyRestorerConfig } from '../core/models/test-configs';
import { packModelZip } from '../core/models/model-zip';
import { runCli, type CliRun } from './test-helpers';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const dir = mkdtempSync(path.join(tmpdir(), 'weatherkd-eval-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const SMALL: RestorerConfig = tinyRestorerConfig({ zeroInitOutput: false });

type Run = CliRun;
const weatherkd = runCli;

function expectOneLineFailure(run: Run, message: RegExp, code = 1): void {
  expect(run.code, run.stderr).toBe(code);
  expect(run.stdout).toBe('');
  expect(run.stderr.trimEnd().split('\n')).toHaveLength(1);
  expect(run.stderr).toMatch(message);
}

type Scores = { psnr: number; ssim: number; psnr_y: number; ssim_y: number };
interface EvalDoc {
  model: string;
  count: number;
  input: Scores;
  output: Scores;
  images: { name: string; input: Scores; output: Scores }[];
}

const WEATHERS: WeatherType[] = ['rain', 'haze', 'snow'];
const input = path.join(dir, 'set/input');
const target = path.join(dir, 'set/target');
const modelDir = path.join(dir, 'small');
const identityDir = path.join(dir, 'identity');

beforeAll(async () => {
  await tf.setBackend('wasm');
  mkdirSync(input, { recursive: true });
  mkdirSync(target, { recursive: true });
  // 44x36: not a multiple of the model's size multiple, so the padding path runs too.
  for (const w of WEATHERS) {
    const set = makeEvalSet(w, 1, 44, 5);
    await writeImage(path.join(input, `${w}.png`), batchItem(set.degraded, 0));
    await writeImage(path.join(target, `${w}.png`), batchItem(set.clean, 0));
  }
  const small = createRestorer(SMALL, { seed: 3 });
  await saveRestorerToDir(small, modelDir);
  small.dispose();
  // A zero-initialised tail with a global residual: exactly the identity.
  const identity = createRestorer({ ...SMALL, zeroInitOutput: true }, { seed: 4 });
  await saveRestorerToDir(identity, identityDir);
  identity.dispose();
});

describe('weatherkd eval', () => {
  it('pairs by stem and prints input and output scores per image and on average', async () => {
    const run = await weatherkd('eval', '--input', input, '--target', target, '--model', modelDir, '--json');
    expect(run.code, run.stderr).toBe(0);
    const doc = JSON.parse(run.stdout) as EvalDoc;
    expect(Object.keys(doc)).toEqual(['model', 'count', 'input', 'output', 'images']);
    expect(doc.model).toBe(modelDir);
    expect(doc.count).toBe(3);
    expect(doc.images.map((i) => i.name)).toEqual(['haze', 'rain', 'snow']);
    for (const img of doc.images) {
      expect(Object.keys(img)).toEqual(['name', 'input', 'output']);
      const own = scoreImages(await readImage(path.join(input, `${img.name}.png`)), await readImage(path.join(target, `${img.name}.png`)));
      expect(img.input).toEqual(own);
      expect(img.output.psnr).not.toBe(img.input.psnr);
    }
    for (const k of ['psnr', 'ssim', 'psnr_y', 'ssim_y'] as const) {
      expect(doc.input[k]).toBeCloseTo(doc.images.reduce((s, i) => s + i.input[k], 0) / 3, 10);
      expect(doc.output[k]).toBeCloseTo(doc.images.reduce((s, i) => s + i.output[k], 0) / 3, 10);
    }
  });

  it('scores the restored image exactly as restore + metrics would', async () => {
    const out = path.join(dir, 'restored-rain.png');
    const restored = await weatherkd('restore', path.join(input, 'rain.png'), out, '--model', modelDir);
    expect(restored.code, restored.stderr).toBe(0);
    expect(restored.stdout).toMatch(/restored .*rain\.png \(44x44\) -> .*restored-rain\.png/);
    const metrics = await weatherkd('metrics', out, path.join(target, 'rain.png'), '--json');
    const ev = JSON.parse((await weatherkd('eval', '--input', input, '--target', target, '--model', modelDir, '--json')).stdout) as EvalDoc;
    expect(ev.images.find((i) => i.name === 'rain')!.output).toEqual(JSON.parse(metrics.stdout));
  });

  it('gives the input scores back for an identity model, also when tiled', async () => {
    const whole = JSON.parse((await weatherkd('eval', '--input', input, '--target', target, '--model', identityDir, '--json')).stdout) as EvalDoc;
    expect(whole.output).toEqual(whole.input);
    const tiled = await weatherkd('eval', '--input', input, '--target', target, '--model', identityDir, '--json', '--tile', '24', '--overlap', '8');
    expect((JSON.parse(tiled.stdout) as EvalDoc).output).toEqual(whole.input);
    // The same model as the one .zip file the page downloads.
    const zip = path.join(dir, 'identity.zip');
    writeFileSync(
      zip,
      packModelZip(
        JSON.parse(readFileSync(path.join(identityDir, 'model.json'), 'utf8')),
        new Uint8Array(readFileSync(path.join(identityDir, 'weights.bin'))).buffer,
      ),
    );
    const zipped = await weatherkd('eval', '--input', input, '--target', target, '--model', zip, '--json');
    expect((JSON.parse(zipped.stdout) as EvalDoc).output).toEqual(whole.input);
    writeFileSync(path.join(dir, 'broken.zip'), 'not a zip');
    expectOneLineFailure(
      await weatherkd('eval', '--input', input, '--target', target, '--model', path.join(dir, 'broken.zip')),
      /broken.zip is not a readable ZIP file/,
    );
  });

  it('scores one half of a set with a declared split (--split), and refuses other sets', async () => {
    const set = path.join(dir, 'rain100h');
    for (const side of ['input', 'target']) {
      mkdirSync(path.join(set, side), { recursive: true });
      for (const stem of ['3', '4', '6']) copyFileSync(path.join(side === 'input' ? input : target, 'rain.png'), path.join(set, side, `${stem}.png`));
    }
    const args = ['eval', '--input', path.join(set, 'input'), '--target', path.join(set, 'target'), '--model', identityDir, '--json'];
    const names = async (split: string) => (JSON.parse((await weatherkd(...args, '--split', split)).stdout) as EvalDoc).images.map((i) => i.name);
    expect(await names('dev')).toEqual(['3', '4']);
    expect(await names('test')).toEqual(['6']);
    expectOneLineFailure(
      await weatherkd('eval', '--input', input, '--target', target, '--split', 'dev'),
      /no dev\/test split is declared for the set "set"/,
      2,
    );
    expectOneLineFailure(await weatherkd(...args, '--split', 'val'), /--split must be dev or test/, 2);
  });

  it('prints a table without --json', async () => {
    const run = await weatherkd('eval', '--input', input, '--target', target, '--model', modelDir);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/3 pairs/);
    expect(run.stdout).toMatch(/^mean\s/m);
  });

  it('fails with one line on missing folders, unpaired stems, size mismatches and missing models', async () => {
    expectOneLineFailure(await weatherkd('eval', '--target', target, '--model', modelDir), /--input DIR is required/, 2);
    expectOneLineFailure(
      await weatherkd('eval', '--input', path.join(dir, 'nope'), '--target', target, '--model', modelDir),
      /input folder .*nope: no such folder/,
    );

    const odd = path.join(dir, 'odd');
    mkdirSync(path.join(odd, 'input'), { recursive: true });
    mkdirSync(path.join(odd, 'target'), { recursive: true });
    for (const w of WEATHERS) copyFileSync(path.join(input, `${w}.png`), path.join(odd, 'input', `${w}.png`));
    for (const w of WEATHERS.slice(1)) copyFileSync(path.join(target, `${w}.png`), path.join(odd, 'target', `${w}.png`));
    copyFileSync(path.join(target, 'rain.png'), path.join(odd, 'target', 'extra.png'));
    expectOneLineFailure(
      await weatherkd('eval', '--input', path.join(odd, 'input'), '--target', path.join(odd, 'target'), '--model', modelDir),
      /unpaired stems: 1 input\(s\) with no target .*"rain".*1 target\(s\) with no input .*"extra"/,
    );

    const mismatch = path.join(dir, 'mismatch');
    mkdirSync(path.join(mismatch, 'input'), { recursive: true });
    mkdirSync(path.join(mismatch, 'target'), { recursive: true });
    copyFileSync(path.join(input, 'rain.png'), path.join(mismatch, 'input', 'a.png'));
    const other = makeEvalSet('rain', 1, 40, 5);
    await writeImage(path.join(mismatch, 'target', 'a.png'), batchItem(other.clean, 0));
    expectOneLineFailure(
      await weatherkd('eval', '--input', path.join(mismatch, 'input'), '--target', path.join(mismatch, 'target'), '--model', modelDir),
      /size mismatch for "a": input .* is 44x44, target .* is 40x40/,
    );
    expectOneLineFailure(await weatherkd('eval', '--input', input, '--target', target, '--model', path.join(dir, 'no-model')), /no model ".*no-model"/);
    expectOneLineFailure(await weatherkd('eval', '--input', input, '--target', target, '--model', input), /no model\.json in/);
  });
});

describe('weatherkd restore', () => {
  it('writes a PNG of the input size, tiled or not', async () => {
    const a = path.join(dir, 'a.png');
    const b = path.join(dir, 'b.png');
    expect((await weatherkd('restore', path.join(input, 'snow.png'), a, '--model', modelDir)).code).toBe(0);
    expect((await weatherkd('restore', path.join(input, 'snow.png'), b, '--model', modelDir, '--tile', '32', '--overlap', '8')).code).toBe(0);
    const [ia, ib] = [await readImage(a), await readImage(b)];
    expect([ia.width, ia.height, ib.width, ib.height]).toEqual([44, 44, 44, 44]);
  });

  it('fails with one line on bad paths', async () => {
    expectOneLineFailure(await weatherkd('restore', path.join(input, 'rain.png'), path.join(dir, 'x.jpg'), '--model', modelDir), /OUT must be a \.png/);
    expectOneLineFailure(await weatherkd('restore', path.join(dir, 'missing.png'), path.join(dir, 'x.png'), '--model', modelDir), /no such file/);
  });
});

describe('weatherkd train-teacher', () => {
  const run = path.join(dir, 'run');

  it('trains, checkpoints, resumes to a larger total, and the run serves as --model', async () => {
    const first = await weatherkd('train-teacher', '--steps', '2', '--batch', '1', '--patch', '16', '--out', run, '--log-every', '1');
    expect(first.code, first.stderr).toBe(0);
    expect(first.stderr).toMatch(/step 2\/2 {2}loss [\d.]+ .* steps\/s {2}elapsed .* left /);
    expect(first.stderr).toMatch(/checkpoint: step 2/);
    // The default backend is chosen, not forced.
    expect(first.stderr).toMatch(/backend: wasm/);
    expect(first.stderr).not.toMatch(/forced/);

    const again = await weatherkd('train-teacher', '--steps', '2', '--out', run);
    expectOneLineFailure(again, /already holds a training run; continue it with --resume/);
    expectOneLineFailure(await weatherkd('train-teacher', '--resume', run, '--patch', '32'), /--patch cannot change when resuming/, 2);

    const resumed = await weatherkd('train-teacher', '--resume', run, '--steps', '3', '--log-every', '1');
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stderr).toMatch(/resuming .* at step 2/);
    expect(resumed.stderr).toMatch(/step 3\/3/);
    const state = JSON.parse(readFileSync(path.join(run, 'checkpoint/state.json'), 'utf8')) as TeacherState;
    expect(state.step).toBe(3);
    expect(state.losses).toHaveLength(3);
    expect(state.sessions.map((s) => [s.fromStep, s.toStep])).toEqual([
      [0, 2],
      [2, 3],
    ]);
    expect(state.recipe.patch).toBe(16);

    const ev = await weatherkd('eval', '--input', input, '--target', target, '--model', run, '--json');
    expect(ev.code, ev.stderr).toBe(0);
    expect((JSON.parse(ev.stdout) as EvalDoc).count).toBe(3);
  });

  it('fine-tunes a new run from a model with --init, recording where it started', async () => {
    const tuned = path.join(dir, 'tuned');
    const out = await weatherkd(
      'train-teacher',
      '--init',
      run,
      '--steps',
      '1',
      '--batch',
      '1',
      '--patch',
      '16',
      '--identity-share',
      '0.5',
      '--pale-sky-share',
      '0.4',
      '--litter-share',
      '0.3',
      '--extreme-share',
      '0.25',
      '--keep-weights',
      '--ssim-weight',
      '0.2',
      '--weathers',
      'rain,snow',
      '--out',
      tuned,
    );
    expect(out.code, out.stderr).toBe(0);
    expect(out.stderr).toMatch(new RegExp(`new run in .*tuned fine-tuning .*run: `));
    const state = JSON.parse(readFileSync(path.join(tuned, 'checkpoint/state.json'), 'utf8')) as TeacherState;
    expect(state.step).toBe(1);
    expect(state.recipe).toMatchObject({
      identityShare: 0.5,
      paleSkyShare: 0.4,
      litterShare: 0.3,
      extremeShare: 0.25,
      ssimWeight: 0.2,
      weathers: ['rain', 'snow'],
      init: { model: run, steps: 3 },
    });
    // --keep-weights: each checkpoint's weights stay behind as a model folder.
    const snapshot = path.join(tuned, 'snapshots/step-000001');
    expect(readdirSync(snapshot).sort()).toEqual(['model.json', 'weights.bin']);
    expect(readFileSync(path.join(snapshot, 'weights.bin'))).toEqual(readFileSync(path.join(tuned, 'checkpoint/weights.bin')));
    expectOneLineFailure(await weatherkd('train-teacher', '--resume', tuned, '--init', run), /--init starts a new run/, 2);
    expectOneLineFailure(await weatherkd('train-teacher', '--resume', run, '--steps', '1'), /--steps 1 is fewer than the 3 steps this run has already done/);
    expectOneLineFailure(await weatherkd('train-teacher', '--init', path.join(dir, 'nothing'), '--out', path.join(dir, 'x')), /no model/);
    expectOneLineFailure(await weatherkd('train-teacher', '--identity-share', '2', '--out', path.join(dir, 'y')), /identity-share/, 2);
    expectOneLineFailure(await weatherkd('train-teacher', '--weathers', 'rain,fog', '--out', path.join(dir, 'y')), /--weathers: unknown value "fog"/, 2);
    expectOneLineFailure(await weatherkd('train-teacher', '--weathers', 'rain,rain', '--out', path.join(dir, 'y')), /twice/, 2);
  });

  it('draws scenes from a folder of photos with --photos, and resumes only with the same photos', async () => {
    const photos = path.join(dir, 'photos');
    mkdirSync(photos);
    for (const w of WEATHERS) copyFileSync(path.join(target, `${w}.png`), path.join(photos, `${w}.png`));
    const withPhotos = path.join(dir, 'with-photos');
    const out = await weatherkd(
      'train-teacher',
      '--photos',
      photos,
      '--photo-share',
      '0.7',
      '--exclude-photos',
      'rain,haze.png',
      '--steps',
      '1',
      '--batch',
      '1',
      '--patch',
      '16',
      '--out',
      withPhotos,
    );
    expect(out.code, out.stderr).toBe(0);
    const state = JSON.parse(readFileSync(path.join(withPhotos, 'checkpoint/state.json'), 'utf8')) as TeacherState;
    expect(state.recipe.photos).toEqual({ dir: photos, share: 0.7, names: ['snow.png'] });
    expectOneLineFailure(
      await weatherkd('train-teacher', '--photos', photos, '--exclude-photos', 'fog', '--out', path.join(dir, 'z')),
      /--exclude-photos: .* has no photo fog/,
    );

    rmSync(path.join(photos, 'snow.png'));
    expectOneLineFailure(await weatherkd('train-teacher', '--resume', withPhotos, '--steps', '2'), /photos from .* that are gone: snow.png/);
    expectOneLineFailure(await weatherkd('train-teacher', '--exclude-photos', 'rain', '--out', path.join(dir, 'z')), /--exclude-photos needs --photos/, 2);
    expectOneLineFailure(await weatherkd('train-teacher', '--photo-share', '0.5', '--out', path.join(dir, 'z')), /--photo-share needs --photos/, 2);
    expectOneLineFailure(
      await weatherkd('train-teacher', '--photos', path.join(dir, 'set'), '--out', path.join(dir, 'z')),
      /holds no PNG, JPEG, WebP or BMP photos; its subfolders input, target do: pass one of them/,
    );
  });

  it('runs from the real entry point (bin/weatherkd.mjs)', async () => {
    const bin = path.join(repoRoot, 'bin/weatherkd.mjs');
    const out = await new Promise<Run>((resolve) => {
      execFile(
        process.execPath,
        [bin, 'eval', '--input', input, '--target', target, '--model', run, '--json', '--limit', '1'],
        { cwd: repoRoot },
        (err, stdout, stderr) => resolve({ code: err ? Number(err.code ?? 1) : 0, stdout, stderr }),
      );
    });
    expect(out.code, out.stderr).toBe(0);
    expect((JSON.parse(out.stdout) as EvalDoc).images.map((i) => i.name)).toEqual(['haze']);
  });
});
