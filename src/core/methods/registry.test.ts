// What every method tells the page: a plain summary for a classroom (three to five sentences, no
// formulas) next to its full description.

import { describe, expect, it } from 'vitest';
import { METHODS } from './registry';

describe('method texts', () => {
  it.each(METHODS.map((m) => [m.id, m.plain] as const))('%s has a plain summary of three to five sentences without formulas', (_id, plain) => {
    const sentences = plain.split(/(?<=[.!?])\s+/).filter(Boolean);
    expect(sentences.length).toBeGreaterThanOrEqual(3);
    expect(sentences.length).toBeLessThanOrEqual(5);
    expect(plain).not.toMatch(/[=_^]|L1\(|\bT\(|\bS\(/);
  });
});
