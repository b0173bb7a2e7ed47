import { describe, expect, it } from 'vitest';
import { formatDuration } from './format';

describe('formatDuration', () => {
  it.each([
    [0, '0s'],
    [12.4, '12s'],
    [185, '3m05s'],
    [3720, '1h02m'],
    [-3, '0s'],
    [NaN, '?'],
    [Infinity, '?'],
  ])('%s s -> %s', (s, text) => expect(formatDuration(s)).toBe(text));
});
