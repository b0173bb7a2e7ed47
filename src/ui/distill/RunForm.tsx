// The Distill form: method, preset and settings, rendered from the parameter tables.
import { Fragment, useState } from 'react';
import type { MethodCatalogItem } from '../../core/methods/registry';
import { inputFromParams, RUN_PARAMS, RUN_PRESET_NAMES, type RunParamKey, type RunPresetName } from '../../core/run/config';
import type { ParamValue } from '../../core/run/params';
import { decodeShare, encodeShare } from '../../core/run/share';
import { formParams, useDistillForm } from '../../state/distill-form';
import { TEACHER_ROLES } from '../../core/methods/method';
import { useModelsStore } from '../../state/models';
import { useRunsStore, LIVE } from '../../state/runs';
import { guarded } from '../../workers/client';
import { distillWorker } from '../../workers/distill-client';
import { ParamField } from '../ParamField';
import { SweepPanel } from './SweepPanel';
import { TrainPairs } from './TrainPairs';
import { WebPools } from './WebPools';
import { ShareLink, useShareQuery } from '../share-link';
import { formulaParts } from '../formula';
import { ModelCardButton } from '../ModelCard';

/** The settings every run shows; the others are under "More settings". */
const MAIN: readonly RunParamKey[] = ['student', 'steps', 'seed', 'batch', 'patch'];
const MORE = (Object.keys(RUN_PARAMS) as RunParamKey[]).filter((k) => !MAIN.includes(k));

export function RunForm({ catalog }: { catalog: MethodCatalogItem[] }) {
  const form = useDistillForm();
  // Only what the form needs: it must not re-render on every step of a run.
  const start = useRunsStore((s) => s.start);
  const busy = useRunsStore((s) => s.runs.some((r) => LIVE.includes(r.state)));
  const teacherAvailable = useModelsStore((s) => s.models.some((m) => m.id === TEACHER_ROLES.restorer.shippedModel));
  const [error, setError] = useState<string | null>(null);
  const [shared, setShared] = useState<{ note: string; problems: string[] } | null>(null);
  // A share link (#distill?method=...) fills the form once.
  useShareQuery('distill', (query) => {
    const { form: f, problems } = decodeShare(query, catalog);
    useDistillForm.getState().load(f);
    setShared({
      note: `The form holds the settings of a shared link (${f.method}, ${f.preset} budget, ${Object.keys(f.values).length + Object.keys(f.methodOptions).length} changed settings).`,
      problems,
    });
  });
  const method = catalog.find((m) => m.id === form.method) ?? catalog[0];
  const options = form.methodOptions[method.id] ?? {};
  const params = formParams(form);

  async function onStart() {
    setError(null);
    const input = { ...inputFromParams(form.values), method: method.id, methodOptions: options };
    try {
      const w = distillWorker();
      const config = await guarded(w, w.api.validate(input, form.preset)); // clear errors before a run record exists
      // Resolves when the run ends; it rejects only when the run cannot start (another tab trains).
      start(input, form.preset, `${method.label} → ${config.student}, ${config.steps} steps, seed ${config.seed}`, TEACHER_ROLES.restorer.shippedModel).catch(
        (e: unknown) => setError(e instanceof Error ? e.message : String(e)),
      );
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    }
  }

  const field = (key: RunParamKey) => (
    <ParamField key={key} spec={RUN_PARAMS[key]} value={params[key]} onChange={(v) => form.setValue(key, v)} testId={`run-${key}`} />
  );

  return (
    <div className="panel">
      <h2>Distil a student</h2>
      {shared && (
        <div className="notice" role="status" data-testid="share-loaded">
          {shared.note}
          {shared.problems.length > 0 && ` Not used: ${shared.problems.join('; ')}.`}
        </div>
      )}
      <label className="field">
        Method
        <select data-testid="method-select" value={method.id} onChange={(e) => form.setMethod(e.target.value)}>
          {catalog.map((m) => (
            <option key={m.id} value={m.id}>
              {m.label}
            </option>
          ))}
        </select>
        <span className="hint">{method.summary}</span>
      </label>
      <p className="method-plain" data-testid="method-plain">
        {method.plain}
      </p>
      <details className="method-description">
        <summary>How {method.label} works</summary>
        {method.description.split(/\n\s*\n/).map((p, i) => (
          <p key={i}>
            {formulaParts(p).map((part, j) => (
              <Fragment key={j}>
                {part.text}
                {part.sub && <sub>{part.sub}</sub>}
                {part.sup && <sup>{part.sup}</sup>}
              </Fragment>
            ))}
          </p>
        ))}
        {method.teachers.includes('autoencoder') && <ModelCardButton model="autoencoder" />}
      </details>
      <label className="field" title="A starting point for every setting; choosing one resets what you changed.">
        Budget
        <select value={form.preset} onChange={(e) => form.setPreset(e.target.value as RunPresetName)} data-testid="run-preset">
          {RUN_PRESET_NAMES.map((p) => (
            <option key={p} value={p}>
              {p}
            </option>
          ))}
        </select>
      </label>
      {field('student')}
      <div className="grid2">{MAIN.filter((k) => k !== 'student').map(field)}</div>
      <details className="more-settings">
        <summary>More settings</summary>
        {MORE.map(field)}
      </details>
      {Object.keys(method.options).length > 0 && <h3>{method.label} options</h3>}
      {Object.entries(method.options).map(([name, spec]) => (
        <ParamField
          key={name}
          spec={spec}
          value={options[name] ?? (spec.default as ParamValue)}
          onChange={(v) => form.setOption(method.id, name, v)}
          testId={`option-${name}`}
        />
      ))}
      {method.data === 'unpaired' && <WebPools />}
      {(method.data === 'paired' || method.data === 'subset') && <TrainPairs />}
      {method.teachers.includes('restorer') && !teacherAvailable && <p className="error">This method needs the teacher, which is not available.</p>}
      {error && (
        <p className="error" role="alert" data-testid="run-config-error">
          {error}
        </p>
      )}
      <button className="primary" data-testid="run-start" onClick={onStart} disabled={busy}>
        Start
      </button>
      {busy && <p className="hint">One run at a time: pause or stop the current one first.</p>}
      <SweepPanel catalog={catalog} teacherId={TEACHER_ROLES.restorer.shippedModel} busy={busy} />
      <ShareLink
        testId="share"
        title="A link that opens this form with these settings"
        makeUrl={() =>
          `${location.origin}${location.pathname}#distill?${encodeShare({ method: method.id, preset: form.preset, values: form.values, methodOptions: options })}`
        }
      />
    </div>
  );
}
