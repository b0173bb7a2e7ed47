// Method descriptions are written in plain ASCII (so the CLI and docs can print them as they are),
// with formulas in a light notation: w_rec, d_ap,l, e_l^S, sigma^2, lambda_cr, sum_l. The page
// shows them as mathematics: Greek names become letters, _x a subscript and ^x a superscript.
// Only short symbols are touched, so identifiers such as noise_mse or dckd_history stay as written.

export type FormulaPart = { text: string; sub?: string; sup?: string };

const GREEK: Record<string, string> = {
  alpha: 'α',
  beta: 'β',
  gamma: 'γ',
  lambda: 'λ',
  mu: 'μ',
  phi: 'φ',
  sigma: 'σ',
  tau: 'τ',
  sum: 'Σ',
};
const OPERATORS: [RegExp, string][] = [
  [/->/g, '→'],
  [/<=/g, '≤'],
  [/>=/g, '≥'],
  [/\+-/g, '±'],
  [/\bsqrt\(/g, '√('],
];

// A symbol: a Greek name or one or two letters, then an optional short subscript and superscript.
const SYMBOL =
  /\b(alpha|beta|gamma|lambda|mu|phi|sigma|tau|sum|[A-Za-z]{1,2})(?:_([A-Za-z0-9]{1,4}(?:,[A-Za-z0-9]{1,2})?))?(?:\^([A-Za-z0-9]{1,3}))?(?![A-Za-z0-9_])/g;

/** Splits a paragraph into runs of text, each optionally followed by a subscript and a superscript. */
export function formulaParts(paragraph: string): FormulaPart[] {
  const text = OPERATORS.reduce((t, [from, to]) => t.replace(from, to), paragraph);
  const parts: FormulaPart[] = [];
  let plain = '';
  let last = 0;
  for (const m of text.matchAll(SYMBOL)) {
    const [whole, name, sub, sup] = m;
    const greek = GREEK[name];
    // A Greek name alone is prose ("sum" in a sentence) unless it carries an index or a power.
    if (!sub && !sup && (!greek || name === 'sum')) continue;
    plain += text.slice(last, m.index) + (greek ?? name);
    parts.push({ text: plain, sub, sup });
    plain = '';
    last = m.index + whole.length;
  }
  plain += text.slice(last);
  if (plain) parts.push({ text: plain });
  return parts;
}
