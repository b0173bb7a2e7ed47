// Training kernels for the tfjs WASM backend (tfjs 4.22).
//
// The WASM backend ships a fast XNNPACK forward convolution but cannot train conv nets: it has no
// Conv2DBackpropFilter and no depthwise backprop kernels, its Conv2DBackpropInput is a naive loop
// (about 10x slower than the forward conv), and its MaxPoolGrad (like MaxPoolWithArgmax) starts
// the running maximum at FLT_MIN, so windows whose maximum is <= 0 send their gradient to the
// wrong place. This module registers replacements. The convolution gradients are built from the
// backend's own kernels (Conv2D, DepthwiseConv2dNative, Transpose, Reverse, StridedSlice, Concat,
// Fill, Slice, Sum), called directly as kernel functions so that no op, tape entry or tensor is
// created while a kernel runs. MaxPoolGrad and the depthwise filter gradient are plain loops over
// the wasm heap, where no shipped kernel is right or fast.
//
// Import for its side effect; src/core/tf.ts does that, so every user of `tf` gets it.
import {
  backend_util,
  getKernel,
  registerKernel,
  unregisterKernel,
  util,
  type KernelConfig,
  type KernelFunc,
  type NamedAttrMap,
  type NamedTensorInfoMap,
  type TensorInfo,
} from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';

const WASM = 'wasm';

type Pads = { top: number; bottom: number; left: number; right: number };
type Pad = 'valid' | 'same' | number | backend_util.ExplicitPadding;
type RoundingMode = 'floor' | 'round' | 'ceil' | undefined;
type Pair = [number, number] | number;

/** What the engine passes a kernel, with the named inputs it is registered for. */
interface KernelArgs<I extends string> {
  inputs: Record<I, TensorInfo>;
  backend: BackendWasm;
  attrs: NamedAttrMap;
}

/**
 * Runs the backend's own kernels and frees every intermediate it made, even when one throws.
 * Reshapes are free views (same dataId, new shape) and are not tracked.
 */
class KernelScope {
  private readonly temps: TensorInfo[] = [];

  constructor(readonly backend: BackendWasm) {}

  run(kernelName: string, inputs: NamedTensorInfoMap, attrs: NamedAttrMap = {}): TensorInfo {
    // Looked up per call, not at import: the forward kernels belong to the wasm package, which
    // may register after this module in some bundle orders.
    const kernel = getKernel(kernelName, WASM);
    if (!kernel) throw new Error(`wasm-gradients: the wasm backend has no ${kernelName} kernel`);
    const out = kernel.kernelFunc({ inputs, backend: this.backend, attrs }) as TensorInfo;
    this.temps.push(out);
    return out;
  }

  /**
   * Takes the result out of the scope so that dispose() leaves it alive. Only the newest entry
   * with its dataId: a no-op Transpose returns its input's dataId with one more reference, and
   * that older reference must still be released.
   */
  keep(t: TensorInfo): TensorInfo {
    for (let i = this.temps.length - 1; i >= 0; i--) {
      if (this.temps[i].dataId === t.dataId) {
        this.temps.splice(i, 1);
        break;
      }
    }
    return t;
  }

  dispose(): void {
    for (const t of this.temps) this.backend.disposeData(t.dataId);
    this.temps.length = 0;
  }
}

function withScope(backend: BackendWasm, body: (s: KernelScope) => TensorInfo): TensorInfo {
  const scope = new KernelScope(backend);
  try {
    return scope.keep(body(scope));
  } finally {
    scope.dispose();
  }
}

/** A reshape that costs nothing: wasm tensors are flat buffers, only the shape changes. */
function view(t: TensorInfo, shape: number[]): TensorInfo {
  if (util.sizeFromShape(shape) !== util.sizeFromShape(t.shape)) {
    throw new Error(`wasm-gradients: cannot view [${t.shape}] as [${shape}]`);
  }
  return { dataId: t.dataId, shape, dtype: t.dtype };
}

function transpose(s: KernelScope, x: TensorInfo, perm: number[]): TensorInfo {
  return s.run('Transpose', { x }, { perm });
}

/**
 * A stride-1 (possibly dilated) Conv2D or DepthwiseConv2dNative with explicit padding that may be
 * negative on any side. XNNPACK only pads, so a negative pad becomes a crop of the output, which
 * is the same thing for a stride-1 convolution.
 */
function convWithPads(
  s: KernelScope,
  kernelName: 'Conv2D' | 'DepthwiseConv2dNative',
  x: TensorInfo,
  filter: TensorInfo,
  dilations: [number, number],
  pads: Pads,
): TensorInfo {
  const pos = (p: number) => Math.max(p, 0);
  const pad: backend_util.ExplicitPadding = [
    [0, 0],
    [pos(pads.top), pos(pads.bottom)],
    [pos(pads.left), pos(pads.right)],
    [0, 0],
  ];
  const attrs: NamedAttrMap = { strides: [1, 1], dilations, pad, dataFormat: 'NHWC' };
  const out = s.run(kernelName, { x, filter }, attrs);
  const cropTop = pos(-pads.top);
  const cropBottom = pos(-pads.bottom);
  const cropLeft = pos(-pads.left);
  const cropRight = pos(-pads.right);
  if (cropTop + cropBottom + cropLeft + cropRight === 0) return out;
  const [n, h, w, c] = out.shape;
  return s.run('Slice', { x: out }, { begin: [0, cropTop, cropLeft, 0], size: [n, h - cropTop - cropBottom, w - cropLeft - cropRight, c] });
}

function assertNHWC(kernelName: string, dataFormat: unknown): void {
  if (dataFormat != null && dataFormat !== 'NHWC' && dataFormat !== 'channelsLast') {
    throw new Error(`wasm-gradients: ${kernelName} supports NHWC only, got ${String(dataFormat)}`);
  }
}

function assertNoDilation(kernelName: string, dilations: Pair | undefined): void {
  if (dilations != null && !backend_util.tupleValuesAreOne(dilations)) {
    throw new Error(`wasm-gradients: ${kernelName} supports dilation 1 only, got ${String(dilations)}`);
  }
}

/**
 * One output phase of an input gradient along one axis: the rows i = stride*q + rho of dx.
 * dx[stride*q + rho] = sum over t of dy[q + e - t] * w[r + stride*t] with e = (rho + pad) div
 * stride and r = (rho + pad) mod stride: a stride-1 conv of dy with every stride-th tap of the
 * flipped filter (from `start`, `taps` of them), with pads that may be negative.
 */
interface Phase {
  start: number;
  taps: number;
  before: number;
  after: number;
}

/** The stride phases of one axis; each gives exactly `q` = ceil(inSize / stride) rows. */
function axisPhases(k: number, stride: number, pad: number, dySize: number, q: number): Phase[] {
  const phases: Phase[] = [];
  for (let rho = 0; rho < stride; rho++) {
    const e = Math.floor((rho + pad) / stride);
    const r = (rho + pad) % stride;
    const taps = Math.max(0, Math.ceil((k - r) / stride));
    const before = taps - 1 - e;
    phases.push({ start: k - 1 - r - stride * (taps - 1), taps, before, after: q + taps - 1 - dySize - before });
  }
  return phases;
}

/**
 * dx of a (depthwise) conv from dy and the filter already flipped in space (and, for Conv2D,
 * with in/out channels swapped). Stride 1 is a single 'full' conv. A stride s is split into s*s
 * phase convs on the small dy grid, interleaved by two Concats: the same FLOPs as the forward
 * pass, where convolving a zero-dilated dy would cost s*s times more (4x for stride 2).
 */
function inputGradByPhases(
  s: KernelScope,
  kernelName: 'Conv2D' | 'DepthwiseConv2dNative',
  dy: TensorInfo,
  flipped: TensorInfo,
  info: backend_util.Conv2DInfo,
): TensorInfo {
  const { strideHeight: sh, strideWidth: sw, filterHeight: kh, filterWidth: kw, inHeight, inWidth } = info;
  const n = dy.shape[0];
  const [, , f2, f3] = flipped.shape;
  const channels = kernelName === 'Conv2D' ? f3 : f2 * f3;
  const qh = Math.ceil(inHeight / sh);
  const qw = Math.ceil(inWidth / sw);
  const rowPhases = axisPhases(kh, sh, info.padInfo.top, info.outHeight, qh);
  const colPhases = axisPhases(kw, sw, info.padInfo.left, info.outWidth, qw);
  const rows: TensorInfo[] = [];
  for (const ph of rowPhases) {
    const cols: TensorInfo[] = [];
    for (const pw of colPhases) {
      if (ph.taps === 0 || pw.taps === 0) {
        // A kernel smaller than the stride never touches this phase (e.g. 1x1, stride 2).
        cols.push(s.run('Fill', {}, { shape: [n, qh, qw, channels], value: 0, dtype: 'float32' }));
        continue;
      }
      const sub =
        ph.taps === kh && pw.taps === kw
          ? flipped
          : s.run(
              'StridedSlice',
              { x: flipped },
              {
                begin: [ph.start, pw.start, 0, 0],
                end: [ph.start + (ph.taps - 1) * sh + 1, pw.start + (pw.taps - 1) * sw + 1, f2, f3],
                strides: [sh, sw, 1, 1],
                beginMask: 0,
                endMask: 0,
                ellipsisMask: 0,
                newAxisMask: 0,
                shrinkAxisMask: 0,
              },
            );
      const pads = { top: ph.before, bottom: ph.after, left: pw.before, right: pw.after };
      cols.push(convWithPads(s, kernelName, dy, sub, [1, 1], pads));
    }
    // [N,qh,qw,C] phases side by side on the channel axis are [N,qh,qw*sw,C] with columns interleaved.
    rows.push(cols.length === 1 ? cols[0] : view(concat(s, cols, 3), [n, qh, qw * sw, channels]));
  }
  const full = rows.length === 1 ? rows[0] : view(concat(s, rows, 2), [n, qh * sh, qw * sw, channels]);
  if (qh * sh === inHeight && qw * sw === inWidth) return full;
  return s.run('Slice', { x: full }, { begin: [0, 0, 0, 0], size: [n, inHeight, inWidth, channels] });
}

function concat(s: KernelScope, xs: TensorInfo[], axis: number): TensorInfo {
  // Concat is the one kernel whose inputs are a list rather than named tensors.
  return s.run('Concat', xs as unknown as NamedTensorInfoMap, { axis });
}

/**
 * Pads for the filter gradient, seen as a conv of x (batch and channels swapped) with dy as the
 * filter, dilated by the stride: output row ki sums x rows ki - top + sh*y, and there must be
 * exactly kh of them. A negative bottom/right means rows of x no window reads (valid padding).
 */
function filterGradPads(info: backend_util.Conv2DInfo): Pads {
  const { top, left } = info.padInfo;
  return {
    top,
    left,
    bottom: info.filterHeight + (info.outHeight - 1) * info.strideHeight - info.inHeight - top,
    right: info.filterWidth + (info.outWidth - 1) * info.strideWidth - info.inWidth - left,
  };
}

interface Conv2DBackpropInputAttrs {
  strides: Pair;
  pad: Pad;
  dataFormat: 'NHWC' | 'NCHW';
  dimRoundingMode?: RoundingMode;
  inputShape: [number, number, number, number];
}

/** dx = conv2d(dy, filter flipped in space with in/out channels swapped), by stride phases. */
function conv2DBackpropInput(args: KernelArgs<'dy' | 'filter'>): TensorInfo {
  const { dy, filter } = args.inputs;
  const attrs = args.attrs as unknown as Conv2DBackpropInputAttrs;
  assertNHWC('Conv2DBackpropInput', attrs.dataFormat);
  const info = backend_util.computeConv2DInfo(
    attrs.inputShape,
    filter.shape as [number, number, number, number],
    attrs.strides,
    1,
    attrs.pad,
    attrs.dimRoundingMode,
  );
  return withScope(args.backend, (s) => {
    const flipped = s.run('Reverse', { x: filter }, { dims: [0, 1] });
    const wT = transpose(s, flipped, [0, 1, 3, 2]); // [kh, kw, CO, C]
    return inputGradByPhases(s, 'Conv2D', dy, wT, info);
  });
}

interface Conv2DBackpropFilterAttrs {
  strides: Pair;
  pad: Pad;
  dataFormat: 'NHWC' | 'NCHW';
  dimRoundingMode?: RoundingMode;
  filterShape: [number, number, number, number];
}

/**
 * dW[ki,kj,c,co] = sum over n,y,x of x[n, sh*y+ki-top, sw*x+kj-left, c] * dy[n,y,x,co]: a conv
 * whose batch is the input channels (x as [C,H,W,N]) and whose filter is dy as [oh,ow,N,CO],
 * dilated by the stride; its [C,kh,kw,CO] result is transposed to [kh,kw,C,CO].
 */
function conv2DBackpropFilter(args: KernelArgs<'x' | 'dy'>): TensorInfo {
  const { x, dy } = args.inputs;
  const attrs = args.attrs as unknown as Conv2DBackpropFilterAttrs;
  assertNHWC('Conv2DBackpropFilter', attrs.dataFormat);
  const info = backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number],
    attrs.filterShape,
    attrs.strides,
    1,
    attrs.pad,
    attrs.dimRoundingMode,
  );
  return withScope(args.backend, (s) => {
    const xT = transpose(s, x, [3, 1, 2, 0]); // [C, H, W, N]
    const dyT = transpose(s, dy, [1, 2, 0, 3]); // [oh, ow, N, CO]
    const dilations: [number, number] = [info.strideHeight, info.strideWidth];
    const out = convWithPads(s, 'Conv2D', xT, dyT, dilations, filterGradPads(info)); // [C, kh, kw, CO]
    return transpose(s, out, [1, 2, 0, 3]);
  });
}

interface DepthwiseBackpropInputAttrs {
  strides: Pair;
  dilations: Pair;
  pad: Pad;
  dimRoundingMode?: RoundingMode;
  inputShape: [number, number, number, number];
}

/**
 * Depthwise dx: each of the C*m channels of dy convolved with its own flipped filter (a
 * multiplier-1 depthwise conv, by stride phases), then the m channels of one input channel summed.
 */
function depthwiseBackpropInput(args: KernelArgs<'dy' | 'filter'>): TensorInfo {
  const { dy, filter } = args.inputs;
  const attrs = args.attrs as unknown as DepthwiseBackpropInputAttrs;
  assertNoDilation('DepthwiseConv2dNativeBackpropInput', attrs.dilations);
  const [kh, kw, c, m] = filter.shape;
  const info = backend_util.computeConv2DInfo(
    attrs.inputShape,
    filter.shape as [number, number, number, number],
    attrs.strides,
    1,
    attrs.pad,
    attrs.dimRoundingMode,
    true,
  );
  return withScope(args.backend, (s) => {
    const flipped = view(s.run('Reverse', { x: filter }, { dims: [0, 1] }), [kh, kw, c * m, 1]);
    const out = inputGradByPhases(s, 'DepthwiseConv2dNative', dy, flipped, info); // [N, H, W, C*m]
    if (m === 1) return out;
    const [n, h, w] = out.shape;
    return s.run('Sum', { x: view(out, [n, h, w, c, m]) }, { axis: [4], keepDims: false });
  });
}

interface DepthwiseBackpropFilterAttrs {
  strides: Pair;
  dilations: Pair;
  pad: Pad;
  dimRoundingMode?: RoundingMode;
  filterShape: [number, number, number, number];
}

/**
 * Depthwise dW[ki,kj,c,q] = sum over n,y,x of x[n, sh*y+ki-top, sw*x+kj-left, c] * dy[n,y,x,c*m+q].
 * A plain loop over the wasm heap. As a convolution (the batch-as-channels trick) its kernel is
 * the size of dy, which XNNPACK runs as thousands of tiny GEMMs: for a batch of 8 64x64x32 maps,
 * 66 ms with multiplier 1 and 318 ms with multiplier 2, against 25 and 48 ms for this loop.
 */
function depthwiseBackpropFilter(args: KernelArgs<'x' | 'dy'>): TensorInfo {
  const { x, dy } = args.inputs;
  const { backend } = args;
  const attrs = args.attrs as unknown as DepthwiseBackpropFilterAttrs;
  assertNoDilation('DepthwiseConv2dNativeBackpropFilter', attrs.dilations);
  const [kh, kw, c, m] = attrs.filterShape;
  const info = backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number],
    attrs.filterShape,
    attrs.strides,
    1,
    attrs.pad,
    attrs.dimRoundingMode,
    true,
  );
  const { batchSize, inHeight, inWidth, outHeight, outWidth, strideHeight, strideWidth } = info;
  const { top, left } = info.padInfo;
  const cm = c * m;
  const dw = backend.makeOutput(attrs.filterShape, 'float32');
  // Views are taken after makeOutput: allocating can grow (and detach) the wasm heap.
  const xs = backend.typedArrayFromHeap(x);
  const dys = backend.typedArrayFromHeap(dy);
  const acc = backend.typedArrayFromHeap(dw);
  acc.fill(0);
  for (let n = 0; n < batchSize; n++) {
    for (let y = 0; y < outHeight; y++) {
      const r0 = y * strideHeight - top;
      const kiMin = Math.max(0, -r0);
      const kiEnd = Math.min(kh, inHeight - r0);
      for (let xo = 0; xo < outWidth; xo++) {
        const c0 = xo * strideWidth - left;
        const kjMin = Math.max(0, -c0);
        const kjEnd = Math.min(kw, inWidth - c0);
        const dyBase = ((n * outHeight + y) * outWidth + xo) * cm;
        for (let ki = kiMin; ki < kiEnd; ki++) {
          for (let kj = kjMin; kj < kjEnd; kj++) {
            const xBase = ((n * inHeight + r0 + ki) * inWidth + c0 + kj) * c;
            const wBase = (ki * kw + kj) * cm;
            if (m === 1) {
              for (let d = 0; d < c; d++) acc[wBase + d] += xs[xBase + d] * dys[dyBase + d];
            } else {
              for (let d = 0; d < c; d++) {
                const xv = xs[xBase + d];
                for (let q = 0; q < m; q++) acc[wBase + d * m + q] += xv * dys[dyBase + d * m + q];
              }
            }
          }
        }
      }
    }
  }
  return dw;
}

interface MaxPoolGradAttrs {
  filterSize: Pair;
  strides: Pair;
  pad: Pad;
  dimRoundingMode?: RoundingMode;
}

/**
 * MaxPoolGrad with the CPU backend's semantics: each window's dy goes to the first position
 * holding its maximum (row-major scan, padding never wins), accumulated where windows overlap.
 * No shipped wasm kernel gets this right for maxima <= 0 (MaxPoolWithArgmax has the same bug),
 * and it is an argmax scatter rather than arithmetic, so it is a plain loop over the wasm heap:
 * a few ms for a batch of 8 64x64x32 maps.
 */
function maxPoolGrad(args: KernelArgs<'dy' | 'input' | 'output'>): TensorInfo {
  const { dy, input } = args.inputs;
  const { backend } = args;
  const attrs = args.attrs as unknown as MaxPoolGradAttrs;
  const info = backend_util.computePool2DInfo(
    input.shape as [number, number, number, number],
    attrs.filterSize,
    attrs.strides,
    1,
    attrs.pad,
    attrs.dimRoundingMode,
  );
  const dx = backend.makeOutput(input.shape, input.dtype);
  // Views are taken after makeOutput: allocating can grow (and detach) the wasm heap.
  const xs = backend.typedArrayFromHeap(input);
  const dys = backend.typedArrayFromHeap(dy);
  const dxs = backend.typedArrayFromHeap(dx);
  dxs.fill(0);
  // Pool gradients have no dilation in tfjs, so windows are dense.
  const { batchSize, inHeight, inWidth, inChannels: ch, outHeight, outWidth } = info;
  const { strideHeight, strideWidth, effectiveFilterHeight: fh, effectiveFilterWidth: fw } = info;
  const { top, left } = info.padInfo;
  const rowStride = inWidth * ch;
  // Per-channel running maxima for one window: the innermost loop walks contiguous channels.
  const best = new Float32Array(ch);
  const at = new Int32Array(ch);
  for (let b = 0; b < batchSize; b++) {
    const xBatch = b * inHeight * rowStride;
    for (let yr = 0; yr < outHeight; yr++) {
      const r0 = yr * strideHeight - top;
      const rMin = Math.max(0, r0);
      const rEnd = Math.min(inHeight, r0 + fh);
      for (let yc = 0; yc < outWidth; yc++) {
        const c0 = yc * strideWidth - left;
        const cMin = Math.max(0, c0);
        const cEnd = Math.min(inWidth, c0 + fw);
        best.fill(-Infinity);
        at.fill(-1);
        for (let r = rMin; r < rEnd; r++) {
          for (let c = cMin; c < cEnd; c++) {
            const base = xBatch + r * rowStride + c * ch;
            for (let d = 0; d < ch; d++) {
              const v = xs[base + d];
              // Strictly greater: ties keep the first position in row-major order, as on cpu.
              if (v > best[d]) {
                best[d] = v;
                at[d] = base + d;
              }
            }
          }
        }
        const o = ((b * outHeight + yr) * outWidth + yc) * ch;
        for (let d = 0; d < ch; d++) if (at[d] >= 0) dxs[at[d]] += dys[o + d];
      }
    }
  }
  return dx;
}

function asKernelFunc<I extends string>(f: (args: KernelArgs<I>) => TensorInfo): KernelFunc {
  return f as unknown as KernelFunc;
}

const KERNELS: KernelConfig[] = [
  ['Conv2DBackpropInput', asKernelFunc(conv2DBackpropInput)] as const,
  ['Conv2DBackpropFilter', asKernelFunc(conv2DBackpropFilter)] as const,
  ['DepthwiseConv2dNativeBackpropInput', asKernelFunc(depthwiseBackpropInput)] as const,
  ['DepthwiseConv2dNativeBackpropFilter', asKernelFunc(depthwiseBackpropFilter)] as const,
  ['MaxPoolGrad', asKernelFunc(maxPoolGrad)] as const,
].map(([kernelName, kernelFunc]) => ({ kernelName, backendName: WASM, kernelFunc }));

/** Kernel names this module provides on 'wasm' (replacing any shipped ones). */
export const WASM_GRADIENT_KERNELS: readonly string[] = KERNELS.map((k) => k.kernelName);

const shipped = new Map<string, KernelConfig>();

/**
 * The kernel tfjs-backend-wasm shipped under this name before this module replaced it, for
 * benchmarks and regression tests. Its setupFunc has not run (the backend never saw it): call
 * it with the backend before its kernelFunc.
 */
export function shippedWasmKernel(kernelName: string): KernelConfig | undefined {
  return shipped.get(kernelName);
}

for (const config of KERNELS) {
  const old = getKernel(config.kernelName, WASM);
  if (old) {
    shipped.set(config.kernelName, old);
    // Re-registering a kernel logs a warning; unregister the shipped one first.
    unregisterKernel(config.kernelName, WASM);
  }
  registerKernel(config);
}
