// Distillation runs as the page sees them: built from the worker's events, kept in IndexedDB so
// a reload keeps every curve and score. The worker does the work; this only records it.
import { create } from 'zustand';
import * as Comlink from 'comlink';
import { createStore, entries, getMany, keys, promisifyRequest } from 'idb-keyval';
import type { ArtifactInfo } from '../core/run/artifact-files';
import type { EvalRecord, EvalScores, EvalSample, ModelSummary, RunEvent } from '../core/run/events';
import type { LossGroup, MethodPhase, TrainingPreview } from '../core/methods/method';
import { DEFAULT_METHOD, type RunConfig, type RunConfigInput, type RunPresetName } from '../core/run/config';
import { guarded } from '../workers/client';
import { deleteArtifacts } from '../workers/artifact-store';
import { deleteCheckpoint } from '../workers/checkpoint-store';
import { distillWorker, type DistillWorkerApi } from '../workers/distill-client';
import type { DistillOutcome } from '../workers/distill.worker';
import { overrideBackendForSession } from './backend';
import { useModelsStore } from './models';
import { runStorage, type SaveMode } from './run-storage';
import { runsTrainingElsewhere, untilReleased, whileTraining } from './tab-lock';

export type RunState = 'starting' | 'running' | 'paused' | 'completed' | 'stopped' | 'failed' | 'interrupted';

/** States in which a run still has a worker. */
export const LIVE: readonly RunState[] = ['starting', 'running', 'paused'];

export interface RunRecord {
  id: string;
  createdAt: number;
  label: string;
  method: string;
  preset: RunPresetName;
  input: RunConfigInput;
  state: RunState;
  error: string | null;
  backend: string | null;
  totalSteps: number;
  progress: { totalStep: number; studentStep: number; phase: string; stepsPerSecond: number; etaSeconds: number; seconds: number };
  /** Loss curves: x = total step, one series per loss name (thinned to keep the record small). */
  losses: { step: number[]; series: Record<string, number[]> };
  /** Student evaluations over time (seconds: run time at the evaluation; absent in older records). */
  evals: { step: number; scores: EvalScores; seconds?: number }[];
  /** The student's size (from the start event). */
  student?: ModelSummary;
  /** Fixed reference lines: the teacher, the untrained student and the degraded input. */
  references: { teacher: EvalScores | null; untrained: EvalScores | null; input: EvalScores | null };
  samples: EvalSample[];
  /** The teacher's restorations of the same evaluation images (absent in older records and teacherless runs). */
  teacherSamples?: EvalSample[];
  preview: TrainingPreview | null;
  modelId: string | null;
  /** The method's phases as the run planned them (with models reused from the cache marked). */
  phases?: MethodPhase[];
  /** Every setting the run used, defaults filled in (from the worker's start event; absent before it). */
  config?: RunConfig;
  /** The method's loss charts and the meaning of each term, as the run's method declared them. */
  lossGroups?: LossGroup[];
  /** The last checkpoint the worker kept (workers/checkpoint-store.ts): a stopped or interrupted run continues from it. */
  checkpoint?: { totalStep: number; studentStep: number; savedAt: number } | null;
  /** What the run made besides the student (its data is in workers/artifact-store.ts). */
  artifacts?: ArtifactInfo[];
  /** Why the GPU was lost when that ended the run: continuing it then runs on WASM. */
  gpuLost?: string | null;
  /** Something the user should know that did not stop the run (a checkpoint that could not be kept). */
  warning?: string | null;
}

/** States from which a run with a checkpoint can be continued. */
export const CONTINUABLE: readonly RunState[] = ['stopped', 'interrupted', 'failed'];
export const canContinue = (r: RunRecord): boolean => CONTINUABLE.includes(r.state) && !!r.checkpoint;

const MAX_LOSS_POINTS = 1500;

/** Every other point, as often as needed to keep a curve under MAX_LOSS_POINTS: bounded memory, the shape stays. */
export function thinLosses(losses: RunRecord['losses']): RunRecord['losses'] {
  while (losses.step.length > MAX_LOSS_POINTS) {
    const keep = (_: unknown, i: number) => i % 2 === 0;
    losses = { step: losses.step.filter(keep), series: Object.fromEntries(Object.entries(losses.series).map(([k, v]) => [k, v.filter(keep)])) };
  }
  return losses;
}

const runDb = createStore('weatherkd-runs', 'runs');
const storage = runStorage(
  {
    entries: () => entries(runDb),
    getMany: (k) => getMany(k, runDb),
    keys: () => keys<string>(runDb),
    write: (puts, deletes) =>
      runDb('readwrite', (store) => {
        try {
          for (const k of deletes) store.delete(k);
          for (const [k, v] of puts) store.put(v, k);
        } catch (e) {
          store.transaction.abort(); // a value that cannot be stored: none of this save lands
          throw e;
        }
        return promisifyRequest(store.transaction);
      }),
  },
  thinLosses,
);

/** A run that has not started yet: what the form asked for, nothing measured. */
export function newRunRecord(id: string, label: string, input: RunConfigInput, preset: RunPresetName): RunRecord {
  return {
    id,
    createdAt: Date.now(),
    label,
    method: input.method ?? DEFAULT_METHOD,
    preset,
    input,
    state: 'starting',
    error: null,
    backend: null,
    totalSteps: input.steps ?? 0,
    progress: { totalStep: 0, studentStep: 0, phase: '', stepsPerSecond: 0, etaSeconds: NaN, seconds: 0 },
    losses: { step: [], series: {} },
    evals: [],
    references: { teacher: null, untrained: null, input: null },
    samples: [],
    preview: null,
    modelId: null,
  };
}

/**
 * A continued run's record goes back to its checkpoint: curves past it (steps run after the last
 * checkpoint, the evaluation made when it stopped) are dropped, as the run redoes them.
 */
function rewind(r: RunRecord, totalStep: number, history: readonly EvalRecord[]): void {
  const keep = r.losses.step.map((s) => s <= totalStep);
  r.losses = {
    step: r.losses.step.filter((_, i) => keep[i]),
    series: Object.fromEntries(Object.entries(r.losses.series).map(([k, v]) => [k, v.filter((_, i) => keep[i])])),
  };
  r.evals = history.filter((e) => e.subject === 'student').map((e) => ({ step: e.totalStep, scores: e.scores, seconds: e.seconds }));
}

/** Applies one worker event to a run record (a pure update on a copy). */
export function applyEvent(prev: RunRecord, e: RunEvent): RunRecord {
  const r: RunRecord = { ...prev, progress: { ...prev.progress } };
  switch (e.type) {
    case 'start':
      r.state = 'running';
      r.error = null;
      r.totalSteps = e.totalSteps;
      r.backend = e.backend;
      r.phases = e.phases;
      r.config = e.config;
      r.student = e.student;
      r.lossGroups = [...e.method.losses];
      if (e.resumed) rewind(r, e.resumed.totalStep, e.resumed.evals);
      break;
    case 'step': {
      r.progress = {
        totalStep: e.record.totalStep,
        studentStep: e.record.studentStep,
        phase: e.record.phase,
        stepsPerSecond: e.stepsPerSecond,
        etaSeconds: e.etaSeconds,
        seconds: e.seconds,
      };
      const losses = { step: [...r.losses.step, e.record.totalStep], series: { ...r.losses.series } };
      for (const [k, v] of Object.entries(e.record.losses)) {
        const prevSeries = losses.series[k] ?? new Array(r.losses.step.length).fill(NaN);
        losses.series[k] = [...prevSeries, v];
      }
      for (const k of Object.keys(losses.series)) if (losses.series[k].length < losses.step.length) losses.series[k] = [...losses.series[k], NaN];
      r.losses = thinLosses(losses);
      break;
    }
    case 'eval': {
      const { subject, scores, totalStep, seconds } = e.record;
      if (subject === 'student') {
        r.evals = [...r.evals, { step: totalStep, scores, seconds }];
        if (e.samples.length) r.samples = e.samples;
      } else {
        r.references = { ...r.references, [subject]: scores };
        if (subject === 'teacher' && e.samples.length) r.teacherSamples = e.samples;
      }
      break;
    }
    case 'preview':
      r.preview = e.preview;
      break;
    case 'paused':
      r.state = 'paused';
      break;
    case 'resumed':
      r.state = 'running';
      break;
    case 'checkpoint':
      if (e.error)
        r.warning = `The run's checkpoint could not be kept in this browser (${e.error}); continuing it later starts from an older step, or from the beginning.`;
      else [r.checkpoint, r.warning] = [{ totalStep: e.totalStep, studentStep: e.studentStep, savedAt: e.savedAt }, null];
      break;
    case 'end':
      r.state = e.summary.status;
      r.error = e.summary.error?.message ?? null;
      break;
  }
  return r;
}

interface RunsState {
  runs: RunRecord[];
  /** Runs another tab is training: shown, not controlled, here (state/tab-lock.ts). */
  elsewhere: string[];
  /** Why the last save of a run record failed (a full storage quota, say); null once one succeeds. */
  storageError: string | null;
  selected: string | null;
  loaded: boolean;
  load(): Promise<void>;
  /** Starts a run (with the given record id, e.g. a sweep's) and resolves when it ends. */
  start(input: RunConfigInput, preset: RunPresetName, label: string, teacherId: string, id?: string): Promise<void>;
  /** Continues a stopped or interrupted run from its checkpoint. */
  continueRun(id: string): Promise<void>;
  pause(): void;
  resume(): void;
  stop(): void;
  select(id: string): void;
  remove(id: string): Promise<void>;
  /** Adds a run read from a file (run-export.ts), kept like the others. */
  add(record: RunRecord): Promise<void>;
}

let nextSave = 0;

/** A run that was going when its page closed lost its worker: say so, keep its curves. */
function asInterrupted(r: RunRecord): RunRecord {
  if (!LIVE.includes(r.state)) return r;
  const more = r.checkpoint ? `, and it can continue from step ${r.checkpoint.totalStep}` : '';
  return { ...r, state: 'interrupted', error: r.error ?? `The page was closed or reloaded during this run; its curves and scores up to then are kept${more}.` };
}

export const useRunsStore = create<RunsState>((set, get) => {
  const save = (r: RunRecord, mode: SaveMode = 'full') =>
    storage.save(r, mode).then(
      () => void (get().storageError && set({ storageError: null })),
      (e: unknown) =>
        set({
          storageError: `Runs cannot be saved in this browser (${e instanceof Error ? e.message : String(e)}): the run goes on, but a reload would lose what is new. Delete old runs or trained models to free space.`,
        }),
    );
  const update = (id: string, fn: (r: RunRecord) => RunRecord, persist: 'now' | 'throttled' | 'no' = 'no') => {
    let updated: RunRecord | undefined;
    set((s) => ({ runs: s.runs.map((r) => (r.id === id ? (updated = fn(r)) : r)) }));
    if (!updated) return;
    if (persist === 'now' || (persist === 'throttled' && performance.now() > nextSave)) {
      nextSave = performance.now() + 2000;
      void save(updated, persist === 'now' ? 'full' : 'append');
    }
  };

  const checkIdle = async () => {
    if ((await runsTrainingElsewhere()).length)
      throw new Error('Another tab of the playground is training a run: one run at a time. Pause or stop it there (or close that tab) first.');
    if (get().runs.some((r) => LIVE.includes(r.state))) throw new Error('A run is already in progress: stop it first.');
  };
  /** Runs a worker call for run `id`, recording its events and its outcome. */
  const drive = async (id: string, call: (api: DistillWorkerApi, onEvent: (e: RunEvent) => void) => Promise<DistillOutcome>) => {
    const worker = distillWorker();
    const onEvent = Comlink.proxy((e: RunEvent) => update(id, (r) => applyEvent(r, e), e.type === 'step' || e.type === 'preview' ? 'throttled' : 'now'));
    try {
      await whileTraining(id, async () => {
        const outcome = await guarded(worker, call(worker.api, onEvent));
        update(id, (r) => ({
          ...r,
          state: outcome.summary.status,
          error: outcome.summary.error?.message ?? outcome.saveError,
          modelId: outcome.modelId ?? r.modelId,
          backend: outcome.summary.backend,
          artifacts: outcome.artifacts,
          gpuLost: outcome.gpuLost,
        }));
        // Saved before the lock goes: another tab reads the record then.
        const done = get().runs.find((r) => r.id === id);
        if (done) await save(done, 'compact');
        if (outcome.modelId) await useModelsStore.getState().refresh();
      });
    } catch (e) {
      update(id, (r) => ({ ...r, state: 'failed', error: e instanceof Error ? e.message : String(e) }), 'now');
    }
  };

  return {
    runs: [],
    elsewhere: [],
    storageError: null,
    selected: null,
    loaded: false,

    async load() {
      const [all, elsewhere] = await Promise.all([storage.loadAll().catch(() => [] as RunRecord[]), runsTrainingElsewhere()]);
      const runs = all.map((r) => (elsewhere.includes(r.id) ? r : asInterrupted(r)));
      runs.filter((r, i) => r !== all[i]).forEach((r) => void save(r));
      runs.sort((a, b) => b.createdAt - a.createdAt);
      set({ runs, elsewhere, loaded: true, selected: get().selected ?? runs[0]?.id ?? null });
      // When the other tab is done (or closed), show the run as it left it.
      for (const id of elsewhere) {
        void untilReleased(id).then(async () => {
          const r = await storage.load(id);
          set((s) => ({ elsewhere: s.elsewhere.filter((e) => e !== id), runs: r ? s.runs.map((x) => (x.id === id ? asInterrupted(r) : x)) : s.runs }));
        });
      }
    },

    async start(input, preset, label, teacherId, id = Date.now().toString(36)) {
      await checkIdle();
      const record = newRunRecord(id, label, input, preset);
      // A sweep restarts a run that was interrupted before its first checkpoint under the same id.
      set((s) => ({ runs: [record, ...s.runs.filter((r) => r.id !== id)], selected: id }));
      void save(record);
      await drive(id, (api, onEvent) => api.run(id, label, input, preset, teacherId, onEvent));
    },

    async continueRun(id) {
      await checkIdle();
      const run = get().runs.find((r) => r.id === id);
      if (!run || !canContinue(run)) throw new Error('This run has no checkpoint to continue from.');
      if (run.gpuLost) {
        // The GPU is gone for this page: a fresh worker on WASM continues the run (the checkpoint is plain data).
        overrideBackendForSession('wasm');
        distillWorker.restart();
      }
      update(id, (r) => ({ ...r, state: 'starting', error: null, gpuLost: null }), 'now');
      set({ selected: id });
      await drive(id, (api, onEvent) => api.continueRun(id, run.label, onEvent));
    },

    pause: () => void distillWorker().api.pause(),
    resume: () => void distillWorker().api.resume(),
    stop: () => void distillWorker().api.stop(),
    select: (selected) => set({ selected }),
    async add(record) {
      set((s) => ({ runs: [record, ...s.runs], selected: record.id }));
      await save(record);
    },
    async remove(id) {
      await Promise.all([storage.remove(id), deleteCheckpoint(id), deleteArtifacts(id)]);
      set((s) => ({ runs: s.runs.filter((r) => r.id !== id), selected: s.selected === id ? null : s.selected }));
    },
  };
});
