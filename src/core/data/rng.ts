// Seeded random numbers for data synthesis. mulberry32 is tiny, fast and good enough for
// pictures; sub-streams are keyed by hashing (seed, keys...) so that item i of a batch never
// depends on how many numbers item i - 1 happened to draw.

const f64 = new Float64Array(1);
const u32 = new Uint32Array(f64.buffer);

/** murmur3's 32-bit finaliser: a bijective avalanche mix. */
export function mix32(x: number): number {
  x = (x ^ (x >>> 16)) >>> 0;
  x = Math.imul(x, 0x85ebca6b);
  x = (x ^ (x >>> 13)) >>> 0;
  x = Math.imul(x, 0xc2b2ae35);
  return (x ^ (x >>> 16)) >>> 0;
}

/** FNV-1a of a string, so keys like 'eval:haze' can name streams. */
function hashString(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/** Any number (negative, fractional, above 2^32) to 32 bits without losing its high bits. */
function numberTo32(x: number): number {
  if (Number.isInteger(x) && x >= 0 && x < 0x100000000) return x >>> 0;
  f64[0] = x;
  return mix32(u32[0] ^ mix32(u32[1] ^ 0x9e3779b9));
}

/** A 32-bit seed for the stream named by (seed, ...keys). Order of keys matters. */
export function deriveSeed(seed: number, ...keys: readonly (number | string)[]): number {
  let h = mix32(numberTo32(seed) ^ 0x5bd1e995);
  for (const k of keys) {
    const kv = typeof k === 'string' ? hashString(k) : numberTo32(k);
    h = mix32((h + 0x9e3779b9 + mix32(kv)) >>> 0);
  }
  return h;
}

export class Rng {
  /** The seed this stream was made from; fork() derives from it, not from the state. */
  readonly seed: number;
  private state: number;
  private spare = 0;
  private hasSpare = false;

  constructor(seed: number) {
    this.seed = numberTo32(seed);
    // Hash the seed so that neighbouring seeds (0, 1, 2...) start far apart.
    this.state = mix32(this.seed ^ 0xa511e9b3);
  }

  /** Uniform in [0, 1). */
  next(): number {
    let t = (this.state = (this.state + 0x6d2b79f5) | 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** Uniform in [lo, hi). */
  uniform(lo = 0, hi = 1): number {
    return lo + (hi - lo) * this.next();
  }

  /** Log-uniform in [lo, hi), lo > 0: for scales and densities. */
  logUniform(lo: number, hi: number): number {
    return lo * Math.exp(Math.log(hi / lo) * this.next());
  }

  /** Gaussian (Box-Muller, caching the second value). */
  normal(mean = 0, std = 1): number {
    if (this.hasSpare) {
      this.hasSpare = false;
      return mean + std * this.spare;
    }
    let u = this.next();
    while (u <= 1e-12) u = this.next();
    const r = Math.sqrt(-2 * Math.log(u));
    const a = 2 * Math.PI * this.next();
    this.spare = r * Math.sin(a);
    this.hasSpare = true;
    return mean + std * r * Math.cos(a);
  }

  /** Integer in [lo, hi) (hi exclusive). */
  int(lo: number, hi: number): number {
    return lo + Math.floor((hi - lo) * this.next());
  }

  bool(p = 0.5): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error('Rng.pick: empty list');
    return items[Math.floor(items.length * this.next())];
  }

  /** Index drawn with probability proportional to weights[i]. */
  weighted(weights: readonly number[]): number {
    let total = 0;
    for (const w of weights) total += w;
    let u = this.next() * total;
    for (let i = 0; i < weights.length; i++) {
      u -= weights[i];
      if (u < 0) return i;
    }
    return weights.length - 1;
  }

  /** An independent stream keyed by (this.seed, ...keys); does not advance this stream. */
  fork(...keys: readonly (number | string)[]): Rng {
    return new Rng(deriveSeed(this.seed, ...keys));
  }
}

/** Shorthand for new Rng(deriveSeed(seed, ...keys)). */
export function rngFor(seed: number, ...keys: readonly (number | string)[]): Rng {
  return new Rng(deriveSeed(seed, ...keys));
}
