// Share links: every kind of setting survives the round trip; what does not fit is named and
// falls back to its default.

import { describe, expect, it } from 'vitest';
import { decodeShare, encodeShare, type SharedForm } from './share';

const methods = [
  {
    id: 'tripled',
    options: {
      keep: { type: 'number', min: 0.001, max: 1, default: 0.02, label: '', help: '' },
      selection: { type: 'enum', values: ['spread', 'top'], default: 'spread', label: '', help: '' },
      reuse: { type: 'bool', default: true, label: '', help: '' },
    },
  },
  { id: 'kd', options: {} },
] as const;

describe('share links', () => {
  it('round-trips ints, numbers, enums, lists and booleans', () => {
    const form: SharedForm = {
      method: 'tripled',
      preset: 'standard',
      values: { steps: 150, seed: 3, lr: 0.0005, student: 'student-5', weathers: ['rain', 'haze'], lrSchedule: 'constant' },
      methodOptions: { keep: 0.05, selection: 'top', reuse: false },
    };
    const query = encodeShare(form);
    expect(query).toContain('o.keep=0.05');
    expect(decodeShare(query, methods)).toEqual({ form, problems: [] });
  });

  it('names what it cannot use and keeps the defaults', () => {
    const { form, problems } = decodeShare('method=tripled&preset=quick&steps=-3&colour=red&o.keep=2&o.nope=1&weathers=rain,fog', methods);
    expect(form).toEqual({ method: 'tripled', preset: 'quick', values: {}, methodOptions: {} });
    expect(problems).toEqual([
      'steps must be an integer in [1, 1000000], got "-3": the default instead',
      'unknown setting "colour" ignored',
      'keep must be a number in [0.001, 1], got "2": the default instead',
      'unknown setting "o.nope" ignored',
      'weathers: unknown value "fog" (expected rain, heavy-rain, haze, snow, raindrop, mix): the default instead',
    ]);
    expect(decodeShare('method=magic&preset=huge', methods).problems).toEqual(['unknown method "magic": kd instead', 'unknown preset "huge": quick instead']);
  });
});
