// Times a 3x3 32->32 conv layer (batch 8, 64x64, NHWC) forward, input gradient and filter
// gradient on the WASM and CPU backends, through the kernels the training tape calls, and prints
// JSON: median ms and GFLOP/s per pass; on WASM also the filter gradient as im2col and one GEMM, the
// alternative we measured and did not take (docs/performance.md#the-filter-gradient).
//   npx tsx scripts/bench-conv-grad.ts [--reps N] [--no-cpu]
// The CPU backend's filter gradient takes about a minute per pass here, so it runs once, cold.
import { tf } from '../src/core/tf';
import { shippedWasmKernel } from '../src/core/backend/wasm-gradients';

const N = 8;
const H = 64;
const W = 64;
const C = 32;
const CO = 32;
const K = 3;
const repsArg = process.argv.indexOf('--reps');
const REPS = repsArg > 0 ? Number(process.argv[repsArg + 1]) : 7;
const WITH_CPU = !process.argv.includes('--no-cpu');

type T4 = tf.Tensor4D;
type Attrs = Record<string, unknown>;

type Output = tf.Tensor | tf.TensorInfo;

/** Median wall time of f over reps runs, after one warm-up when reps > 1 (wasm and cpu kernels are synchronous). */
function median(f: () => Output, reps: number): number {
  const backend = tf.backend();
  const once = () => {
    const t0 = performance.now();
    const out = f();
    const ms = performance.now() - t0;
    // Tensors from runKernel go through the engine; raw kernel outputs straight to the backend.
    if ('dispose' in out) out.dispose();
    else backend.disposeData(out.dataId);
    return ms;
  };
  if (reps > 1) once();
  const times = Array.from({ length: reps }, once).sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}

function run(kernel: string, inputs: Record<string, tf.Tensor>, attrs: Attrs): tf.Tensor {
  return tf.engine().runKernel(kernel, inputs, attrs as never) as tf.Tensor;
}

async function bench(backendName: string, stride: number, reps: number, filterGradReps = reps) {
  await tf.setBackend(backendName);
  await tf.ready();
  const oh = Math.ceil(H / stride);
  const ow = Math.ceil(W / stride);
  const x = tf.randomNormal([N, H, W, C]) as T4;
  const w = tf.randomNormal([K, K, C, CO]) as T4;
  const dy = tf.randomNormal([N, oh, ow, CO]) as T4;
  const conv = { strides: [stride, stride], pad: 'same', dataFormat: 'NHWC' };
  const gflop = (2 * N * oh * ow * K * K * C * CO) / 1e9;
  const timed = (f: () => Output, n = reps) => {
    const ms = median(f, n);
    return { ms: Number(ms.toFixed(2)), gflops: Number((gflop / (ms / 1000)).toFixed(2)) };
  };
  const forward = timed(() => run('Conv2D', { x, filter: w }, { ...conv, dilations: [1, 1] }));
  const inputGrad = timed(() => run('Conv2DBackpropInput', { dy, filter: w }, { ...conv, inputShape: x.shape }));
  const filterGrad = timed(() => run('Conv2DBackpropFilter', { x, dy }, { ...conv, filterShape: w.shape }), filterGradReps);
  const result: Record<string, unknown> = {
    backend: backendName,
    stride,
    gflopPerPass: Number(gflop.toFixed(3)),
    forward,
    inputGrad,
    filterGrad,
    // One training step of the layer: forward, then both gradients.
    stepMs: Number((forward.ms + inputGrad.ms + filterGrad.ms).toFixed(2)),
  };
  const old = backendName === 'wasm' ? shippedWasmKernel('Conv2DBackpropInput') : undefined;
  if (old) {
    // The kernel this project replaces, for comparison (its setup never ran: the backend never saw it).
    const backend = tf.backend();
    old.setupFunc?.(backend);
    const inputs = { dy, filter: w };
    const attrs = { ...conv, inputShape: x.shape };
    result.shippedInputGrad = timed(() => old.kernelFunc({ inputs, backend, attrs: attrs as never }) as tf.TensorInfo);
  }
  if (backendName === 'wasm' && stride === 1) result.im2col = im2colParts(x, dy, timed);
  tf.dispose([x, w, dy]);
  return result;
}

type Timed = (f: () => Output, n?: number) => { ms: number; gflops: number };

/**
 * The filter gradient the other way (docs/performance.md#the-filter-gradient): im2col, then one GEMM,
 * dW [9C, CO] = xcol^T [9C, P] . dy [P, CO]. Its two parts timed apart, the product on fresh operands as in
 * a training step (the kernels cache per operand).
 */
function im2colParts(x: T4, dy: T4, timed: Timed) {
  const p = N * H * W;
  const patches = () => {
    const padded = tf.pad(tf.transpose(x, [3, 0, 1, 2]), [
      [0, 0],
      [0, 0],
      [1, 1],
      [1, 1],
    ]);
    const taps = [];
    for (let i = 0; i < K; i++) for (let j = 0; j < K; j++) taps.push(tf.slice(padded, [0, 0, i, j], [C, N, H, W]).reshape([C, p]));
    return tf.concat(taps, 0);
  };
  const xcolT = tf.tidy(patches);
  const fresh = (t: tf.Tensor) => tf.mul(t, 1);
  const result = {
    patches: timed(() => tf.tidy(patches)),
    gemm: timed(() => tf.tidy(() => tf.matMul(fresh(xcolT), fresh(dy).reshape([p, CO])))),
  };
  xcolT.dispose();
  return result;
}

const results = [];
for (const stride of [1, 2]) {
  results.push(await bench('wasm', stride, REPS));
  // The CPU backend takes seconds per pass (its filter gradient a minute): fewer repetitions.
  if (WITH_CPU) results.push(await bench('cpu', stride, Math.min(REPS, 3), 1));
}
console.log(
  JSON.stringify(
    {
      layer: `conv ${K}x${K} ${C}->${CO}, batch ${N}, ${H}x${W}, pad same`,
      reps: { wasm: REPS, cpu: Math.min(REPS, 3), cpuFilterGrad: 1 },
      results,
    },
    null,
    2,
  ),
);
