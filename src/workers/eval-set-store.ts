// The user's own paired evaluation sets, in IndexedDB: degraded and clean photos paired by file
// stem, as `weatherkd eval` pairs them, kept as 8-bit RGB at most EVAL_MAX_SIDE px on a side (the
// scores are those of that size). The page writes them; the restore worker reads them to score.
import { createStore, del, entries, get, set } from 'idb-keyval';
import { toBytes, type RGBImage } from '../core/data/image';
import { stemOf } from './pool-store';

export const EVAL_MAX_SIDE = 512;

export interface EvalSetPair {
  stem: string;
  width: number;
  height: number;
  input: Uint8Array;
  target: Uint8Array;
}

export interface EvalSet {
  name: string;
  pairs: EvalSetPair[];
  createdAt: number;
}

const store = () => createStore('weatherkd-eval-sets', 'sets');

export const listEvalSets = async (): Promise<EvalSet[]> =>
  (await entries<string, EvalSet>(store())).map(([, s]) => s).sort((a, b) => a.createdAt - b.createdAt);
export const getEvalSet = (name: string) => get<EvalSet>(name, store());
export const putEvalSet = (s: EvalSet) => set(s.name, s, store());
export const deleteEvalSet = (name: string) => del(name, store());

/** Pairs decoded photos by stem; unpaired stems and size mismatches are an error naming the files. */
export function pairEvalPhotos(inputs: readonly { name: string; image: RGBImage }[], targets: readonly { name: string; image: RGBImage }[]): EvalSetPair[] {
  const byStem = new Map(targets.map((t) => [stemOf(t.name), t]));
  const inputStems = new Set(inputs.map((i) => stemOf(i.name)));
  const lonely = [...inputs.filter((i) => !byStem.has(stemOf(i.name))), ...targets.filter((t) => !inputStems.has(stemOf(t.name)))].map((p) => p.name);
  if (lonely.length)
    throw new Error(
      `These photos have no partner with the same file name: ${lonely.slice(0, 5).join(', ')}${lonely.length > 5 ? ` and ${lonely.length - 5} more` : ''}.`,
    );
  return inputs.map((i) => {
    const t = byStem.get(stemOf(i.name))!;
    if (i.image.width !== t.image.width || i.image.height !== t.image.height) {
      throw new Error(`"${i.name}" is ${i.image.width}x${i.image.height} but "${t.name}" is ${t.image.width}x${t.image.height}: a pair must be one size.`);
    }
    return { stem: stemOf(i.name), width: i.image.width, height: i.image.height, input: toBytes(i.image), target: toBytes(t.image) };
  });
}
