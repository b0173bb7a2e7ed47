// Clean image sources, each with a depth map (haze and heavy rain need depth to be physical).
// Depth convention: normalised to [0, 1], 0 at the camera, 1 as far as it gets (the sky).
// Every source is a pure function of (width, height, seed): same seed, same pixels. The renderers
// live in scene.ts and dead-leaves.ts, the user's photos in photo-source.ts.

import { renderDeadLeaves } from './dead-leaves.ts';
import type { RGBImage } from './image.ts';
import { deriveSeed, Rng } from './rng.ts';
import { renderScene, type SceneOptions } from './scene.ts';

export interface CleanSample {
  image: RGBImage;
  /** Per-pixel depth, length width * height, in [0, 1] with 1 the farthest (sky). */
  depth: Float32Array;
}

export interface CleanSource {
  readonly name: string;
  generate(width: number, height: number, seed: number): CleanSample;
}

/** The built-in procedural sources (a user's photos come through userImageSource). */
export const CLEAN_SOURCES = ['scene', 'dead-leaves'] as const;
export type CleanSourceName = (typeof CLEAN_SOURCES)[number];

export const sceneSource: CleanSource = { name: 'scene', generate: (width, height, seed) => renderScene(width, height, seed) };

export function sceneSourceWith(opts: SceneOptions): CleanSource {
  return { name: 'scene', generate: (width, height, seed) => renderScene(width, height, seed, opts) };
}
export const deadLeavesSource: CleanSource = {
  name: 'dead-leaves',
  generate: (width, height, seed) => renderDeadLeaves(width, height, seed),
};

export function getCleanSource(name: CleanSourceName): CleanSource {
  return name === 'scene' ? sceneSource : deadLeavesSource;
}

/** Picks one of several sources per sample, with the given weights (default equal). */
export function mixedSource(sources: readonly CleanSource[], weights?: readonly number[]): CleanSource {
  if (sources.length === 0) throw new Error('mixedSource: no sources');
  const wts = weights ?? sources.map(() => 1);
  return {
    name: `mixed(${sources.map((s) => s.name).join(',')})`,
    generate(width, height, seed) {
      const pick = new Rng(seed).fork('source').weighted(wts);
      return sources[pick].generate(width, height, deriveSeed(seed, 'sample'));
    },
  };
}
