// Checkpoints of a distillation run (docs/architecture.md, "Resumable runs"): everything the loop
// needs to continue a run so that it ends exactly as an uninterrupted run of the same seed would.
// Training batches are pure functions of (seed, stream, index), so the data stream's position is
// the step counters; the rest is the student's weights, the method's own state (optimizers, extra
// models, banks) and the history. Plain data with Float32Arrays inside: IndexedDB stores it as it
// is, and packCheckpoint makes it one file for the command line.

import { tf } from '../tf';
import type { MethodPhase, TeacherRole } from '../methods/method';
import type { RunConfig } from './config';
import type { EvalRecord, StepRecord } from './events';

export const CHECKPOINT_FORMAT = 1;

/** A tensor's values, for a checkpoint. */
export interface TensorData {
  shape: number[];
  data: Float32Array;
}

/** What a method keeps between steps, as plain data (Float32Arrays allowed anywhere inside). */
export type MethodState = { [key: string]: unknown };

export interface RunCheckpoint {
  format: typeof CHECKPOINT_FORMAT;
  method: string;
  /** The resolved configuration: a resumed run uses exactly this. */
  config: RunConfig;
  /** Where each frozen model came from, as the caller named it (a shipped model's id, a folder): a continued run loads the same. */
  teachers: Partial<Record<TeacherRole, string>>;
  /** Where the user's training pairs came from (a folder), when the run trains on them: a continued run reads the same. */
  trainPairs?: string;
  /** The phases as this run planned them (a method may have shortened one at init, e.g. a model found in its cache). */
  phases: MethodPhase[];
  /** The next step to run: its phase, its index within the phase, and the counters before it. */
  position: { phaseIndex: number; phaseStep: number; totalStep: number; studentStep: number };
  /** Run time so far, pauses excluded. */
  seconds: number;
  history: { steps: StepRecord[]; evals: EvalRecord[] };
  /** The student's weights, in the order of its model's weights. */
  student: TensorData[];
  methodState: MethodState;
  /** When it was taken (ms since the epoch), for the page's "continue from" line. */
  savedAt: number;
}

export class CheckpointError extends Error {
  override name = 'CheckpointError';
}

/** Reads variables back (for a checkpoint). */
export async function readVariables(variables: readonly tf.Variable[]): Promise<TensorData[]> {
  return Promise.all(variables.map(async (v) => ({ shape: [...v.shape], data: (await v.data()) as Float32Array })));
}

/** Writes values saved by readVariables into the same variables; `what` names them in errors. */
export function writeVariables(variables: readonly tf.Variable[], saved: readonly TensorData[], what: string): void {
  if (!Array.isArray(saved) || saved.length !== variables.length) {
    throw new CheckpointError(`the checkpoint's ${what} holds ${Array.isArray(saved) ? saved.length : 'no'} tensors, the model has ${variables.length}`);
  }
  variables.forEach((v, i) => {
    const s = saved[i];
    if (!(s?.data instanceof Float32Array) || s.shape.join(',') !== v.shape.join(',') || s.data.length !== v.size) {
      throw new CheckpointError(`the checkpoint's ${what}: tensor ${i} is [${s?.shape?.join(', ')}], the model's "${v.name}" is [${v.shape.join(', ')}]`);
    }
  });
  tf.tidy(() => variables.forEach((v, i) => v.assign(tf.tensor(saved[i].data, v.shape, 'float32'))));
}

// ---------------------------------------------------------------------------------------------
// One file: a line of JSON, with every Float32Array replaced by {"$f32": [offset, length]}, then the
// float32 values of all of them. One file, so that replacing it (write, then rename) is atomic.
// ---------------------------------------------------------------------------------------------

const F32 = '$f32';
const NEWLINE = 10;

export function packCheckpoint(checkpoint: RunCheckpoint): Uint8Array {
  const arrays: Float32Array[] = [];
  let offset = 0;
  const json = JSON.stringify(checkpoint, (_key, value: unknown) => {
    if (!(value instanceof Float32Array)) return value;
    arrays.push(value);
    const ref = { [F32]: [offset, value.length] };
    offset += value.length;
    return ref;
  });
  const head = new TextEncoder().encode(`${json}\n`);
  const out = new Uint8Array(head.length + offset * 4);
  out.set(head);
  const values = new Float32Array(offset);
  let at = 0;
  for (const a of arrays) {
    values.set(a, at);
    at += a.length;
  }
  out.set(new Uint8Array(values.buffer), head.length);
  return out;
}

/** Inverse of packCheckpoint; throws CheckpointError on anything that is not a checkpoint of this format. */
export function unpackCheckpoint(bytes: Uint8Array): RunCheckpoint {
  const end = bytes.indexOf(NEWLINE);
  if (end < 0 || (bytes.length - end - 1) % 4 !== 0) throw new CheckpointError('the file is not a checkpoint (no JSON line followed by float32 values)');
  // Copied: the values need not start 4-aligned in the file.
  const all = new Float32Array(bytes.slice(end + 1).buffer);
  let parsed: unknown;
  try {
    parsed = JSON.parse(new TextDecoder().decode(bytes.subarray(0, end)), (_key, value: unknown) => {
      if (value && typeof value === 'object' && F32 in value) {
        const [start, length] = (value as Record<string, [number, number]>)[F32];
        if (!Number.isInteger(start) || !Number.isInteger(length) || start < 0 || start + length > all.length) {
          throw new CheckpointError(`the checkpoint refers to values ${start}..${start + length} of ${all.length}`);
        }
        return all.slice(start, start + length);
      }
      return value;
    });
  } catch (e) {
    if (e instanceof CheckpointError) throw e;
    throw new CheckpointError(`the checkpoint is not valid JSON: ${(e as Error).message}`);
  }
  return checkCheckpoint(parsed);
}

/** The shape checks a stored checkpoint gets before a run trusts it. */
export function checkCheckpoint(value: unknown): RunCheckpoint {
  const c = value as Partial<RunCheckpoint> | null;
  if (!c || typeof c !== 'object') throw new CheckpointError('the checkpoint is not an object');
  if (c.format !== CHECKPOINT_FORMAT)
    throw new CheckpointError(`checkpoint format ${String(c.format)} is not ${CHECKPOINT_FORMAT}, the one this version reads`);
  const p = c.position;
  const counters = p && [p.phaseIndex, p.phaseStep, p.totalStep, p.studentStep];
  if (typeof c.method !== 'string' || !c.config || !Array.isArray(c.phases) || !counters || !counters.every((n) => Number.isInteger(n) && n >= 0)) {
    throw new CheckpointError('the checkpoint lacks its method, configuration, phases or position');
  }
  if (p!.phaseIndex >= c.phases.length) throw new CheckpointError(`the checkpoint is at phase ${p!.phaseIndex + 1} of a run with ${c.phases.length}`);
  if (!c.history || !Array.isArray(c.history.steps) || !Array.isArray(c.history.evals) || !Array.isArray(c.student) || !c.methodState) {
    throw new CheckpointError('the checkpoint lacks its history, student or method state');
  }
  return c as RunCheckpoint;
}

/** A method state's field, or a CheckpointError naming it when it is missing. */
export function stateField<T>(state: MethodState, key: string): T {
  if (!(key in state) || state[key] === undefined) throw new CheckpointError(`the checkpoint's method state lacks "${key}"`);
  return state[key] as T;
}
