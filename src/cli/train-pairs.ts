// --train-pairs DIR: the user's own training pairs, DIR/input/ and DIR/target/ paired by file stem
// (the layout `weatherkd eval` reads and TripleD's DIR/subset/ is written in).

import path from 'node:path';
import type { UserPair } from '../core/data/train-set';
import { CliError } from './command';
import { readImageOrFail } from './evaluate-pairs';
import { pairByStem } from './paired-dir';

/** More pixels than this (inputs and targets together, as 32-bit floats: 2.4 GB) are refused before they fill the memory. */
const MAX_PIXELS = 200e6;

export async function readTrainPairs(dir: string): Promise<UserPair[]> {
  const files = await pairByStem(path.join(dir, 'input'), path.join(dir, 'target'));
  const pairs: UserPair[] = [];
  let pixels = 0;
  for (const f of files) {
    const [input, target] = await Promise.all([readImageOrFail(f.input), readImageOrFail(f.target)]);
    if (input.width !== target.width || input.height !== target.height) {
      throw new CliError(`size mismatch for "${f.name}" in ${dir}: input ${input.width}x${input.height}, target ${target.width}x${target.height}`);
    }
    pixels += 2 * input.width * input.height;
    if (pixels > MAX_PIXELS) throw new CliError(`the pairs in ${dir} hold more than ${MAX_PIXELS / 1e6} megapixels; use fewer or smaller photos`);
    pairs.push({ stem: f.name, input, target });
  }
  return pairs;
}
