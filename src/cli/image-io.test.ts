import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, describe, expect, it } from 'vitest';
import type { RGBImage } from '../core/data/image';
import { decodeBmp } from './bmp';
import { ImageIOError, readImage, writeImage } from './image-io';
import { toBytes } from '../core/data/image';
import { encodeBmp, encodePng } from './test-helpers';

const dir = mkdtempSync(path.join(tmpdir(), 'weatherkd-io-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, bytes: Uint8Array | string): string {
  const p = path.join(dir, name);
  writeFileSync(p, bytes);
  return p;
}

/** A 5x3 test pattern with distinct values in every sample, as 8-bit RGB. */
const W = 5;
const H = 3;
const RGB = Uint8Array.from({ length: W * H * 3 }, (_, i) => (i * 37 + 11) % 256);

describe('readImage', () => {
  it('reads 8-bit RGB PNG exactly as value / 255', async () => {
    const img = await readImage(file('rgb8.png', encodePng(W, H, 2, 8, RGB)));
    expect([img.width, img.height]).toEqual([W, H]);
    expect(Array.from(img.data)).toEqual(Array.from(RGB, (v) => Math.fround(v / 255)));
  });

  it('keeps 16-bit PNG precision (value / 65535)', async () => {
    const samples = Array.from({ length: W * H * 3 }, (_, i) => (i * 4099 + 7) % 65536);
    const img = await readImage(file('rgb16.png', encodePng(W, H, 2, 16, samples)));
    expect(Array.from(img.data)).toEqual(samples.map((v) => Math.fround(v / 65535)));
  });

  it('drops alpha without compositing and replicates grey, 8 and 16 bit', async () => {
    const rgba = encodePng(2, 1, 6, 8, [10, 20, 30, 0, 200, 100, 50, 128]);
    expect(toBytes(await readImage(file('rgba.png', rgba)))).toEqual(Uint8Array.from([10, 20, 30, 200, 100, 50]));
    const greyAlpha = encodePng(2, 1, 4, 8, [10, 255, 200, 0]);
    expect(toBytes(await readImage(file('ga.png', greyAlpha)))).toEqual(Uint8Array.from([10, 10, 10, 200, 200, 200]));
    const grey16 = await readImage(file('g16.png', encodePng(2, 1, 0, 16, [1000, 65535])));
    expect(Array.from(grey16.data)).toEqual([1000, 1000, 1000, 65535, 65535, 65535].map((v) => Math.fround(v / 65535)));
    const rgba16 = await readImage(file('rgba16.png', encodePng(1, 1, 6, 16, [1, 2, 3, 0])));
    expect(Array.from(rgba16.data)).toEqual([1, 2, 3].map((v) => Math.fround(v / 65535)));
  });

  it('reads palette PNG', async () => {
    const png = await sharp(Buffer.from(RGB), { raw: { width: W, height: H, channels: 3 } })
      .png({ palette: true, colours: 256, dither: 0 })
      .toBuffer();
    const img = await readImage(file('palette.png', png));
    expect([img.width, img.height]).toEqual([W, H]);
    // 15 colours fit a palette exactly.
    expect(toBytes(img)).toEqual(RGB);
  });

  it('reads lossless WebP exactly and JPEG closely', async () => {
    const raw = { raw: { width: W, height: H, channels: 3 as const } };
    const webp = await sharp(Buffer.from(RGB), raw).webp({ lossless: true }).toBuffer();
    expect(toBytes(await readImage(file('a.webp', webp)))).toEqual(RGB);
    const smooth = Uint8Array.from({ length: 16 * 16 * 3 }, (_, i) => 60 + (i % 48));
    const jpeg = await sharp(Buffer.from(smooth), { raw: { width: 16, height: 16, channels: 3 } })
      .jpeg({ quality: 100 })
      .toBuffer();
    const img = await readImage(file('a.jpg', jpeg));
    expect([img.width, img.height]).toEqual([16, 16]);
    const err = toBytes(img).reduce((s, v, i) => s + Math.abs(v - smooth[i]), 0) / smooth.length;
    expect(err).toBeLessThan(3);
  });

  it('reads BMP: 24-bit bottom-up and top-down (row padding), 32-bit, 16-bit 5-6-5, palettes', async () => {
    for (const topDown of [false, true]) {
      const bmp = encodeBmp(W, H, { bitCount: 24, rgb: RGB, topDown });
      expect(toBytes(await readImage(file(`24-${topDown}.bmp`, bmp)))).toEqual(RGB);
    }
    expect(toBytes(await readImage(file('32.bmp', encodeBmp(W, H, { bitCount: 32, rgb: RGB }))))).toEqual(RGB);

    // Levels that survive 5-6-5 quantisation: channel = round(field * 255 / field_max).
    const rgb565 = [255, 255, 255, 0, 0, 0, 132, 130, 16];
    const img16 = await readImage(file('16.bmp', encodeBmp(3, 1, { bitCount: 16, rgb: rgb565 })));
    expect(toBytes(img16)).toEqual(Uint8Array.from(rgb565));

    const palette = [
      [0, 0, 0],
      [255, 0, 0],
      [0, 255, 0],
      [10, 20, 30],
    ];
    const indices = [0, 1, 2, 3, 3, 2, 1, 0, 1, 3, 0, 2, 2, 1, 3];
    const expected = Uint8Array.from(indices.flatMap((i) => palette[i]));
    for (const bitCount of [8, 4] as const) {
      const bmp = encodeBmp(W, H, { bitCount, palette, indices });
      expect(toBytes(await readImage(file(`p${bitCount}.bmp`, bmp)))).toEqual(expected);
    }
    const mono = encodeBmp(W, H, { bitCount: 1, palette: palette.slice(0, 2), indices: indices.map((i) => i & 1) });
    expect(toBytes(await readImage(file('p1.bmp', mono)))).toEqual(Uint8Array.from(indices.flatMap((i) => palette[i & 1])));
  });

  it('fails with one clear line for missing, empty, corrupt and unsupported files', async () => {
    const cases: [string, RegExp][] = [
      [path.join(dir, 'missing.png'), /missing\.png: no such file$/],
      [dir, /is a directory$/],
      [file('empty.png', ''), /the file is empty$/],
      [file('junk.png', 'this is not an image at all'), /not a PNG, JPEG, WebP or BMP image$/],
      [file('cut-header.png', encodePng(W, H, 2, 8, RGB).subarray(0, 40)), /corrupt or truncated PNG/],
      [file('cut-data.png', encodePng(W, H, 2, 8, RGB).subarray(0, 50)), /corrupt or truncated PNG/],
      [file('cut.bmp', encodeBmp(W, H, { bitCount: 24, rgb: RGB }).subarray(0, 70)), /truncated BMP pixel data$/],
    ];
    const gif = await sharp(Buffer.from(RGB), { raw: { width: W, height: H, channels: 3 } })
      .gif()
      .toBuffer();
    cases.push([file('a.gif', gif), /gif images are not supported/]);
    const noise = Buffer.from(Array.from({ length: 64 * 64 * 3 }, (_, i) => (i * 7919) % 251));
    const jpeg = await sharp(noise, { raw: { width: 64, height: 64, channels: 3 } })
      .jpeg()
      .toBuffer();
    cases.push([file('cut.jpg', jpeg.subarray(0, jpeg.length >> 1)), /corrupt or truncated JPEG/]);
    const rle = encodeBmp(W, H, { bitCount: 8, palette: [[0, 0, 0]], indices: new Array(W * H).fill(0) });
    rle.writeUInt32LE(1, 30); // BI_RLE8
    cases.push([file('rle.bmp', rle), /RLE-compressed BMP is not supported$/]);

    for (const [p, message] of cases) {
      const err = await readImage(p).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err, p).toBeInstanceOf(ImageIOError);
      expect((err as Error).message).toMatch(message);
      expect((err as Error).message).not.toContain('\n');
    }
  });
});

describe('writeImage', () => {
  it('writes an 8-bit PNG, clamping and rounding to the nearest level', async () => {
    const img: RGBImage = { width: 2, height: 1, data: Float32Array.from([0.5, -0.2, 1.3, 0.2 / 255, 0.6 / 255, NaN]) };
    const p = path.join(dir, 'sub', 'out.png');
    await writeImage(p, img);
    const { data, info } = await sharp(await readFile(p))
      .raw()
      .toBuffer({ resolveWithObject: true });
    expect([info.width, info.height, info.channels, info.format]).toEqual([2, 1, 3, 'raw']);
    expect(Array.from(data)).toEqual([128, 0, 255, 0, 1, 0]);
  });

  it('round-trips any 8-bit image exactly', async () => {
    const img: RGBImage = { width: W, height: H, data: Float32Array.from(RGB, (v) => v / 255) };
    const p = path.join(dir, 'roundtrip.png');
    await writeImage(p, img);
    expect(await readImage(p)).toEqual(img);
  });

  it('refuses other extensions and mismatched data', async () => {
    const img: RGBImage = { width: 1, height: 1, data: new Float32Array(3) };
    await expect(writeImage(path.join(dir, 'x.jpg'), img)).rejects.toThrow(/only PNG is written/);
    await expect(writeImage(path.join(dir, 'y.png'), { ...img, width: 2 })).rejects.toThrow(/does not match 2x1x3/);
  });
});

describe('decodeBmp', () => {
  it('rejects a file without the BM signature', () => {
    expect(() => decodeBmp(new Uint8Array([1, 2, 3]))).toThrow(/no "BM" signature/);
  });
});
