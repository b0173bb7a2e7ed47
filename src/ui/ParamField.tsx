// One form control for one row of a parameter table (core/run/params.ts): the run's settings and
// every method's options are rendered by this, so a setting added to a table appears in the page.
import type { ParamSpec, ParamValue } from '../core/run/params';

export function ParamField({ spec, value, onChange, testId }: { spec: ParamSpec; value: ParamValue; onChange(v: ParamValue): void; testId: string }) {
  switch (spec.type) {
    case 'bool':
      return (
        <label className="check" title={spec.help}>
          <input type="checkbox" data-testid={testId} checked={Boolean(value)} onChange={(e) => onChange(e.target.checked)} /> {spec.label}
        </label>
      );
    case 'enum':
      return (
        <label className="field" title={spec.help}>
          {spec.label}
          <select data-testid={testId} value={String(value)} onChange={(e) => onChange(e.target.value)}>
            {spec.values.map((v) => (
              <option key={v}>{v}</option>
            ))}
          </select>
        </label>
      );
    case 'list': {
      const chosen = value as string[];
      return (
        <fieldset className="field list" title={spec.help} data-testid={testId}>
          <legend>{spec.label}</legend>
          {spec.values.map((v) => (
            <label key={v} className="check">
              <input
                type="checkbox"
                checked={chosen.includes(v)}
                // Kept in the table's order; an empty set is refused by the validation, with its message.
                onChange={(e) => onChange(spec.values.filter((x) => (x === v ? e.target.checked : chosen.includes(x))))}
              />{' '}
              {v}
            </label>
          ))}
        </fieldset>
      );
    }
    default:
      return (
        <label className="field" title={spec.help}>
          {spec.label}
          <input
            type="number"
            data-testid={testId}
            min={spec.min}
            max={spec.max}
            step={spec.type === 'int' ? 1 : 'any'}
            value={Number(value)}
            onChange={(e) => onChange(spec.type === 'int' ? Math.trunc(Number(e.target.value)) : Number(e.target.value))}
          />
        </label>
      );
  }
}
