// Typed parameter tables, after TensorFlow Playground's state.ts: every setting is one row (type,
// default, range, label, help), and defaults, validation, parsing from text (CLI flags, URL
// state) and the UI's controls are all derived from the rows. The run configuration and every
// method's options are tables of this kind. Pure TypeScript: no tfjs, no DOM.

interface BaseSpec {
  /** Short label for a form control. */
  label: string;
  /** One or two sentences: what the setting does, and what to expect when changing it. */
  help: string;
}

export interface IntSpec extends BaseSpec {
  type: 'int';
  default: number;
  min: number;
  max: number;
}

export interface NumberSpec extends BaseSpec {
  type: 'number';
  default: number;
  min: number;
  max: number;
  /** A hint for sliders: the value spans orders of magnitude (learning rates, loss weights). */
  log?: boolean;
}

export interface EnumSpec<T extends string = string> extends BaseSpec {
  type: 'enum';
  default: T;
  values: readonly T[];
}

export interface BoolSpec extends BaseSpec {
  type: 'bool';
  default: boolean;
}

/** A non-empty set of choices, e.g. weather types; kept in `values` order, no duplicates. */
export interface ListSpec<T extends string = string> extends BaseSpec {
  type: 'list';
  default: readonly T[];
  values: readonly T[];
}

export type ParamSpec = IntSpec | NumberSpec | EnumSpec | BoolSpec | ListSpec;
export type ParamTable = Readonly<Record<string, ParamSpec>>;
export type ParamValue = number | string | boolean | string[];

/** The value type a row describes. */
export type ValueOf<S extends ParamSpec> = S extends IntSpec | NumberSpec
  ? number
  : S extends EnumSpec<infer E>
    ? E
    : S extends BoolSpec
      ? boolean
      : S extends ListSpec<infer E>
        ? E[]
        : never;

/** The values of a whole table. */
export type ParamValues<T extends ParamTable> = { -readonly [K in keyof T]: ValueOf<T[K]> };

/** Keeps the literal types of a table's rows while checking them (use instead of a type annotation). */
export function defineParams<const T extends Record<string, ParamSpec>>(table: T): T {
  return table;
}

function copyValue(v: ParamValue): ParamValue {
  return Array.isArray(v) ? [...v] : v;
}

export function defaultsOf<T extends ParamTable>(table: T): ParamValues<T> {
  const out: Record<string, ParamValue> = {};
  for (const [key, spec] of Object.entries(table)) out[key] = copyValue(spec.default as ParamValue);
  return out as ParamValues<T>;
}

/** Why `value` is not acceptable for `spec` (naming it `name`), or null when it is. */
/** Why `value` does not fit `spec` (null when it does); `typed` is how the user wrote it, echoed instead of the parsed value. */
export function paramError(name: string, spec: ParamSpec, value: unknown, typed?: string): string | null {
  const got = typed === undefined ? JSON.stringify(value) : JSON.stringify(typed);
  switch (spec.type) {
    case 'int':
      if (typeof value !== 'number' || !Number.isInteger(value) || value < spec.min || value > spec.max) {
        return `${name} must be an integer in [${spec.min}, ${spec.max}], got ${got}`;
      }
      return null;
    case 'number':
      if (typeof value !== 'number' || !Number.isFinite(value) || value < spec.min || value > spec.max) {
        return `${name} must be a number in [${spec.min}, ${spec.max}], got ${got}`;
      }
      return null;
    case 'enum':
      if (typeof value !== 'string' || !spec.values.includes(value)) {
        return `${name} must be one of ${spec.values.join(', ')}, got ${got}`;
      }
      return null;
    case 'bool':
      return typeof value === 'boolean' ? null : `${name} must be true or false, got ${got}`;
    case 'list': {
      if (!Array.isArray(value) || value.length === 0) {
        return `${name} must be a non-empty list of ${spec.values.join(', ')}, got ${got}`;
      }
      const bad = value.filter((v) => typeof v !== 'string' || !spec.values.includes(v));
      if (bad.length)
        return `${name}: unknown value${bad.length > 1 ? 's' : ''} ${bad.map((b) => JSON.stringify(b)).join(', ')} (expected ${spec.values.join(', ')})`;
      if (new Set(value).size !== value.length) return `${name} lists a value twice: ${JSON.stringify(value)}`;
      return null;
    }
  }
}

/**
 * Checks `raw` against a table, filling missing keys with defaults. Appends one message per
 * problem to `errors` (keys named `prefix + key`), including unknown keys, so a caller can
 * report every mistake at once. The returned values are only valid when no error was added.
 */
export function checkParams<T extends ParamTable>(table: T, raw: Readonly<Record<string, unknown>>, prefix: string, errors: string[]): ParamValues<T> {
  const out: Record<string, ParamValue> = {};
  for (const key of Object.keys(raw)) {
    if (!Object.hasOwn(table, key)) {
      const known = Object.keys(table);
      errors.push(`unknown setting ${prefix}${key}${known.length ? ` (known: ${known.join(', ')})` : ' (this method has no options)'}`);
    }
  }
  for (const [key, spec] of Object.entries(table)) {
    const value = raw[key] === undefined ? spec.default : raw[key];
    const problem = paramError(prefix + key, spec, value);
    if (problem) errors.push(problem);
    else out[key] = copyValue(value as ParamValue);
  }
  return out as ParamValues<T>;
}

/** Parses a value written as text (a CLI flag, a URL parameter) for a row; throws a readable error. */
export function parseParamText(name: string, spec: ParamSpec, text: string): ParamValue {
  const t = text.trim();
  let value: unknown;
  switch (spec.type) {
    case 'int':
    case 'number':
      value = t === '' ? NaN : Number(t);
      break;
    case 'bool':
      value = t === 'true' || t === '1' || t === 'yes' ? true : t === 'false' || t === '0' || t === 'no' ? false : t;
      break;
    case 'enum':
      value = t;
      break;
    case 'list':
      value =
        t === 'all'
          ? [...spec.values]
          : t
              .split(',')
              .map((s) => s.trim())
              .filter(Boolean);
      break;
  }
  const problem = paramError(name, spec, value, text);
  if (problem) throw new RangeError(problem);
  return value as ParamValue;
}

/** A value as text, the inverse of parseParamText. */
export function formatParam(value: ParamValue): string {
  return Array.isArray(value) ? value.join(',') : String(value);
}
