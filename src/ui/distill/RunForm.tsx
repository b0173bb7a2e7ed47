// The Distill form: method, preset and settings, rendered from the parameter tables.
import { useState } from 'react';
import type { MethodCatalogItem } from '../../core/methods/registry';
import { RESTORER_PRESET_NAMES } from '../../core/models/restorer-config';
import { RUN_PRESET_NAMES, RUN_PRESETS, type RunPresetName } from '../../core/run/config';
import { useDistillForm } from '../../state/distill-form';
import { TEACHER_ROLES } from '../../core/methods/method';
import { useModelsStore } from '../../state/models';
import { useRunsStore, LIVE } from '../../state/runs';
import { guarded } from '../../workers/client';
import { distillWorker } from '../../workers/distill-client';
import { WebPools } from './WebPools';

export function RunForm({ catalog }: { catalog: MethodCatalogItem[] }) {
  const form = useDistillForm();
  const { start, runs } = useRunsStore();
  const teacherAvailable = useModelsStore((s) => s.models.some((m) => m.id === TEACHER_ROLES.restorer.shippedModel));
  const [error, setError] = useState<string | null>(null);
  const method = catalog.find((m) => m.id === form.method) ?? catalog[0];
  const busy = runs.some((r) => LIVE.includes(r.state));
  const options = form.methodOptions[method.id] ?? {};

  function applyPreset(preset: RunPresetName) {
    const p = RUN_PRESETS[preset] as Record<string, unknown>;
    form.set({ preset, steps: Number(p.steps ?? 2000), batch: Number(p.batch ?? 8), patch: Number(p.patch ?? 64), student: String(p.student ?? form.student) });
  }

  async function onStart() {
    setError(null);
    const input = {
      method: method.id,
      student: form.student as never,
      steps: form.steps,
      batch: form.batch,
      patch: form.patch,
      seed: form.seed,
      methodOptions: options,
    };
    try {
      const w = distillWorker();
      await guarded(w, w.api.validate(input, form.preset)); // clear errors before a run record exists
      void start(input, form.preset, `${method.label} → ${form.student}, ${form.steps} steps, seed ${form.seed}`, TEACHER_ROLES.restorer.shippedModel);
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    }
  }

  const num = (key: 'steps' | 'batch' | 'patch' | 'seed', label: string, min: number, max: number) => (
    <label className="field">
      {label}
      <input
        type="number"
        min={min}
        max={max}
        value={form[key]}
        onChange={(e) => form.set({ [key]: Math.trunc(Number(e.target.value)) })}
        data-testid={`run-${key}`}
      />
    </label>
  );

  return (
    <div className="panel">
      <h2>Distil a student</h2>
      <label className="field">
        Method
        <select data-testid="method-select" value={method.id} onChange={(e) => form.set({ method: e.target.value })}>
          {catalog.map((m) => (
            <option key={m.id} value={m.id}>
              {m.label}
            </option>
          ))}
        </select>
        <span className="hint">{method.summary}</span>
      </label>
      <details className="method-description">
        <summary>How {method.label} works</summary>
        {method.description.split(/\n\s*\n/).map((p, i) => (
          <p key={i}>{p}</p>
        ))}
      </details>
      <label className="field">
        Budget
        <select value={form.preset} onChange={(e) => applyPreset(e.target.value as RunPresetName)} data-testid="run-preset">
          {RUN_PRESET_NAMES.map((p) => (
            <option key={p} value={p}>
              {p}
            </option>
          ))}
        </select>
      </label>
      <label className="field">
        Student
        <select value={form.student} onChange={(e) => form.set({ student: e.target.value })}>
          {RESTORER_PRESET_NAMES.filter((p) => p !== 'teacher').map((p) => (
            <option key={p}>{p}</option>
          ))}
        </select>
      </label>
      <div className="grid2">
        {num('steps', 'Student steps', 1, 1_000_000)}
        {num('seed', 'Seed', 0, 2 ** 31 - 1)}
        {num('batch', 'Batch', 1, 64)}
        {num('patch', 'Patch (px)', 8, 256)}
      </div>
      {Object.keys(method.options).length > 0 && <h3>{method.label} options</h3>}
      {Object.entries(method.options).map(([name, spec]) => {
        const value = options[name] ?? (spec.default as number | string | boolean);
        if (spec.type === 'bool')
          return (
            <label key={name} className="check" title={spec.help}>
              <input
                type="checkbox"
                data-testid={`option-${name}`}
                checked={Boolean(value)}
                onChange={(e) => form.setOption(method.id, name, e.target.checked)}
              />{' '}
              {spec.label}
            </label>
          );
        if (spec.type === 'enum')
          return (
            <label key={name} className="field" title={spec.help}>
              {spec.label}
              <select value={String(value)} onChange={(e) => form.setOption(method.id, name, e.target.value)}>
                {spec.values.map((v) => (
                  <option key={v}>{v}</option>
                ))}
              </select>
            </label>
          );
        if (spec.type === 'list') return null; // e.g. weather subsets: the defaults (all) apply
        return (
          <label key={name} className="field" title={spec.help}>
            {spec.label}
            <input
              type="number"
              step="any"
              min={spec.min}
              max={spec.max}
              value={Number(value)}
              data-testid={`option-${name}`}
              onChange={(e) => form.setOption(method.id, name, Number(e.target.value))}
            />
          </label>
        );
      })}
      {method.data === 'unpaired' && <WebPools />}
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
    </div>
  );
}
