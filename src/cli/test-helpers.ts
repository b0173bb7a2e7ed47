// Hand-written PNG and BMP encoders for the I/O and CLI tests: they make files sharp cannot
// (16-bit PNGs with exact samples, every BMP variant) and never copy a real image into the repo.

import { crc32, deflateSync } from 'node:zlib';
import { main } from './main';

function pngChunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

/** PNG colour types: 0 grey, 2 RGB, 4 grey + alpha, 6 RGBA; samples row-major, interleaved. */
export function encodePng(width: number, height: number, colorType: 0 | 2 | 4 | 6, bitDepth: 8 | 16, samples: ArrayLike<number>): Buffer {
  const channels = { 0: 1, 2: 3, 4: 2, 6: 4 }[colorType];
  const bytesPerSample = bitDepth / 8;
  const rowBytes = width * channels * bytesPerSample;
  const raw = Buffer.alloc(height * (rowBytes + 1)); // each row: filter byte 0, then samples
  for (let y = 0; y < height; y++) {
    for (let i = 0; i < width * channels; i++) {
      const at = y * (rowBytes + 1) + 1 + i * bytesPerSample;
      const v = samples[y * width * channels + i];
      if (bitDepth === 16) raw.writeUInt16BE(v, at);
      else raw[at] = v;
    }
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = bitDepth;
  ihdr[9] = colorType;
  return Buffer.concat([
    Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]),
    pngChunk('IHDR', ihdr),
    pngChunk('IDAT', deflateSync(raw)),
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
}

export interface BmpOptions {
  /** 24 or 32 (BGR[X]); 8, 4 or 1 with `palette` and `indices`; 16 with 5-6-5 bit fields. */
  bitCount: 1 | 4 | 8 | 16 | 24 | 32;
  topDown?: boolean;
  /** RGB triples, for palette images. */
  palette?: number[][];
  /** One palette index per pixel, for palette images. */
  indices?: number[];
  /** RGB bytes, row-major, for 16/24/32-bit images. */
  rgb?: ArrayLike<number>;
}

/** A BITMAPINFOHEADER (40-byte) BMP. */
export function encodeBmp(width: number, height: number, opts: BmpOptions): Buffer {
  const { bitCount } = opts;
  const stride = Math.ceil((width * bitCount) / 32) * 4;
  const paletteBytes = opts.palette ? opts.palette.length * 4 : 0;
  const maskBytes = bitCount === 16 ? 12 : 0;
  const offset = 14 + 40 + maskBytes + paletteBytes;
  const buf = Buffer.alloc(offset + stride * height);
  buf.write('BM', 0, 'ascii');
  buf.writeUInt32LE(buf.length, 2);
  buf.writeUInt32LE(offset, 10);
  buf.writeUInt32LE(40, 14);
  buf.writeInt32LE(width, 18);
  buf.writeInt32LE(opts.topDown ? -height : height, 22);
  buf.writeUInt16LE(1, 26);
  buf.writeUInt16LE(bitCount, 28);
  buf.writeUInt32LE(bitCount === 16 ? 3 : 0, 30); // BI_BITFIELDS for 16-bit, else BI_RGB
  buf.writeUInt32LE(stride * height, 34);
  buf.writeUInt32LE(opts.palette?.length ?? 0, 46);
  if (bitCount === 16) {
    buf.writeUInt32LE(0xf800, 54);
    buf.writeUInt32LE(0x07e0, 58);
    buf.writeUInt32LE(0x001f, 62);
  }
  opts.palette?.forEach(([r, g, b], i) => {
    const at = 54 + maskBytes + i * 4;
    buf[at] = b;
    buf[at + 1] = g;
    buf[at + 2] = r;
  });
  for (let y = 0; y < height; y++) {
    const row = offset + (opts.topDown ? y : height - 1 - y) * stride;
    for (let x = 0; x < width; x++) {
      const p = y * width + x;
      if (bitCount <= 8) {
        const bit = x * bitCount;
        buf[row + (bit >> 3)] |= opts.indices![p] << (8 - bitCount - (bit & 7));
        continue;
      }
      const [r, g, b] = [opts.rgb![p * 3], opts.rgb![p * 3 + 1], opts.rgb![p * 3 + 2]];
      if (bitCount === 16) {
        buf.writeUInt16LE(((r >> 3) << 11) | ((g >> 2) << 5) | (b >> 3), row + x * 2);
      } else {
        const at = row + x * (bitCount / 8);
        buf[at] = b;
        buf[at + 1] = g;
        buf[at + 2] = r;
        if (bitCount === 32) buf[at + 3] = 255;
      }
    }
  }
  return buf;
}

/** What one in-process run of the command line printed, and its exit code. */
export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `weatherkd ...argv` in this process (no spawn: fast, and coverage sees it). */
export async function runCli(...argv: string[]): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, { stdout: { write: (t: string) => (stdout += t) }, stderr: { write: (t: string) => (stderr += t) } });
  return { code, stdout, stderr };
}
