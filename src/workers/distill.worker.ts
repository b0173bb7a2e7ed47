// The distillation worker: runs one method at a time with the shared training loop
// (src/core/run/loop.ts) and streams its events to the page. The page never runs a step.
import * as Comlink from 'comlink';
import { backendReady, initBackend } from './backend-init';
import { indexedDbModelCache } from './method-cache';
import { putStoredModel, readModelFiles } from './model-store';
import { readUserPools } from './pool-store';
import { deserializeRestorer, serializeRestorer } from '../core/models/io';
import { restorerComplexity } from '../core/models/complexity';
import { getMethod, methodCatalog, METHODS } from '../core/methods/registry';
import { TEACHER_ROLES } from '../core/methods/method';
import { disposeTeachers, loadTeachers } from '../core/methods/teachers';
import { resolveRunConfig, type RunConfigInput, type RunPresetName } from '../core/run/config';
import { RunController, runDistillation, type RunEvent, type RunSummary } from '../core/run/loop';

let controller: RunController | null = null;

export interface DistillOutcome {
  summary: RunSummary;
  /** The trained student, stored in IndexedDB under this id (null if it could not be saved). */
  modelId: string | null;
  saveError: string | null;
}

const api = {
  init: (override: string | null) => initBackend(override),
  catalog: () => methodCatalog(),

  /** Checks a configuration without running it; throws the list of problems. */
  validate(input: RunConfigInput, preset: RunPresetName) {
    return resolveRunConfig(input, METHODS, preset);
  },

  async run(runId: string, label: string, input: RunConfigInput, preset: RunPresetName, teacherId: string, onEvent: (e: RunEvent) => void): Promise<DistillOutcome> {
    if (controller) throw new Error('A run is already in progress in this worker.');
    controller = new RunController();
    const report = await backendReady();
    const config = resolveRunConfig(input, METHODS, preset);
    const method = getMethod(config.method);
    // Methods that learn from unpaired web pools also draw from the photos the user added to them.
    const pools = method.data === 'unpaired' ? await readUserPools() : undefined;
    // The restorer role is the model picked in the form; other roles are their shipped models.
    const { teachers } = await loadTeachers(method, (role) =>
      readModelFiles(role === 'restorer' && teacherId ? teacherId : TEACHER_ROLES[role].shippedModel, import.meta.env.BASE_URL).then((f) => deserializeRestorer(f.modelJson, f.weights)),
    );
    try {
      const result = await runDistillation({ config, teachers, controller, onEvent, pools, cache: indexedDbModelCache });
      // Artifacts are not shown in the page yet: they stay out of the messages (they can be large).
      const { studentModel, artifacts: _artifacts, ...summary } = result;
      void _artifacts;
      // A student that never trained is the untrained network: nothing to restore with or download.
      if (summary.studentSteps === 0) {
        studentModel.dispose();
        return { summary: { ...summary, backend: `${summary.backend} (${report.device})` }, modelId: null, saveError: null };
      }
      const modelId = `student-${runId}`;
      let saveError: string | null = null;
      try {
        const files = await serializeRestorer(studentModel, { info: { runId, method: config.method, steps: summary.studentSteps } });
        const c = restorerComplexity(studentModel.config);
        await putStoredModel({
          info: { id: modelId, label, kind: 'trained', preset: config.student, params: c.params, flopsPerPixel: c.flopsPerPixel, createdAt: Date.now() },
          modelJson: files.modelJson,
          weights: files.weightsBin,
        });
      } catch (e) {
        saveError = `The student could not be stored in this browser: ${e instanceof Error ? e.message : String(e)}`;
      } finally {
        studentModel.dispose();
      }
      return { summary: { ...summary, backend: `${summary.backend} (${report.device})` }, modelId: saveError ? null : modelId, saveError };
    } finally {
      disposeTeachers(teachers);
      controller = null;
    }
  },

  pause: () => controller?.pause(),
  resume: () => controller?.resume(),
  stop: () => controller?.stop(),
};

export type DistillApi = typeof api;
Comlink.expose(api);
