import { describe, expect, it } from 'vitest';
import { decodeDataShare, encodeDataShare, type SharedDataView } from './share';

describe('the Data view as a link', () => {
  it('round-trips source, weather, seed, size and the set sliders', () => {
    const view: SharedDataView = { source: 'dead-leaves', weather: 'haze', seed: 42, size: 384, params: { beta: 2.5, airlight: 0.9 } };
    expect(decodeDataShare(encodeDataShare(view))).toEqual({ view, problems: [] });
  });

  it('names what it cannot use and keeps the default for it', () => {
    const { view, problems } = decodeDataShare('source=user&weather=fog&seed=1.5&size=100&p.beta=99&p.nope=1&x=2');
    expect(view).toEqual({ source: 'scene', weather: 'rain', seed: 1, size: 256, params: {} });
    expect(problems).toEqual([
      "the sender's photo stays in their browser: a procedural scene instead",
      'unknown weather "fog": rain instead',
      'seed "1.5" is not an integer: 1 instead',
      'size "100" is not one of 128, 256, 384, 512: 256 instead',
      'unknown setting "p.beta" ignored',
      'unknown setting "p.nope" ignored',
      'unknown setting "x" ignored',
    ]);
    expect(decodeDataShare('weather=haze&p.beta=99').problems).toEqual(['Haze density (beta) "99" is outside 0 to 6: sampled instead']);
  });
});
