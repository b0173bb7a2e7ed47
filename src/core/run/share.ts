// The Distill form as a link (TensorFlow Playground keeps its whole state in the URL): method,
// preset, every setting the user changed and the method's options, as a query string. Decoding
// checks each value against the same tables the form and the CLI use; what does not fit is named
// and left at its default. Free of tfjs: the page's main thread uses it.

import { DEFAULT_METHOD, RUN_PARAMS, RUN_PRESET_NAMES, type RunParamKey, type RunPresetName } from './config';
import { formatParam, parseParamText, type ParamTable, type ParamValue } from './params';

export interface SharedForm {
  method: string;
  preset: RunPresetName;
  /** RUN_PARAMS values that differ from the preset's. */
  values: Partial<Record<RunParamKey, ParamValue>>;
  /** The method's options that were set. */
  methodOptions: Record<string, ParamValue>;
}

/** Method options travel as o.NAME, so that they never clash with a run setting. */
const OPTION = 'o.';

export function encodeShare(form: SharedForm): string {
  const q = new URLSearchParams({ method: form.method, preset: form.preset });
  for (const [k, v] of Object.entries(form.values)) if (v !== undefined) q.set(k, formatParam(v));
  for (const [k, v] of Object.entries(form.methodOptions)) q.set(`${OPTION}${k}`, formatParam(v));
  return q.toString();
}

export function decodeShare(query: string, methods: readonly { id: string; options: ParamTable }[]): { form: SharedForm; problems: string[] } {
  const q = new URLSearchParams(query);
  const problems: string[] = [];
  let method = q.get('method') ?? DEFAULT_METHOD;
  const definition = methods.find((m) => m.id === method);
  if (!definition) {
    problems.push(`unknown method "${method}": ${DEFAULT_METHOD} instead`);
    method = DEFAULT_METHOD;
  }
  let preset = (q.get('preset') ?? 'quick') as RunPresetName;
  if (!RUN_PRESET_NAMES.includes(preset)) {
    problems.push(`unknown preset "${preset}": quick instead`);
    preset = 'quick';
  }
  const form: SharedForm = { method, preset, values: {}, methodOptions: {} };
  for (const [key, text] of q) {
    if (key === 'method' || key === 'preset') continue;
    const isOption = key.startsWith(OPTION);
    const name = isOption ? key.slice(OPTION.length) : key;
    const spec = isOption ? definition?.options[name] : (RUN_PARAMS as ParamTable)[name];
    if (!spec) {
      if (definition || !isOption) problems.push(`unknown setting "${key}" ignored`);
      continue;
    }
    try {
      const value = parseParamText(name, spec, text);
      if (isOption) form.methodOptions[name] = value;
      else form.values[name as RunParamKey] = value;
    } catch (e) {
      problems.push(`${(e as Error).message}: the default instead`);
    }
  }
  return { form, problems };
}
