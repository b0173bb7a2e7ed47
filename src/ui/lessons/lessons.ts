// The guided lessons: one typed table, from which the home view's list, the `#lesson/N` links and
// the tour itself (tour.ts) derive. Each step points at a real control by its data-testid, says in
// plain words what to look at and why, and may wait for something real to happen before it moves on.

export type LessonView = 'restore' | 'distill' | 'compare';

export interface LessonStep {
  /** The view whose tab is opened before the step is shown. */
  view: LessonView;
  /** CSS selector of the control the step points at (a data-testid, mostly). */
  target: string;
  title: string;
  text: string;
  /** When set, the step waits until this holds, then moves on by itself. */
  until?: { holds: () => boolean; waiting: string };
}

export interface Lesson {
  title: string;
  summary: string;
  steps: LessonStep[];
}

const testid = (id: string, extra = '') => `[data-testid="${id}"]${extra}`;
const exists = (selector: string) => () => document.querySelector(selector) !== null;
/** The Compare view has opened (a sweep opens it when it ends) and shows its table. */
const compareOpened = () => location.hash.startsWith('#compare') && exists(testid('compare-table'))();
const selected = (value: string) => () => (document.querySelector(testid('method-select')) as HTMLSelectElement | null)?.value === value;

export const LESSONS: readonly Lesson[] = [
  {
    title: 'What a restoration network does',
    summary: 'The teacher network removes rain from a photo, and you compare before and after.',
    steps: [
      {
        view: 'restore',
        target: testid('model-select'),
        title: 'A network that cleans photos',
        text: 'The teacher is a convolutional network trained on pairs of weather images and clean ones. It learned to estimate what the weather added, and to take it away.',
      },
      {
        view: 'restore',
        target: testid('restore-sample'),
        title: 'Give it a rainy photo',
        text: 'Press "Try a rainy sample", or drop a photo of your own on this panel. The photo is restored inside this page: nothing is uploaded.',
        until: { holds: exists(testid('photo-card', '[data-status="done"]')), waiting: 'Waiting for a photo to be restored…' },
      },
      {
        view: 'restore',
        target: testid('photo-card', '[data-status="done"]'),
        title: 'Before and after',
        text: 'Move the split across the image: left of it is your photo, right of it the restoration. Look at the streaks, and at the edges the network kept.',
      },
      {
        view: 'restore',
        target: testid('model-summary'),
        title: 'What it costs',
        text: 'Its size: parameters, and the arithmetic it spends on every pixel. The students of the next lessons are ten and twenty times cheaper, small enough for a phone.',
      },
    ],
  },
  {
    title: 'Knowledge distillation in a minute',
    summary: 'A student trained on data alone races one that also copies the teacher.',
    steps: [
      {
        view: 'distill',
        target: testid('method-select'),
        title: 'Two ways to train a student',
        text: '"scratch" trains the small student on pairs of weather and clean images. "kd" (knowledge distillation) also asks it to copy what the teacher outputs, which carries what the teacher has learned.',
      },
      {
        view: 'distill',
        target: testid('sweep-form'),
        title: 'Race them',
        text: 'Tick scratch and kd here, keep one seed, and queue the sweep. The two runs go one after the other in the background, at the same budget; the Compare view opens when both are done.',
        until: { holds: compareOpened, waiting: 'Waiting for both runs to finish (a few minutes)…' },
      },
      {
        view: 'compare',
        target: testid('compare-legend'),
        title: 'Who learns faster',
        text: 'Each curve is one student: image quality (PSNR, higher is better) on the same evaluation images as training goes on. The switch plots them against wall time instead of steps.',
      },
      {
        view: 'compare',
        target: testid('compare-table'),
        title: 'The scores',
        text: 'One row per run, per weather type; the best value in each column is marked. Students learn from a teacher, so they rarely beat it: the question is how close they get for their size.',
      },
    ],
  },
  {
    title: 'Learning without the data',
    summary: 'DFL invents its own training images; the student never sees a real one.',
    steps: [
      {
        view: 'distill',
        target: testid('method-select'),
        title: 'No training data at all',
        text: 'Choose "dfl" here. Often the images a big model learned from cannot be shared. DFL keeps only the teacher, and a second network invents images for the student to learn on.',
        until: { holds: selected('dfl'), waiting: 'Choose "DFL" in this list…' },
      },
      {
        view: 'distill',
        target: testid('run-start'),
        title: 'A game of two networks',
        text: 'The generator is rewarded for images on which the student still disagrees with the teacher; the student then learns to agree. Start the run with this button, and watch what the generator makes.',
        until: {
          holds: exists(`${testid('run-monitor', '[data-method="dfl"]')} ${testid('train-gallery')}`),
          waiting: 'Start the run; waiting for the first generated images…',
        },
      },
      {
        view: 'distill',
        target: testid('train-gallery'),
        title: 'Invented weather',
        text: 'Top: images the generator made. Below: what the teacher makes of them, which the student copies. They only need to look like weather to the teacher, not to us.',
      },
      {
        view: 'distill',
        target: testid('method-select'),
        title: 'Another way: D4IR',
        text: 'D4IR also uses no real training data, but makes its images differently: it learns a prompt for each kind of weather and draws images with a small diffusion model. Try it after this run, and compare the two.',
      },
    ],
  },
  {
    title: 'Which paper wins',
    summary: 'Every method on one budget, side by side.',
    steps: [
      {
        view: 'distill',
        target: testid('sweep-form'),
        title: 'One budget for all',
        text: 'Tick every method and queue the sweep. Each runs with the same student, steps and seed, so only the method differs. This takes a while: it goes on in the background, and survives a reload.',
        until: { holds: compareOpened, waiting: 'Waiting for the sweep to finish…' },
      },
      {
        view: 'compare',
        target: testid('compare-table'),
        title: 'Read the table',
        text: 'Methods that see data (scratch, kd, dckd, slkd) usually beat those that do not (dfl, d4ir): knowing the data is worth a lot. TripleD shows how little of it is needed.',
      },
      {
        view: 'compare',
        target: testid('compare-config-diff'),
        title: 'What differed',
        text: 'Only the settings in which the runs differ. A fair comparison differs in one thing.',
      },
    ],
  },
];

/** Progress kept across reloads, so a lesson left can be resumed. */
export const LESSON_PROGRESS_KEY = 'weatherkd.lesson';

export interface LessonProgress {
  lesson: number;
  step: number;
}

export function readLessonProgress(): LessonProgress | null {
  try {
    const p = JSON.parse(localStorage.getItem(LESSON_PROGRESS_KEY) ?? 'null') as LessonProgress | null;
    return p && LESSONS[p.lesson] && p.step >= 0 && p.step < LESSONS[p.lesson].steps.length ? p : null;
  } catch {
    return null;
  }
}
