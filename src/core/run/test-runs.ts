// Test helper: tiny run settings and the memory check every method must pass, shared by the
// training loop's tests on WASM (loop.test.ts) and on WebGPU (webgpu.test.ts).

import { expect } from 'vitest';
import { tf } from '../tf';
import { createRestorer } from '../models/restorer';
import type { MethodDefinition } from '../methods/method';
import { METHODS } from '../methods/registry';
import { resolveRunConfig, type RunConfigInput } from './config';
import type { RunEvent, RunResult } from './events';
import { packCheckpoint } from './checkpoint';
import { runDistillation, type RunOptions } from './loop';

const TINY: RunConfigInput = {
  student: 'student-5',
  batch: 2,
  patch: 16,
  weathers: ['haze', 'rain'],
  // A small finite set: the methods that draw pairs draw from it, and TripleD condenses it.
  trainSet: 24,
  evalEvery: 10,
  previewEvery: 4,
  previewCount: 2,
  evalSet: { count: 1, size: 16, weathers: ['haze', 'rain'] },
};

export function tinyConfig(method: string, steps: number, extra: RunConfigInput = {}, more: readonly MethodDefinition[] = []) {
  return resolveRunConfig({ ...TINY, method, steps, ...extra }, [...METHODS, ...more], 'quick');
}

/** Options that keep a method's extra phases short; every registered method is tested, listed or not. */
export const SHORT: Readonly<Record<string, Record<string, number>>> = {
  dfl: { generatorWarmup: 3, studentStepsPerGenerator: 2 },
  d4ir: { adapterSteps: 6, diffusionSteps: 6, bankSize: 6, samplerSteps: 4 },
  tripled: { scorerSteps: 4, adjustSteps: 4, keep: 0.25 },
};

export type Teachers = NonNullable<RunOptions['teachers']>;

/** Untrained teachers, but not the identity (the output conv is not zeroed): the machinery is what is tested. */
export function machineryTeachers(): Teachers {
  return {
    restorer: createRestorer({ ...createRestorer('student-10').config, zeroInitOutput: false }, { seed: 5 }),
    autoencoder: createRestorer('autoencoder', { seed: 6 }),
  };
}

/** A run that records its events; `options.teachers`, when given, replaces `teachers`. */
export async function runWith(teachers: Teachers, options: RunOptions): Promise<{ result: RunResult; events: RunEvent[] }> {
  const events: RunEvent[] = [];
  const result = await runDistillation({
    teachers,
    ...options,
    onEvent: (e) => {
      events.push(e);
      options.onEvent?.(e);
    },
  });
  return { result, events };
}

/**
 * A run of `steps` steps with a checkpoint at every step (saving must not leak either): within each
 * phase, the tensors and their bytes are the same after every step, and on a GPU backend the bytes in
 * GPU buffers do not grow (they may alternate: a value can sit on the CPU after one kind of step and
 * in a buffer after another, as DFL's generator and student steps do); at the end only the returned
 * student remains, and disposing it frees everything. Also: the method reports only the losses it declares.
 */
export async function expectFlatMemory(teachers: Teachers, method: string, steps: number): Promise<void> {
  const before = tf.memory().numTensors;
  const seen = new Map<string, Set<string>>();
  const gpuBytes = new Map<string, number[]>();
  let saved = 0;
  const { result } = await runWith(teachers, {
    config: tinyConfig(method, steps, { methodOptions: SHORT[method] ?? {} }),
    checkpoints: { everySeconds: 0, save: async (cp) => void (saved += packCheckpoint(cp).length > 0 ? 1 : 0) },
    onEvent: (e) => {
      // The first student step fills the preview slot.
      if (e.type !== 'step' || e.record.studentStep === 1) return;
      const phase = e.record.phase;
      const m = tf.memory() as tf.MemoryInfo & { numBytesInGPU?: number };
      if (!seen.has(phase)) seen.set(phase, new Set());
      seen.get(phase)!.add(`${m.numTensors} tensors, ${m.numBytes} bytes`);
      if (m.numBytesInGPU !== undefined) gpuBytes.set(phase, [...(gpuBytes.get(phase) ?? []), m.numBytesInGPU]);
    },
  });
  expect(result.status, result.error?.message).toBe('completed');
  expect(saved).toBe(result.totalSteps);
  const declared = new Set(METHODS.find((m) => m.id === method)!.losses.flatMap((g) => Object.keys(g.terms)));
  const reported = new Set(result.history.steps.flatMap((s) => Object.keys(s.losses)));
  expect([...reported].filter((name) => !declared.has(name))).toEqual([]);
  for (const [phase, states] of seen) expect([phase, states.size], [...states].join(' -> ')).toEqual([phase, 1]);
  for (const [phase, bytes] of gpuBytes) {
    const half = Math.ceil(bytes.length / 2);
    const [early, late] = [Math.max(...bytes.slice(0, half)), Math.max(...bytes.slice(half))];
    expect(late, `${phase}: GPU bytes after each step: ${bytes.join(', ')}`).toBeLessThanOrEqual(early);
  }
  const studentTensors = result.studentModel.model.weights.length;
  expect(tf.memory().numTensors).toBe(before + studentTensors);
  result.studentModel.dispose();
  expect(tf.memory().numTensors).toBe(before);
}
