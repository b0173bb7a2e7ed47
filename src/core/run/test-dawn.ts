// Test helper: WebGPU in Node through Dawn (the `webgpu` package). Imported before tfjs, because the
// WebGPU backend registers itself only when `navigator.gpu` exists as it loads.
import { create, globals } from 'webgpu';

Object.assign(globalThis, globals);
Object.defineProperty(globalThis, 'navigator', { value: { gpu: create([]) }, configurable: true });
