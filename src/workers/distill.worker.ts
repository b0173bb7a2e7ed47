// The distillation worker: runs one method at a time with the shared training loop
// (src/core/run/loop.ts) and streams its events to the page. The page never runs a step.
import * as Comlink from 'comlink';
import type { BackendRequest } from '../state/backend';
import { backendReady, gpuLost, initBackend, loseGpuDevice } from './backend-init';
import { getArtifacts, putArtifacts } from './artifact-store';
import { zipArtifact } from './artifact-zip';
import { deleteCheckpoint, getCheckpoint, putCheckpoint } from './checkpoint-store';
import { indexedDbModelCache } from './method-cache';
import { putStoredModel, readModelFiles } from './model-store';
import { readUserPairs, readUserPools } from './pool-store';
import { deserializeRestorer, serializeRestorer } from '../core/models/io';
import { restorerComplexity } from '../core/models/complexity';
import { getMethod, methodCatalog, METHODS } from '../core/methods/registry';
import type { Restorer } from '../core/models/restorer';
import type { TeacherSet } from '../core/methods/method';
import { disposeTeachers, loadTeachers } from '../core/methods/teachers';
import { artifactInfo, type ArtifactInfo } from '../core/run/artifact-files';
import type { RunCheckpoint } from '../core/run/checkpoint';
import { resolveRunConfig, type RunConfig, type RunConfigInput, type RunPresetName } from '../core/run/config';
import { RunController } from '../core/run/controller';
import { benchModel, type Result as BenchResult } from '../core/bench/train-speed';
import type { RunEvent, RunSummary } from '../core/run/events';
import { runDistillation } from '../core/run/loop';

let controller: RunController | null = null;

/** Seconds between a run's checkpoints (one is also kept on pause and stop). */
const CHECKPOINT_EVERY_SECONDS = 30;

export interface DistillOutcome {
  summary: RunSummary;
  /** The trained student, stored in IndexedDB under this id (null if it could not be saved). */
  modelId: string | null;
  saveError: string | null;
  /** What the run made besides the student, stored in IndexedDB under the run's id (artifact-store.ts). */
  artifacts: ArtifactInfo[];
  /** Set when the run failed because the GPU device was lost: it can go on, on WASM, from its checkpoint. */
  gpuLost: string | null;
}

/** Keeps a trained student in IndexedDB under `id`; a failure (a full quota, say) is reported, not thrown. */
async function storeStudent(
  id: string,
  label: string,
  preset: string,
  info: Record<string, unknown>,
  student: Restorer,
): Promise<Pick<DistillOutcome, 'modelId' | 'saveError'>> {
  try {
    const files = await serializeRestorer(student, { info });
    const c = restorerComplexity(student.config);
    await putStoredModel({
      info: { id, label, kind: 'trained', preset, params: c.params, flopsPerPixel: c.flopsPerPixel, createdAt: Date.now() },
      modelJson: files.modelJson,
      weights: files.weightsBin,
    });
    return { modelId: id, saveError: null };
  } catch (e) {
    return { modelId: null, saveError: `The student could not be stored in this browser: ${e instanceof Error ? e.message : String(e)}` };
  }
}

const api = {
  init: (request: BackendRequest) => initBackend(request),
  catalog: () => methodCatalog(),

  /** Training and forward speed of each model on this worker's backend (scripts/bench-train-browser.ts). */
  async benchTraining(models: string[], reps: number): Promise<BenchResult[]> {
    await backendReady();
    const results: BenchResult[] = [];
    for (const model of models) results.push(await benchModel(model, reps));
    return results;
  },

  /** Checks a configuration without running it; throws the list of problems. */
  validate(input: RunConfigInput, preset: RunPresetName) {
    return resolveRunConfig(input, METHODS, preset);
  },

  run(
    runId: string,
    label: string,
    input: RunConfigInput,
    preset: RunPresetName,
    teacherId: string,
    onEvent: (e: RunEvent) => void | Promise<void>,
  ): Promise<DistillOutcome> {
    return execute(runId, label, resolveRunConfig(input, METHODS, preset), teacherId, null, onEvent);
  },

  /** Continues a stopped or interrupted run from its checkpoint, with the settings and teacher it had. */
  async continueRun(runId: string, label: string, onEvent: (e: RunEvent) => void | Promise<void>): Promise<DistillOutcome> {
    const cp = await getCheckpoint(runId);
    return execute(runId, label, cp.config, cp.teachers.restorer ?? '', cp, onEvent);
  },

  /** One artifact of a run as a zip, in the layout `weatherkd distill --out` writes. */
  async artifactZip(runId: string, name: string): Promise<Uint8Array> {
    const artifact = (await getArtifacts(runId)).find((a) => a.name === name);
    if (!artifact) throw new Error(`This run's "${name}" is no longer stored in this browser.`);
    const zip = await zipArtifact(artifact);
    return Comlink.transfer(zip, [zip.buffer]);
  },

  /** Fault injection for the browser tests (the page exposes it with ?faults): loses the GPU device. */
  loseGpuDevice: () => loseGpuDevice(),

  pause: () => controller?.pause(),
  resume: () => controller?.resume(),
  stop: () => controller?.stop(),
};

async function execute(
  runId: string,
  label: string,
  config: RunConfig,
  teacherId: string,
  resume: RunCheckpoint | null,
  onEvent: (e: RunEvent) => void | Promise<void>,
): Promise<DistillOutcome> {
  if (controller) throw new Error('A run is already in progress in this worker.');
  const own = (controller = new RunController());
  // The events travel on the callback's own port, the outcome on the worker's: the outcome waits
  // for the last event's answer, so no event reaches the page after it (calls on one port keep their order).
  let lastEvent: unknown;
  const emit = (e: RunEvent) => void (lastEvent = onEvent(e));
  let teachers: TeacherSet = {};
  try {
    const report = await backendReady();
    const method = getMethod(config.method);
    // Methods that learn from unpaired web pools also draw from the photos the user added to them.
    const pools = method.data === 'unpaired' ? await readUserPools() : undefined;
    // Methods that learn from pairs train on the user's own pairs when there are any.
    const trainPairs = method.data === 'paired' || method.data === 'subset' ? await readUserPairs() : [];
    // The restorer role is the model picked in the form; other roles are their shipped models.
    ({ teachers } = await loadTeachers(
      method,
      (model) => readModelFiles(model, import.meta.env.BASE_URL).then((f) => deserializeRestorer(f.modelJson, f.weights)),
      teacherId || undefined,
    ));
    const result = await runDistillation({
      config,
      teachers,
      controller: own,
      onEvent: emit,
      pools,
      trainPairs,
      cache: indexedDbModelCache,
      checkpoints: { everySeconds: CHECKPOINT_EVERY_SECONDS, teachers: teacherId ? { restorer: teacherId } : {}, save: (cp) => putCheckpoint(runId, cp) },
      ...(resume ? { resume } : {}),
    });
    if (result.status === 'completed') await deleteCheckpoint(runId).catch(() => undefined);
    // Artifacts go to IndexedDB, not into the messages (they can be large); the page reads them there.
    const { studentModel, artifacts, ...summary } = result;
    let stored: Pick<DistillOutcome, 'modelId' | 'saveError'> = { modelId: null, saveError: null };
    let artifactError: string | null = null;
    try {
      if (artifacts.length)
        await putArtifacts(runId, artifacts).catch(
          (e: unknown) =>
            (artifactError = `What the run made (${artifacts.map((a) => a.name).join(', ')}) could not be stored in this browser: ${e instanceof Error ? e.message : String(e)}`),
        );
      // A student that never trained is the untrained network, and a failed run's may hold broken
      // weights (NaN, or a lost GPU's): nothing to restore with or download. The CLI does the same.
      if (summary.studentSteps > 0 && summary.status !== 'failed')
        stored = await storeStudent(`student-${runId}`, label, config.student, { runId, method: config.method, steps: summary.studentSteps }, studentModel);
    } finally {
      studentModel.dispose();
    }
    const lost = summary.status === 'failed' ? await gpuLost(summary.error?.message ?? '') : null;
    if (lost && summary.error)
      summary.error = {
        ...summary.error,
        message: `The GPU device was lost (${lost}): continue the run on WASM from its last checkpoint. (${summary.error.message})`,
      };
    await Promise.resolve(lastEvent).catch(() => undefined);
    return {
      gpuLost: lost,
      summary: { ...summary, backend: `${summary.backend} (${report.device})` },
      ...stored,
      saveError: stored.saveError ?? artifactError,
      artifacts: artifactError ? [] : artifacts.map(artifactInfo),
    };
  } finally {
    disposeTeachers(teachers);
    controller = null;
  }
}

export type DistillApi = typeof api;
Comlink.expose(api);
