// Runs a lesson of lessons.ts as a guided tour (driver.js): opens each step's view, points at its
// control, and for a step that waits, hides Next until the real thing has happened, then moves on.
// Progress is saved at every step, so a lesson left (closed, or the page reloaded) can be resumed.
import { driver, type Driver } from 'driver.js';
import 'driver.js/dist/driver.css';
import { LESSON_PROGRESS_KEY, LESSONS, type LessonStep } from './lessons';

let active: { tour: Driver; poll: number | undefined; layout: ResizeObserver } | null = null;

const nextFrame = () => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)));

export function startLesson(lessonIndex: number, fromStep = 0): void {
  const lesson = LESSONS[lessonIndex];
  if (!lesson) return;
  stopLesson();
  const steps = lesson.steps;
  const tour = driver({
    allowClose: true,
    showProgress: true,
    progressText: 'Step {{current}} of {{total}}',
    nextBtnText: 'Next',
    prevBtnText: 'Back',
    doneBtnText: 'Finish',
    popoverClass: 'lesson-popover',
    // The highlighted control stays usable: most steps ask the user to press it.
    disableActiveInteraction: false,
    overlayClickBehavior: () => undefined,
    steps: steps.map((s) => ({ element: s.target, popover: { title: s.title, description: s.text } })),
    onNextClick: () => void go(active!.tour.getActiveIndex()! + 1),
    onPrevClick: () => void go(active!.tour.getActiveIndex()! - 1),
    onHighlighted: (_el, _step, { index }) => watch(steps[index ?? 0]),
    onDestroyed: () => {
      window.clearInterval(active?.poll);
      active?.layout.disconnect();
      active = null;
    },
  });
  // The popover follows its control when the page's layout moves it (a notice appearing above it,
  // images arriving): otherwise the popover can end up over the very button it asks for.
  const layout = new ResizeObserver(() => tour.isActive() && tour.refresh());
  layout.observe(document.body);
  active = { tour, poll: undefined, layout };

  async function go(to: number) {
    if (to >= steps.length) {
      localStorage.removeItem(LESSON_PROGRESS_KEY);
      tour.destroy();
      return;
    }
    const i = Math.max(0, to);
    localStorage.setItem(LESSON_PROGRESS_KEY, JSON.stringify({ lesson: lessonIndex, step: i }));
    if (!location.hash.startsWith(`#${steps[i].view}`)) location.hash = steps[i].view;
    await nextFrame(); // the view's panel is shown before the tour measures its control
    if (tour.isActive()) tour.moveTo(i);
    else tour.drive(i);
  }

  /** A waiting step shows what it waits for instead of Next, and moves on once it holds. */
  function watch(step: LessonStep) {
    window.clearInterval(active?.poll);
    if (!step.until) return;
    const { holds, waiting } = step.until;
    if (holds()) return;
    const pop = document.querySelector('.driver-popover');
    const next = pop?.querySelector<HTMLButtonElement>('.driver-popover-next-btn');
    if (next) next.style.display = 'none'; // driver.js's own styles override the hidden attribute
    const note = document.createElement('p');
    note.className = 'lesson-waiting';
    note.setAttribute('role', 'status');
    note.textContent = waiting;
    pop?.querySelector('.driver-popover-description')?.after(note);
    active!.poll = window.setInterval(() => {
      if (!holds()) return;
      window.clearInterval(active?.poll);
      void go(tour.getActiveIndex()! + 1);
    }, 500);
  }

  void go(fromStep);
}

export function stopLesson(): void {
  active?.tour.destroy();
}
