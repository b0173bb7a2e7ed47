import { describe, expect, it } from 'vitest';
import type { RunEvent } from '../core/run/events';
import { runStorage, type KeyValueStore } from './run-storage';
import { applyEvent, newRunRecord, thinLosses, type RunRecord } from './runs';

/** A Map as the key-value store, recording what each write put. */
function memoryStore(failNext = { value: false }) {
  const map = new Map<string, unknown>();
  const puts: string[][] = [];
  const kv: KeyValueStore = {
    entries: async () => [...map].map(([k, v]) => [k, structuredClone(v)]),
    getMany: async (keys) => keys.map((k) => structuredClone(map.get(k))),
    keys: async () => [...map.keys()],
    write: async (items, deletes) => {
      if (failNext.value) {
        failNext.value = false;
        throw new Error('QuotaExceededError');
      }
      deletes.forEach((k) => map.delete(k));
      items.forEach(([k, v]) => map.set(k, structuredClone(v)));
      puts.push(items.map(([k]) => k));
    },
  };
  return { kv, map, puts };
}

const step = (n: number, losses: Record<string, number>): RunEvent => ({
  type: 'step',
  record: { totalStep: n, studentStep: n, phase: 'distill', phaseStep: n - 1, losses, millis: 1 },
  totalSteps: 10,
  stepsPerSecond: 1,
  etaSeconds: 1,
  seconds: n,
  lr: 1e-3,
});
const img = { width: 1, height: 1, data: new Float32Array([0.1, 0.2, 0.3]) };
const withSteps = (r: RunRecord, from: number, to: number) => {
  for (let n = from; n <= to; n++) r = applyEvent(r, step(n, n > 3 ? { total: 1 / n, G: n } : { total: 1 / n }));
  return r;
};

describe('run storage', () => {
  it('writes each loss point once, images only when they change, and loads the record back', async () => {
    const { kv, map, puts } = memoryStore();
    const storage = runStorage(kv, thinLosses);
    let r = newRunRecord('a', 'test', { method: 'kd', steps: 10 }, 'quick');
    await storage.save(r);
    r = withSteps(r, 1, 4);
    await storage.save(r);
    r = { ...withSteps(r, 5, 6), samples: [{ weather: 'rain', input: img, target: img, restored: img }] };
    await storage.save(r);
    r = { ...withSteps(r, 7, 7), samples: [] };
    await storage.save(r, 'append'); // a save during the run: no images
    await storage.save(r);
    expect(puts).toEqual([
      ['a', 'a/images'],
      ['a', 'a/losses/000000'],
      ['a', 'a/losses/000001', 'a/images'],
      ['a', 'a/losses/000002'],
      ['a', 'a/images'],
    ]);
    expect((map.get('a/losses/000001') as RunRecord['losses']).step).toEqual([5, 6]);
    expect(map.get('a')).not.toHaveProperty('losses');
    expect(map.get('a')).not.toHaveProperty('samples');
    const [back] = await runStorage(kv, thinLosses).loadAll();
    expect(back).toEqual(r);
    expect(back.losses.series.G).toEqual([NaN, NaN, NaN, 4, 5, 6, 7]);
  });

  it('rewrites the curves as one chunk when they went back (a continued run) and when asked', async () => {
    const { kv, map } = memoryStore();
    const storage = runStorage(kv, thinLosses);
    let r = withSteps(newRunRecord('b', 'test', { method: 'kd', steps: 10 }, 'quick'), 1, 3);
    await storage.save(r);
    await storage.save(withSteps(r, 4, 6));
    r = withSteps(r, 4, 4); // rewound to step 3, then one step on
    await storage.save(r);
    expect([...map.keys()].filter((k) => k.includes('/losses/'))).toEqual(['b/losses/000000']);
    expect((await storage.load('b'))!.losses).toEqual(r.losses);
    await storage.save(withSteps(r, 5, 5));
    await storage.save(withSteps(r, 5, 6), 'compact');
    expect([...map.keys()].filter((k) => k.includes('/losses/'))).toEqual(['b/losses/000000']);
  });

  it('loads a record saved whole by an older version and writes it in parts on its next save', async () => {
    const { kv, map } = memoryStore();
    const old = { ...withSteps(newRunRecord('c', 'old', { method: 'kd', steps: 10 }, 'quick'), 1, 2), teacherSamples: [] };
    map.set('c', structuredClone(old));
    const storage = runStorage(kv, thinLosses);
    const [loaded] = await storage.loadAll();
    expect(loaded).toEqual(old);
    await storage.save(loaded);
    expect(map.get('c')).not.toHaveProperty('losses');
    expect(await runStorage(kv, thinLosses).load('c')).toEqual(old);
  });

  it('after a failed write, the next save writes everything; removing deletes every part', async () => {
    const failNext = { value: false };
    const { kv, map } = memoryStore(failNext);
    const storage = runStorage(kv, thinLosses);
    let r = withSteps(newRunRecord('d', 'test', { method: 'kd', steps: 10 }, 'quick'), 1, 2);
    await storage.save(r);
    failNext.value = true;
    r = withSteps(r, 3, 4);
    await expect(storage.save(r)).rejects.toThrow(/Quota/);
    r = withSteps(r, 5, 5);
    await storage.save(r);
    expect((await storage.load('d'))!.losses).toEqual(r.losses);
    await storage.remove('d');
    expect(map.size).toBe(0);
  });

  it('thins a long curve to at most 1500 points, keeping its first and its shape', () => {
    const n = 6001;
    const thinned = thinLosses({ step: Array.from({ length: n }, (_, i) => i), series: { total: Array.from({ length: n }, (_, i) => 1 - i) } });
    expect(thinned.step.length).toBeLessThanOrEqual(1500);
    expect(thinned.step.slice(0, 2)).toEqual([0, 8]);
    expect(thinned.series.total.slice(0, 2)).toEqual([1, -7]);
  });
});
