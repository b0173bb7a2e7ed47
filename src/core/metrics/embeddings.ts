// How well embeddings (D4IR's degradation prompts) separate by a label they were never trained
// on: leave-one-out k-nearest-neighbour accuracy, and a 2-D projection for the page (PCA: linear
// and deterministic, so two runs' pictures are comparable and nothing is invented by the plot).

import { PCA } from 'ml-pca';

export interface ProjectedPoint {
  x: number;
  y: number;
  label: string;
}

/** Cosine similarity of unit vectors stored row-wise. */
function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

/**
 * Leave-one-out kNN accuracy under cosine similarity (rows are unit vectors): the share of points
 * whose k nearest others mostly carry their label (ties go to the nearer neighbour's label).
 */
export function knnAccuracy(rows: readonly ArrayLike<number>[], labels: readonly string[], k = 5): number {
  if (rows.length !== labels.length) throw new RangeError('knnAccuracy: one label per row');
  if (rows.length < 2) return NaN;
  let correct = 0;
  rows.forEach((r, i) => {
    const near = rows
      .map((o, j) => ({ j, sim: j === i ? -Infinity : dot(r, o) }))
      .sort((a, b) => b.sim - a.sim)
      .slice(0, Math.min(k, rows.length - 1));
    const votes = new Map<string, number>();
    for (const { j } of near) votes.set(labels[j], (votes.get(labels[j]) ?? 0) + 1);
    const best = Math.max(...votes.values());
    const winner = near.find(({ j }) => votes.get(labels[j]) === best)!;
    if (labels[winner.j] === labels[i]) correct += 1;
  });
  return correct / rows.length;
}

/** Accuracy of always guessing the most common label: what "better than chance" must beat. */
export function chanceAccuracy(labels: readonly string[]): number {
  const counts = new Map<string, number>();
  for (const l of labels) counts.set(l, (counts.get(l) ?? 0) + 1);
  return Math.max(...counts.values()) / labels.length;
}

/** The first two principal components of the rows. */
export function project2d(rows: readonly ArrayLike<number>[], labels: readonly string[]): ProjectedPoint[] {
  const data = rows.map((r) => Array.from(r));
  const pca = new PCA(data);
  const xy = pca.predict(data, { nComponents: 2 }).to2DArray();
  return xy.map(([x, y], i) => ({ x, y: y ?? 0, label: labels[i] }));
}
