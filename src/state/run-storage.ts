// How run records are kept in IndexedDB: in parts, so that a save during a run writes what is new and
// not the whole record with its images (structured-cloning those on the main thread stutters the page).
//
//   <id>              the record without its curves and images (small; rewritten on every save)
//   <id>/losses/<n>   loss points, one chunk per save, in step order (appended, never rewritten)
//   <id>/images       evaluation samples and the training preview (rewritten only when they change)
//
// A record saved whole by an older version (losses and images inline under <id>) still loads, and is
// rewritten in parts on its next save. A run continued from a checkpoint rewinds its curves: its chunks
// are then replaced by one, as they are when a run ends (which also bounds the number of chunks).
import type { RunRecord } from './runs';

/** The few key-value operations the layout needs (idb-keyval's, or a Map's in tests). */
export interface KeyValueStore {
  entries(): Promise<[string, unknown][]>;
  getMany(keys: string[]): Promise<unknown[]>;
  keys(): Promise<string[]>;
  /** Deletes, then puts, in one transaction: a save lands whole or not at all. */
  write(puts: [string, unknown][], deletes: string[]): Promise<void>;
}

type Losses = RunRecord['losses'];
type Images = Pick<RunRecord, 'samples' | 'teacherSamples' | 'preview'>;
type Meta = Omit<RunRecord, 'losses' | keyof Images>;

const LOSSES = '/losses/';
const IMAGES = '/images';
const chunkKey = (id: string, n: number) => `${id}${LOSSES}${String(n).padStart(6, '0')}`;
const isPart = (key: string) => key.includes('/');

/** Loss points after `afterStep` (a chunk), or all of them. */
function lossesAfter(losses: Losses, afterStep: number): Losses {
  const from = losses.step.findIndex((s) => s > afterStep);
  if (from < 0) return { step: [], series: {} };
  return { step: losses.step.slice(from), series: Object.fromEntries(Object.entries(losses.series).map(([k, v]) => [k, v.slice(from)])) };
}

/** Chunks joined in order; a series missing from a chunk is NaN there. */
export function joinLosses(chunks: readonly Losses[]): Losses {
  const step = chunks.flatMap((c) => c.step);
  const names = [...new Set(chunks.flatMap((c) => Object.keys(c.series)))];
  const series = Object.fromEntries(names.map((k) => [k, chunks.flatMap((c) => c.series[k] ?? new Array<number>(c.step.length).fill(NaN))]));
  return { step, series };
}

/**
 * 'append': the record's small part and its new loss points (the saves during a run, every few
 * seconds); 'full': also the images, when they are new objects; 'compact': also the curves rewritten
 * as one chunk (when a run ends).
 */
export type SaveMode = 'append' | 'full' | 'compact';

/** What has been written of one run: the chunks' count and last step, and the image objects last saved. */
interface Written {
  chunks: number;
  lastStep: number;
  images: Images | null;
}

const NOTHING_WRITTEN: Written = { chunks: 0, lastStep: -Infinity, images: null };

export function runStorage(kv: KeyValueStore, thin: (losses: Losses) => Losses) {
  const written = new Map<string, Written>();
  const imagesOf = (r: RunRecord): Images => ({ samples: r.samples, teacherSamples: r.teacherSamples, preview: r.preview });
  const sameImages = (a: Images | null, b: Images) => !!a && a.samples === b.samples && a.teacherSamples === b.teacherSamples && a.preview === b.preview;
  const partsOf = async (id: string) => (await kv.keys()).filter((k) => k.startsWith(`${id}/`));

  /** A stored record with its parts (or an old whole one), and what is written of it. */
  function assemble(id: string, stored: RunRecord | Meta, chunks: Losses[], images: Images | undefined): RunRecord {
    const whole = 'losses' in stored && !!stored.losses;
    const losses = whole ? (stored as RunRecord).losses : thin(joinLosses(chunks));
    const record: RunRecord = { ...(stored as RunRecord), losses, ...(images ?? (whole ? {} : { samples: [], preview: null })) };
    // An old whole record has nothing in parts yet: its first save writes them all.
    written.set(id, whole ? NOTHING_WRITTEN : { chunks: chunks.length, lastStep: losses.step.at(-1) ?? -Infinity, images: imagesOf(record) });
    return record;
  }

  let queue: Promise<void> = Promise.resolve();
  async function write(r: RunRecord, mode: SaveMode): Promise<void> {
    const w = written.get(r.id) ?? NOTHING_WRITTEN;
    const last = r.losses.step.at(-1) ?? -Infinity;
    // Curves that went back (a continued run), or none written yet: write them all as one chunk.
    const rewrite = mode === 'compact' || last < w.lastStep || w.chunks === 0;
    const { losses: _l, samples: _s, teacherSamples: _t, preview: _p, ...meta } = r;
    const puts: [string, unknown][] = [[r.id, meta satisfies Meta]];
    const fresh = rewrite ? r.losses : lossesAfter(r.losses, w.lastStep);
    let chunks = rewrite ? 0 : w.chunks;
    if (fresh.step.length) puts.push([chunkKey(r.id, chunks++), fresh]);
    const images = mode === 'append' ? w.images : imagesOf(r);
    if (images && !sameImages(w.images, images)) puts.push([`${r.id}${IMAGES}`, images]);
    const stale = rewrite ? (await partsOf(r.id)).filter((k) => k.includes(LOSSES) && !puts.some(([p]) => p === k)) : [];
    try {
      await kv.write(puts, stale);
      written.set(r.id, { chunks, lastStep: last, images });
    } catch (e) {
      // Nothing of this save was written: the next one writes everything.
      written.delete(r.id);
      throw e;
    }
  }

  return {
    /** Every stored run. */
    async loadAll(): Promise<RunRecord[]> {
      const all = new Map(await kv.entries());
      const records: RunRecord[] = [];
      for (const [key, value] of all) {
        if (isPart(key)) continue;
        const prefix = `${key}${LOSSES}`;
        const chunks = [...all.keys()]
          .filter((k) => k.startsWith(prefix))
          .sort()
          .map((k) => all.get(k) as Losses);
        records.push(assemble(key, value as Meta, chunks, all.get(`${key}${IMAGES}`) as Images | undefined));
      }
      return records;
    },

    /** One stored run (another tab's, when that tab is done), or undefined. */
    async load(id: string): Promise<RunRecord | undefined> {
      const parts = (await partsOf(id)).sort();
      const [stored, ...values] = await kv.getMany([id, ...parts]);
      if (!stored) return undefined;
      const chunks = values.filter((_, i) => parts[i].includes(LOSSES)) as Losses[];
      const images = values.find((_, i) => parts[i].endsWith(IMAGES)) as Images | undefined;
      return assemble(id, stored as Meta, chunks, images);
    },

    /** Writes what changed since the last save (see SaveMode). */
    save(r: RunRecord, mode: SaveMode = 'full'): Promise<void> {
      // One save at a time, in call order: each one's chunk numbers follow the last one's.
      const job = queue.then(() => write(r, mode));
      queue = job.catch(() => undefined);
      return job;
    },

    async remove(id: string): Promise<void> {
      written.delete(id);
      await queue;
      await kv.write([], [id, ...(await partsOf(id))]);
    },
  };
}
