// Pause, resume and stop for a running loop.

/**
 * Pause, resume and stop a run (like an AbortController, with a pause). Takes effect between
 * steps, or inside a long step at its next ctx.substep. A stopped run ends with status 'stopped',
 * after a last evaluation of the student.
 */
export class RunController {
  private isPaused = false;
  private isStopped = false;
  private wake: (() => void) | null = null;

  pause(): void {
    if (!this.isStopped) this.isPaused = true;
  }

  resume(): void {
    this.isPaused = false;
    this.wakeUp();
  }

  stop(): void {
    this.isStopped = true;
    this.isPaused = false;
    this.wakeUp();
  }

  get paused(): boolean {
    return this.isPaused;
  }

  get stopRequested(): boolean {
    return this.isStopped;
  }

  /** Resolves when the run may go on (immediately unless paused). */
  waitWhilePaused(): Promise<void> {
    if (!this.isPaused) return Promise.resolve();
    return new Promise((resolve) => {
      const previous = this.wake;
      this.wake = () => {
        previous?.();
        resolve();
      };
    });
  }

  private wakeUp(): void {
    const w = this.wake;
    this.wake = null;
    w?.();
  }
}
