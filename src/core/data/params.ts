// Parameter tables of the weather synthesisers: one row per parameter, from which the sampler,
// the defaults, the clamping and the Data view's sliders are all derived.

import type { IntSpec, NumberSpec } from '../run/params';
import type { Rng } from './rng.ts';

/**
 * A row of a weather's parameter table: a number or integer row of the project's one parameter
 * system (core/run/params.ts: label, bounds, default, log), plus what sampling needs.
 */
export type SampledParamSpec<K extends string = string> = (Omit<NumberSpec, 'help'> | Omit<IntSpec, 'help'>) & {
  name: K;
  /** Slider step. */
  step: number;
  /** Range that sampleParams draws from (inside [min, max]); the slider may go further. */
  range: readonly [number, number];
  /**
   * The far ends that training may also reach (a teacher recipe's extremeShare): a wider range
   * inside [min, max], drawn from instead of `range` when sampling "wide". The Data view, the
   * evaluation sets and every default draw stay on `range`.
   */
  wide?: readonly [number, number];
  /** How severity moves the sampled value: 1 up, -1 down, 0 not at all (e.g. an angle). */
  severity: 1 | -1 | 0;
  unit?: string;
  help?: string;
};

/** How far around the severity point a severity-driven value may wander (fraction of range). */
const SEVERITY_JITTER = 0.15;

function clampTo(spec: SampledParamSpec, v: number): number {
  const x = Math.min(Math.max(v, spec.min), spec.max);
  return spec.type === 'int' ? Math.round(x) : x;
}

function fromUnit(spec: SampledParamSpec, u: number, wide: boolean): number {
  const [lo, hi] = (wide && spec.wide) || spec.range;
  if (spec.type === 'number' && spec.log && lo > 0) return lo * Math.pow(hi / lo, u);
  return lo + (hi - lo) * u;
}

/**
 * Draws one value per row. Without severity, uniform over each row's range; with severity in
 * [0, 1], severity-driven rows are drawn near that point of their range (0 lightest, 1 worst).
 * `wide` draws from each row's `wide` range where it has one.
 */
export function sampleFromSpecs<P extends Record<keyof P, number>>(
  specs: readonly SampledParamSpec<keyof P & string>[],
  rng: Rng,
  severity?: number,
  wide = false,
): P {
  const out: Record<string, number> = {};
  for (const spec of specs) {
    let u: number;
    if (severity === undefined || spec.severity === 0) {
      u = rng.next();
    } else {
      const s = Math.min(Math.max(severity, 0), 1);
      const centre = spec.severity > 0 ? s : 1 - s;
      u = Math.min(Math.max(centre + SEVERITY_JITTER * (2 * rng.next() - 1), 0), 1);
    }
    let v = fromUnit(spec, u, wide);
    // Integers: spread the probability evenly over range ends instead of halving them.
    const [lo, hi] = (wide && spec.wide) || spec.range;
    if (spec.type === 'int') v = Math.floor(lo + (hi - lo + 1) * Math.min(u, 0.999999));
    out[spec.name] = clampTo(spec, v);
  }
  return out as P;
}

/** Fills missing values with defaults and clamps everything into [min, max]. */
export function resolveParams<P extends Record<keyof P, number>>(specs: readonly SampledParamSpec<keyof P & string>[], partial: Partial<P> | undefined): P {
  const out: Record<string, number> = {};
  const given = (partial ?? {}) as Record<string, number | undefined>;
  for (const spec of specs) {
    const v = given[spec.name];
    out[spec.name] = clampTo(spec, typeof v === 'number' && Number.isFinite(v) ? v : spec.default);
  }
  return out as P;
}
