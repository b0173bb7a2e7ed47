// One run at a time across the page's tabs (Web Locks): the tab that trains holds a lock named
// after its run, so another tab neither starts a second run on the same GPU nor mistakes that run
// for one interrupted by a reload. Browsers without navigator.locks run unguarded.

const TRAINING = 'weatherkd-training';
const RUN = 'weatherkd-run:';

const locks = (): LockManager | null => (typeof navigator !== 'undefined' && navigator.locks) || null;

/** Runs `train` while this tab holds the training lock; rejects at once when another tab holds it. */
export async function whileTraining<T>(runId: string, train: () => Promise<T>): Promise<T> {
  const l = locks();
  if (!l) return train();
  return l.request(TRAINING, { ifAvailable: true }, async (lock) => {
    if (!lock) throw new Error('Another tab of the playground is training a run: one run at a time. Pause or stop it there (or close that tab) first.');
    return l.request(RUN + runId, train);
  });
}

/** The ids of runs that another tab is training now. */
export async function runsTrainingElsewhere(): Promise<string[]> {
  const l = locks();
  if (!l) return [];
  const { held = [] } = await l.query();
  return held
    .map((h) => h.name ?? '')
    .filter((n) => n.startsWith(RUN))
    .map((n) => n.slice(RUN.length));
}

/** Resolves once no tab trains run `runId` any more. */
export async function untilReleased(runId: string): Promise<void> {
  const l = locks();
  if (l) await l.request(RUN + runId, async () => undefined);
}
