// Presenter mode, for a projector: larger type, one chart per row and taller, images scaled up.
// Kept in localStorage; `?present` in the address turns it on for a shared link.
import { create } from 'zustand';
import { persist } from 'zustand/middleware';

interface PresenterState {
  on: boolean;
  toggle(): void;
}

export const usePresenter = create<PresenterState>()(
  persist(
    (set) => ({
      on: typeof location !== 'undefined' && new URLSearchParams(location.search).has('present'),
      toggle: () => set((s) => ({ on: !s.on })),
    }),
    {
      name: 'weatherkd.presenter',
      // The address wins over what was stored.
      merge: (stored, current) => ({ ...current, on: current.on || Boolean((stored as Partial<PresenterState> | undefined)?.on) }),
    },
  ),
);

/** How much taller charts and larger images are in presenter mode. */
export const PRESENTER_SCALE = 1.6;
