// Development and test halves of the evaluation data beside the project (../shared/data): a
// teacher's checkpoints are chosen on the dev half only, and its card reports the test half,
// which played no part in any choice (docs/data.md#splits).

export type SplitName = 'dev' | 'test';
export const SPLIT_NAMES: readonly SplitName[] = ['dev', 'test'];

/**
 * Kodak photos held out of training as scenes: `train-teacher --exclude-photos` leaves them out,
 * and the card restores them under synthetic weather as a test set of real scenes.
 */
export const KODAK_TEST_PHOTOS = ['kodim03', 'kodim07', 'kodim13', 'kodim16', 'kodim21', 'kodim23'] as const;

/**
 * Rain100H's nine repeated targets (image a shows the same clean scene as image b): a repeat
 * always falls on the side of its lower number, so no scene is on both sides.
 */
const RAIN100H_REPEATS: Readonly<Record<number, number>> = { 4: 3, 14: 5, 25: 6, 36: 7, 47: 8, 58: 9, 69: 10, 80: 11, 91: 12 };

/** rain100h: dev when the lowest number showing the image's scene is odd (51 dev, 49 test). */
function rain100hSplit(stem: string): SplitName | undefined {
  const n = Number(stem);
  if (!Number.isInteger(n) || n < 1 || n > 100) return undefined;
  return (RAIN100H_REPEATS[n] ?? n) % 2 === 1 ? 'dev' : 'test';
}

/** The sets that have a declared split, and which side each image (by file stem) is on. */
export const SPLITS: Readonly<Record<string, (stem: string) => SplitName | undefined>> = {
  rain100h: rain100hSplit,
};

/** The stems of `stems` on `split` of `set`; throws when the set has no split or an image is unknown. */
export function stemsInSplit(set: string, split: SplitName, stems: readonly string[]): string[] {
  const side = SPLITS[set];
  if (!side) throw new Error(`no dev/test split is declared for the set "${set}" (sets with one: ${Object.keys(SPLITS).join(', ')})`);
  const unknown = stems.filter((s) => side(s) === undefined);
  if (unknown.length > 0) throw new Error(`${set} has no image ${unknown.slice(0, 3).join(', ')} in its split`);
  return stems.filter((s) => side(s) === split);
}
