import { afterEach, describe, expect, it } from 'vitest';
import { describeReport, selectBackend } from './select';

const nav = globalThis as { navigator?: unknown };
const original = Object.getOwnPropertyDescriptor(globalThis, 'navigator');

function fakeGpu(adapter: object | null) {
  Object.defineProperty(globalThis, 'navigator', { value: { gpu: { requestAdapter: async () => adapter } }, configurable: true });
}

afterEach(() => {
  if (original) Object.defineProperty(globalThis, 'navigator', original);
  else delete nav.navigator;
});

describe('selectBackend', () => {
  it('picks WASM when there is no WebGPU, and says why WebGPU was skipped', async () => {
    delete nav.navigator;
    const r = await selectBackend();
    expect(r.backend).toBe('wasm');
    expect(r.forced).toBe(false);
    expect(r.skipped[0]).toMatchObject({ backend: 'webgpu' });
    expect(r.skipped[0].reason).toMatch(/navigator\.gpu/);
    expect(describeReport(r)).toMatch(/^wasm on CPU through WebAssembly/);
  });

  it('skips a SwiftShader fallback adapter for WASM', async () => {
    fakeGpu({ info: { vendor: 'google', architecture: 'swiftshader', description: '', isFallbackAdapter: true } });
    const r = await selectBackend();
    expect(r.backend).toBe('wasm');
    expect(r.webgpuIsFallback).toBe(true);
    expect(r.webgpuAdapter).toMatch(/swiftshader/);
    expect(r.skipped[0].reason).toMatch(/software fallback/);
  });

  it('recognises SwiftShader by name even without the fallback flag', async () => {
    fakeGpu({ info: { vendor: 'google', description: 'SwiftShader Device (Subzero)' } });
    const r = await selectBackend();
    expect(r.webgpuIsFallback).toBe(true);
    expect(r.backend).toBe('wasm');
  });

  it('honours an override and marks it forced', async () => {
    const r = await selectBackend({ override: 'cpu' });
    expect(r).toMatchObject({ backend: 'cpu', forced: true });
  });

  it('reports an unknown override instead of throwing, then picks the default', async () => {
    delete nav.navigator;
    const r = await selectBackend({ override: 'tpu' });
    expect(r.backend).toBe('wasm');
    expect(r.skipped.some((s) => /unknown backend "tpu"/.test(s.reason))).toBe(true);
  });

  it('falls back past a forced backend that cannot start here', async () => {
    delete nav.navigator;
    const r = await selectBackend({ override: 'webgl' }); // Node has no WebGL
    expect(r.backend).toBe('wasm');
    expect(r.forced).toBe(false);
    expect(r.skipped.some((s) => s.backend === 'webgl')).toBe(true);
  });
});
