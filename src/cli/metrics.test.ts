// `weatherkd metrics` end to end: spawns bin/weatherkd.mjs as a user would run it.

import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyEdit, makePattern } from '../core/metrics/fixtures/synthetic';
import { scoreImages } from '../core/metrics/image-metrics';
import { readImage } from './image-io';
import { encodeBmp } from './test-helpers';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const bin = path.join(repoRoot, 'bin/weatherkd.mjs');
const dir = mkdtempSync(path.join(tmpdir(), 'weatherkd-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function weatherkd(...args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile(process.execPath, [bin, ...args], { cwd: repoRoot, env: { ...process.env, WEATHERKD_DEBUG: '' } }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : -1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

/** A failed run: nonzero exit, nothing on stdout, exactly one line on stderr and no stack trace. */
function expectOneLineFailure(run: Run, message: RegExp, code = 1): void {
  expect(run.code).toBe(code);
  expect(run.stdout).toBe('');
  expect(run.stderr.endsWith('\n')).toBe(true);
  expect(run.stderr.trimEnd().split('\n')).toHaveLength(1);
  expect(run.stderr).toMatch(message);
  expect(run.stderr).not.toMatch(/\n\s+at /);
}

const W = 48;
const H = 36;
const reference = makePattern({ kind: 'rings', seed: 5 }, W, H);
const restored = applyEdit(reference, { op: 'noise', amplitude: 12, seed: 3 }, W, H);
const raw = { raw: { width: W, height: H, channels: 3 as const } };

const encoders: Record<string, (rgb: Uint8Array) => Promise<Buffer>> = {
  png: (rgb) => sharp(Buffer.from(rgb), raw).png().toBuffer(),
  jpg: (rgb) => sharp(Buffer.from(rgb), raw).jpeg({ quality: 90 }).toBuffer(),
  webp: (rgb) => sharp(Buffer.from(rgb), raw).webp({ lossless: true }).toBuffer(),
  bmp: async (rgb) => encodeBmp(W, H, { bitCount: 24, rgb }),
};

const files: Record<string, { restored: string; reference: string }> = {};

beforeAll(async () => {
  for (const [ext, encode] of Object.entries(encoders)) {
    files[ext] = { restored: path.join(dir, `restored.${ext}`), reference: path.join(dir, `reference.${ext}`) };
    writeFileSync(files[ext].restored, await encode(restored));
    writeFileSync(files[ext].reference, await encode(reference));
  }
});

describe('weatherkd metrics', () => {
  for (const ext of Object.keys(encoders)) {
    it(`prints the library's scores as JSON for ${ext.toUpperCase()} files`, async () => {
      const run = await weatherkd('metrics', files[ext].restored, files[ext].reference, '--json');
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
      expect(run.stdout.trimEnd().split('\n')).toHaveLength(1);
      const expected = scoreImages(await readImage(files[ext].restored), await readImage(files[ext].reference));
      expect(JSON.parse(run.stdout)).toEqual(expected);
      if (ext !== 'jpg') {
        // Lossless formats carry the exact pixels: same numbers whatever the container.
        expect(expected).toEqual(scoreImages(await readImage(files.png.restored), await readImage(files.png.reference)));
      }
    });
  }

  it('mixes formats and prints a readable summary without --json', async () => {
    const run = await weatherkd('metrics', files.bmp.restored, files.webp.reference);
    expect(run.code).toBe(0);
    const s = scoreImages(await readImage(files.png.restored), await readImage(files.png.reference));
    expect(run.stdout).toContain(`PSNR  RGB ${s.psnr.toFixed(4)} dB   Y ${s.psnr_y.toFixed(4)} dB`);
    expect(run.stdout).toContain(`SSIM  RGB ${s.ssim.toFixed(6)}   Y ${s.ssim_y.toFixed(6)}`);
  });

  it('writes an infinite PSNR as "Infinity" in JSON', async () => {
    const run = await weatherkd('metrics', files.png.reference, files.bmp.reference, '--json');
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual({ psnr: 'Infinity', ssim: 1, psnr_y: 'Infinity', ssim_y: 1 });
  });

  it('fails with one line on a missing file', async () => {
    const missing = path.join(dir, 'nope.png');
    const run = await weatherkd('metrics', missing, files.png.reference, '--json');
    expectOneLineFailure(run, /^weatherkd metrics: cannot read image .*nope\.png: no such file$/m);
  });

  it('fails with one line on images of different sizes', async () => {
    const other = path.join(dir, 'other.png');
    writeFileSync(
      other,
      await sharp(Buffer.alloc(30 * 20 * 3, 90), { raw: { width: 30, height: 20, channels: 3 } })
        .png()
        .toBuffer(),
    );
    const run = await weatherkd('metrics', files.png.restored, other);
    expectOneLineFailure(run, /image sizes differ: .*restored\.png is 48x36, .*other\.png is 30x20$/m);
  });

  it('fails with one line on a corrupt file', async () => {
    const corrupt = path.join(dir, 'corrupt.jpg');
    const jpeg = await encoders.jpg(restored);
    writeFileSync(corrupt, jpeg.subarray(0, jpeg.length >> 1));
    expectOneLineFailure(await weatherkd('metrics', corrupt, files.jpg.reference), /corrupt or truncated JPEG/);
    const junk = path.join(dir, 'junk.png');
    writeFileSync(junk, 'not an image');
    expectOneLineFailure(await weatherkd('metrics', junk, files.png.reference), /not a PNG, JPEG, WebP or BMP image$/m);
  });

  it('fails with one line and exit 2 on bad arguments; --help works', async () => {
    expectOneLineFailure(await weatherkd('metrics', files.png.restored), /expected RESTORED REFERENCE, got 1 argument/, 2);
    expectOneLineFailure(await weatherkd('metrics', 'a', 'b', '--jsn'), /unknown option --jsn \(see/, 2);
    expectOneLineFailure(await weatherkd('no-such-command'), /unknown command "no-such-command"/, 2);
    const help = await weatherkd('metrics', '--help');
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^Usage: weatherkd metrics RESTORED REFERENCE \[options\]/);
    const overview = await weatherkd('--help');
    expect(overview.stdout).toMatch(/metrics +PSNR and SSIM/);
  });
});
