// The one learning-rate schedule, shared by distillation runs (run/config.ts) and teacher
// training (train/teacher-recipe.ts): linear warm-up to the peak, then cosine decay to a fraction
// of it by the last step, or constant.

export interface Schedule {
  /** Peak rate, reached at the end of the warm-up. */
  lr: number;
  steps: number;
  /** Cut to the run when longer (a preset's warm-up never rejects a short run). */
  warmupSteps: number;
  /** The cosine ends at lr * finalFraction. */
  finalFraction: number;
  kind: 'cosine' | 'constant';
}

/** Learning rate of step s (0-based). */
export function scheduledRate(schedule: Schedule, s: number): number {
  const { lr, steps, finalFraction } = schedule;
  const warmupSteps = Math.min(schedule.warmupSteps, steps);
  if (s < warmupSteps) return (lr * (s + 1)) / warmupSteps;
  if (schedule.kind === 'constant') return lr;
  const p = Math.min(1, (s - warmupSteps) / Math.max(1, steps - warmupSteps - 1));
  return lr * (finalFraction + (1 - finalFraction) * 0.5 * (1 + Math.cos(Math.PI * p)));
}
