// A small Windows BMP decoder: libvips, and so sharp, cannot read BMP, and a few of the classic
// dehazing demo photos in ../shared/data are BMPs. Uncompressed files only (BI_RGB, BI_BITFIELDS),
// which is what image tools write in practice; RLE-compressed files get a clear error.

export interface DecodedBmp {
  width: number;
  height: number;
  /** RGB, 8 bits per sample, row-major, top row first; any alpha is dropped. */
  rgb: Uint8Array;
}

export class BmpError extends Error {
  override name = 'BmpError';
}

const BI_RGB = 0;
const BI_RLE8 = 1;
const BI_RLE4 = 2;
const BI_BITFIELDS = 3;
const BI_ALPHABITFIELDS = 6;

export function isBmp(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x42 && bytes[1] === 0x4d; // "BM"
}

/** One colour channel described by a bit mask, rescaled to 8 bits. */
function maskReader(mask: number): (pixel: number) => number {
  if (mask === 0) return () => 0;
  let shift = 0;
  while (((mask >>> shift) & 1) === 0) shift++;
  const max = mask >>> shift;
  return (pixel) => Math.round((((pixel & mask) >>> shift) * 255) / max);
}

export function decodeBmp(bytes: Uint8Array): DecodedBmp {
  if (!isBmp(bytes)) throw new BmpError('not a BMP file (no "BM" signature)');
  if (bytes.length < 26) throw new BmpError('truncated BMP header');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const pixelOffset = view.getUint32(10, true);
  const headerSize = view.getUint32(14, true);
  if (14 + headerSize > bytes.length) throw new BmpError('truncated BMP header');

  let width: number;
  let rawHeight: number;
  let bitCount: number;
  let compression = BI_RGB;
  let paletteSize = 0;
  let paletteEntryBytes = 4;
  if (headerSize === 12) {
    // OS/2 BITMAPCOREHEADER: 16-bit sizes, 3-byte palette entries.
    width = view.getUint16(18, true);
    rawHeight = view.getInt16(20, true);
    bitCount = view.getUint16(24, true);
    paletteEntryBytes = 3;
  } else if (headerSize >= 40) {
    width = view.getInt32(18, true);
    rawHeight = view.getInt32(22, true);
    bitCount = view.getUint16(28, true);
    compression = view.getUint32(30, true);
    paletteSize = view.getUint32(46, true);
  } else {
    throw new BmpError(`unsupported BMP header size ${headerSize}`);
  }
  if (compression === BI_RLE8 || compression === BI_RLE4) {
    throw new BmpError('RLE-compressed BMP is not supported');
  }
  if (compression !== BI_RGB && compression !== BI_BITFIELDS && compression !== BI_ALPHABITFIELDS) {
    throw new BmpError(`unsupported BMP compression ${compression}`);
  }
  // A negative height means the rows are stored top-down.
  const topDown = rawHeight < 0;
  const height = Math.abs(rawHeight);
  if (width <= 0 || height === 0) throw new BmpError(`invalid BMP size ${width}x${rawHeight}`);

  // Bit masks: inside the header from V2 (52 bytes) on, else right after a 40-byte header.
  let masks: [number, number, number] | undefined;
  if (compression === BI_BITFIELDS || compression === BI_ALPHABITFIELDS) {
    const at = 14 + 40;
    if (at + 12 > bytes.length) throw new BmpError('truncated BMP bit masks');
    masks = [view.getUint32(at, true), view.getUint32(at + 4, true), view.getUint32(at + 8, true)];
  } else if (bitCount === 16) {
    masks = [0x7c00, 0x03e0, 0x001f]; // the default 5-5-5 layout
  }

  let palette: Uint8Array | undefined;
  if (bitCount <= 8) {
    if (![1, 2, 4, 8].includes(bitCount)) throw new BmpError(`unsupported BMP bit depth ${bitCount}`);
    const count = paletteSize || 1 << bitCount;
    const start = 14 + headerSize;
    if (start + count * paletteEntryBytes > bytes.length) throw new BmpError('truncated BMP palette');
    palette = new Uint8Array(count * 3);
    for (let i = 0; i < count; i++) {
      const p = start + i * paletteEntryBytes; // entries are B, G, R[, reserved]
      palette[i * 3] = bytes[p + 2];
      palette[i * 3 + 1] = bytes[p + 1];
      palette[i * 3 + 2] = bytes[p];
    }
  } else if (![16, 24, 32].includes(bitCount)) {
    throw new BmpError(`unsupported BMP bit depth ${bitCount}`);
  }

  const stride = Math.ceil((width * bitCount) / 32) * 4; // rows are padded to 4 bytes
  if (pixelOffset + stride * height > bytes.length) throw new BmpError('truncated BMP pixel data');
  const rgb = new Uint8Array(width * height * 3);
  const [readR, readG, readB] = masks ? masks.map(maskReader) : [];

  for (let row = 0; row < height; row++) {
    const src = pixelOffset + (topDown ? row : height - 1 - row) * stride;
    let o = row * width * 3;
    for (let x = 0; x < width; x++, o += 3) {
      if (palette) {
        const bitPos = x * bitCount;
        const byte = bytes[src + (bitPos >> 3)];
        let index = (byte >> (8 - bitCount - (bitPos & 7))) & ((1 << bitCount) - 1);
        if (index * 3 >= palette.length) index = 0; // a broken index reads entry 0, not past the palette
        rgb[o] = palette[index * 3];
        rgb[o + 1] = palette[index * 3 + 1];
        rgb[o + 2] = palette[index * 3 + 2];
      } else if (bitCount === 24 || (bitCount === 32 && !masks)) {
        const p = src + x * (bitCount >> 3); // B, G, R[, X]
        rgb[o] = bytes[p + 2];
        rgb[o + 1] = bytes[p + 1];
        rgb[o + 2] = bytes[p];
      } else {
        const pixel = bitCount === 16 ? view.getUint16(src + x * 2, true) : view.getUint32(src + x * 4, true);
        rgb[o] = readR!(pixel);
        rgb[o + 1] = readG!(pixel);
        rgb[o + 2] = readB!(pixel);
      }
    }
  }
  return { width, height, rgb };
}
