import { useEffect, useState } from 'react';
import { LESSONS, readLessonProgress } from './lessons/lessons';

/** Lessons load their tour library only when one starts. */
export function openLesson(index: number, step = 0): void {
  void import('./lessons/tour').then(({ startLesson }) => startLesson(index, step));
}

const PATHS = [
  {
    hash: 'restore',
    title: 'Restore a photo',
    text: 'Remove rain, snow or haze from a photo of yours with the teacher network, or with a student you trained.',
  },
  { hash: 'distill', title: 'Watch a student learn', text: 'Train a small network from a big one, live, with its scores and images updating as it learns.' },
  { hash: 'compare', title: 'Compare the papers', text: 'Put finished runs side by side: curves, scores per weather, the same images restored by each.' },
] as const;

export function HomeView() {
  const [resume, setResume] = useState(readLessonProgress);
  // A lesson saves its step as it goes: re-read it whenever the view may show again.
  useEffect(() => {
    const reread = () => setResume(readLessonProgress());
    window.addEventListener('hashchange', reread);
    return () => window.removeEventListener('hashchange', reread);
  }, []);
  return (
    <section className="view home" aria-label="Home">
      <div className="panel home-intro">
        <h2>Small networks that clean up weather, learned from big ones</h2>
        <p>
          This playground trains and compares ways of making a small image-restoration network learn from a large one, even without the large one's training
          data.
        </p>
        <p>Everything runs in this browser tab, on your GPU or CPU; no photo or result leaves your machine.</p>
        <p>Pick a path below, or let a lesson walk you through it.</p>
      </div>
      <div className="home-paths">
        {PATHS.map((p) => (
          <a key={p.hash} className="panel home-path" href={`#${p.hash}`} data-testid={`home-${p.hash}`}>
            <strong>{p.title}</strong>
            <span>{p.text}</span>
          </a>
        ))}
      </div>
      <div className="panel">
        <h3>Lessons</h3>
        {resume && (
          <p>
            <button className="primary" data-testid="lesson-resume" onClick={() => openLesson(resume.lesson, resume.step)}>
              Resume "{LESSONS[resume.lesson].title}" at step {resume.step + 1}
            </button>
          </p>
        )}
        <ol className="lessons">
          {LESSONS.map((l, i) => (
            <li key={l.title}>
              <button
                className={i === 0 ? 'primary' : 'secondary'}
                data-testid={i === 0 ? 'lesson-start' : `lesson-start-${i + 1}`}
                onClick={() => openLesson(i)}
              >
                {l.title}
              </button>{' '}
              <span className="hint">
                {l.summary} {l.steps.length} steps · link: <a href={`#lesson/${i + 1}`}>#lesson/{i + 1}</a>
              </span>
            </li>
          ))}
        </ol>
      </div>
    </section>
  );
}
