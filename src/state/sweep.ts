// A sweep queued from the Distill form: several methods and/or seeds at one budget, run one after
// another in the distillation worker. The plan is kept in localStorage, so after a reload the
// interrupted run continues from its checkpoint and the queue goes on; when every run has ended,
// the sweep opens in the Compare view.
import { create } from 'zustand';
import { persist } from 'zustand/middleware';
import type { RunConfigInput, RunPresetName } from '../core/run/config';
import { useCompareStore } from './compare';
import { canContinue, useRunsStore } from './runs';

export interface SweepItem {
  /** The run record's id, fixed when the sweep is queued. */
  runId: string;
  input: RunConfigInput;
  label: string;
}

export interface Sweep {
  id: string;
  preset: RunPresetName;
  teacherId: string;
  items: SweepItem[];
  startedAt: number;
}

interface SweepState {
  sweep: Sweep | null;
  /** True while this page drives the queue. */
  running: boolean;
  /** Why the queue stopped before its end (the user stopped a run, a run could not start). */
  halted: string | null;
  queue(items: Omit<SweepItem, 'runId'>[], preset: RunPresetName, teacherId: string): Promise<void>;
  /** Runs (or goes on with) the queue: completed runs are kept, interrupted ones continue; a run the user stopped halts it, unless `resumeStopped`. */
  drive(resumeStopped?: boolean): Promise<void>;
  cancel(): void;
}

/** Where a sweep stands: runs ended, the one going, and a time estimate from the ended ones. */
export function sweepProgress(sweep: Sweep, runs: readonly { id: string; state: string; progress: { seconds: number } }[]) {
  const states = sweep.items.map((it) => runs.find((r) => r.id === it.runId));
  const ended = states.filter((r) => r && ['completed', 'failed'].includes(r.state));
  const mean = ended.length ? ended.reduce((s, r) => s + r!.progress.seconds, 0) / ended.length : null;
  const current = states.findIndex((r) => !r || !['completed', 'failed'].includes(r.state));
  return {
    done: ended.length,
    total: sweep.items.length,
    current: current < 0 ? null : current,
    secondsLeft: mean === null ? null : mean * (sweep.items.length - ended.length),
  };
}

export const useSweepStore = create<SweepState>()(
  persist(
    (set, get) => ({
      sweep: null,
      running: false,
      halted: null,
      async queue(items, preset, teacherId) {
        const id = `sweep-${Date.now().toString(36)}`;
        set({ sweep: { id, preset, teacherId, startedAt: Date.now(), items: items.map((it, k) => ({ ...it, runId: `${id}-${k}` })) }, halted: null });
        await get().drive();
      },
      async drive(resumeStopped = false) {
        const sweep = get().sweep;
        if (!sweep || get().running) return;
        set({ running: true, halted: null });
        const runs = useRunsStore.getState();
        try {
          for (const item of sweep.items) {
            if (get().sweep?.id !== sweep.id) return; // cancelled
            const run = useRunsStore.getState().runs.find((r) => r.id === item.runId);
            if (run?.state === 'completed' || (run?.state === 'failed' && !canContinue(run))) continue;
            if (run?.state === 'stopped' && !resumeStopped) {
              set({ halted: `You stopped ${run.label}: the sweep waits.` });
              return;
            }
            if (run && canContinue(run)) await runs.continueRun(item.runId);
            else await runs.start(item.input, sweep.preset, item.label, sweep.teacherId, item.runId);
            const after = useRunsStore.getState().runs.find((r) => r.id === item.runId);
            if (after?.state === 'stopped') {
              set({ halted: `You stopped ${after.label}: the sweep waits.` });
              return;
            }
          }
          const ids = sweep.items.map((it) => it.runId);
          useCompareStore.setState({ ids });
          set({ sweep: null });
          location.hash = 'compare';
        } catch (e) {
          set({ halted: e instanceof Error ? e.message : String(e) });
        } finally {
          set({ running: false });
        }
      },
      cancel: () => set({ sweep: null, halted: null }),
    }),
    { name: 'weatherkd.sweep', partialize: (s) => ({ sweep: s.sweep }) },
  ),
);
