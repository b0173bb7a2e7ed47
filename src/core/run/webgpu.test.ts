// The training loop on tfjs's WebGPU backend, in Node through Dawn (the `webgpu` package): a step
// frees its GPU buffers as well as its tensors. Without a GPU, Dawn runs on Chromium's SwiftShader
// Vulkan driver (vitest.config.ts points the Vulkan loader at it), which is slow (about 20 s for 12
// KD steps here): two methods stand for the two kinds of step, KD on pairs and DFL's alternating
// generator and student steps; loop.test.ts checks every method on WASM.

import './test-dawn';
import { beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../tf';
import { expectFlatMemory, machineryTeachers, type Teachers } from './test-runs';

let teachers: Teachers;

beforeAll(async () => {
  expect(await tf.setBackend('webgpu'), 'Dawn found no WebGPU adapter (see vitest.config.ts)').toBe(true);
  expect(tf.memory()).toHaveProperty('numBytesInGPU');
  teachers = machineryTeachers();
});

describe('memory on WebGPU', () => {
  it.each(['kd', 'dfl'])('%s: tensors and GPU bytes stay flat over many steps and everything is freed', (method) => expectFlatMemory(teachers, method, 12));
});
