import { describe, expect, it } from 'vitest';
import { formulaParts } from './formula';
import { METHODS } from '../core/methods/registry';

const render = (s: string) =>
  formulaParts(s)
    .map((p) => p.text + (p.sub ? `<${p.sub}>` : '') + (p.sup ? `^{${p.sup}}` : ''))
    .join('');

describe('formulaParts', () => {
  it('turns the descriptions notation into subscripts, superscripts and Greek letters', () => {
    expect(render('w_rec L1(S(x), y) + lambda_cr CR')).toBe('w<rec> L1(S(x), y) + λ<cr> CR');
    expect(render('sum_l w_l d_ap,l / (d_an,l + 1e-7)')).toBe('Σ<l> w<l> d<ap,l> / (d<an,l> + 1e-7)');
    expect(render('e_l^S(x), sigma^2 and phi')).toBe('e<l>^{S}(x), σ^{2} and φ');
    expect(render('x -> y, a <= b')).toBe('x → y, a ≤ b');
  });

  it('leaves prose and identifiers alone', () => {
    const prose = 'the sum of noise_mse and dckd_history, in 1e-7 steps: a mu-law';
    expect(render(prose)).toBe('the sum of noise_mse and dckd_history, in 1e-7 steps: a μ-law');
    expect(formulaParts('no formula here')).toEqual([{ text: 'no formula here' }]);
  });

  it('loses nothing: every method description reads back exactly from its parts', () => {
    const names: Record<string, string> = {
      α: 'alpha',
      β: 'beta',
      γ: 'gamma',
      λ: 'lambda',
      μ: 'mu',
      φ: 'phi',
      σ: 'sigma',
      τ: 'tau',
      Σ: 'sum',
      '→': '->',
      '≤': '<=',
      '≥': '>=',
      '±': '+-',
      '√': 'sqrt',
    };
    for (const m of METHODS) {
      for (const p of m.description.split(/\n\s*\n/)) {
        const back = formulaParts(p)
          .map((x) => x.text + (x.sub ? `_${x.sub}` : '') + (x.sup ? `^${x.sup}` : ''))
          .join('')
          .replace(/[αβγλμφστΣ→≤≥±√]/g, (c) => names[c]);
        expect(back).toBe(p);
      }
    }
  });
});
