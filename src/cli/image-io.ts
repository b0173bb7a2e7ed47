// Image files <-> RGBImage in Node, through sharp (libvips) plus a small BMP decoder.
//
// The pixels are the raw decoded samples, as Pillow and scikit-image see them, so our metrics
// match theirs: embedded ICC profiles are ignored (no colour conversion) and EXIF orientation is
// not applied. Alpha is dropped without compositing, greyscale is replicated to RGB, 16-bit PNGs
// keep their precision (value / 65535).

import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, extname } from 'node:path';
import sharp, { type Metadata } from 'sharp';
import { toBytes, type RGBImage } from '../core/data/image';
import { BmpError, decodeBmp, isBmp } from './bmp';

/** A file that cannot be read or written as an image; the message is one line for the user. */
export class ImageIOError extends Error {
  override name = 'ImageIOError';
}

const READABLE_FORMATS = new Set(['png', 'jpeg', 'webp']);

/** The format a file claims by its signature, to tell "corrupt PNG" from "not an image". */
function sniffFormat(bytes: Uint8Array): string | undefined {
  const ascii = (from: number, to: number): string => String.fromCharCode(...bytes.subarray(from, to));
  if (bytes[0] === 0x89 && ascii(1, 4) === 'PNG') return 'png';
  if (bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'jpeg';
  if (ascii(0, 4) === 'RIFF' && ascii(8, 12) === 'WEBP') return 'webp';
  return undefined;
}

function fsReason(err: unknown): string {
  const code = (err as NodeJS.ErrnoException).code;
  switch (code) {
    case 'ENOENT':
      return 'no such file';
    case 'EISDIR':
      return 'is a directory';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    default:
      return firstLine(err);
  }
}

function firstLine(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  return message.split('\n')[0].trim();
}

/** Reads a PNG, JPEG, WebP or BMP file as RGB in [0, 1]. Throws ImageIOError with a clear reason. */
export async function readImage(path: string): Promise<RGBImage> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (err) {
    throw new ImageIOError(`cannot read image ${path}: ${fsReason(err)}`);
  }
  if (bytes.length === 0) throw new ImageIOError(`cannot read image ${path}: the file is empty`);

  if (isBmp(bytes)) {
    try {
      const { width, height, rgb } = decodeBmp(bytes);
      return { width, height, data: Float32Array.from(rgb, (v) => v / 255) };
    } catch (err) {
      const reason = err instanceof BmpError ? err.message : firstLine(err);
      throw new ImageIOError(`cannot read image ${path}: ${reason}`);
    }
  }

  // ignoreIcc: raw samples, as Pillow returns them (sharp would otherwise convert to sRGB).
  const image = sharp(bytes, { ignoreIcc: true, failOn: 'warning' });
  let meta: Metadata;
  try {
    meta = await image.metadata();
  } catch (err) {
    const claimed = sniffFormat(bytes);
    const reason = claimed ? `corrupt or truncated ${claimed.toUpperCase()} (${firstLine(err)})` : 'not a PNG, JPEG, WebP or BMP image';
    throw new ImageIOError(`cannot read image ${path}: ${reason}`);
  }
  const format = meta.format;
  if (!READABLE_FORMATS.has(format)) {
    throw new ImageIOError(`cannot read image ${path}: ${format} images are not supported (PNG, JPEG, WebP, BMP)`);
  }

  try {
    const sixteenBit = meta.depth === 'ushort';
    const { data, info } = await image
      .removeAlpha()
      .toColourspace(sixteenBit ? 'rgb16' : 'srgb')
      .raw({ depth: sixteenBit ? 'ushort' : 'uchar' })
      .toBuffer({ resolveWithObject: true });
    if (info.channels !== 3) throw new Error(`decoded ${info.channels} channels, expected 3`);
    const samples = sixteenBit
      ? new Uint16Array(data.buffer, data.byteOffset, data.byteLength / 2)
      : new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    const scale = sixteenBit ? 65535 : 255;
    return { width: info.width, height: info.height, data: Float32Array.from(samples, (v) => v / scale) };
  } catch (err) {
    throw new ImageIOError(`cannot read image ${path}: corrupt or truncated ${format.toUpperCase()} (${firstLine(err)})`);
  }
}

/** Writes an 8-bit RGB PNG (values clamped to [0, 1] and rounded); creates the folder if needed. */
export async function writeImage(path: string, img: RGBImage): Promise<void> {
  if (extname(path).toLowerCase() !== '.png') {
    throw new ImageIOError(`cannot write image ${path}: only PNG is written; use a .png file name`);
  }
  if (img.data.length !== img.width * img.height * 3 || img.width <= 0 || img.height <= 0) {
    throw new ImageIOError(`cannot write image ${path}: data does not match ${img.width}x${img.height}x3`);
  }
  const png = await sharp(toBytes(img), { raw: { width: img.width, height: img.height, channels: 3 } })
    .png()
    .toBuffer();
  try {
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, png);
  } catch (err) {
    throw new ImageIOError(`cannot write image ${path}: ${fsReason(err)}`);
  }
}
