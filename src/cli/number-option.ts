// Numeric option values: parseArgs hands over strings; these turn them into checked numbers.

import { UsageError } from './command';

export function intOption(name: string, value: string, min: number, max = Number.MAX_SAFE_INTEGER): number {
  const v = Number(value);
  if (!/^\s*[+-]?\d+\s*$/.test(value) || !Number.isSafeInteger(v) || v < min || v > max) {
    throw new UsageError(`--${name} must be an integer${max === Number.MAX_SAFE_INTEGER ? ` >= ${min}` : ` in [${min}, ${max}]`}, got "${value}"`);
  }
  return v;
}

export function floatOption(name: string, value: string, min: number, max: number): number {
  const v = Number(value);
  if (value.trim() === '' || !Number.isFinite(v) || v <= min || v >= max) {
    throw new UsageError(`--${name} must be a number in (${min}, ${max}), got "${value}"`);
  }
  return v;
}
