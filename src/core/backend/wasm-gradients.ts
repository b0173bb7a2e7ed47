// Training kernels for the tfjs WASM backend (tfjs 4.22).
//
// The WASM backend ships a fast XNNPACK forward convolution but cannot train conv nets: it has no
// Conv2DBackpropFilter and no depthwise backprop kernels, its Conv2DBackpropInput is a naive loop
// (about 10x slower than the forward conv), and its MaxPoolGrad (like MaxPoolWithArgmax) starts
// the running maximum at FLT_MIN, so windows whose maximum is <= 0 send their gradient to the
// wrong place. This module registers replacements built from the backend's own kernels
// (Conv2D, DepthwiseConv2dNative, Transpose, Reverse, PadV2, Slice, Sum), called directly as
// kernel functions so that no op, tape or tensor is created while a kernel runs.
//
// Import for its side effect; src/core/tf.ts does that, so every user of `tf` gets it.
import {
  backend_util,
  getKernel,
  registerKernel,
  unregisterKernel,
  util,
  type DataType,
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

  /** Takes the result out of the scope so that dispose() leaves it alive. */
  keep(t: TensorInfo): TensorInfo {
    for (let i = this.temps.length - 1; i >= 0; i--) if (this.temps[i].dataId === t.dataId) this.temps.splice(i, 1);
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
 * Spreads dy's rows and columns `stride` apart with zeros between them, the input of a strided
 * conv's input gradient. Done as one PadV2 on a 6-D view: [N,oh,1,ow,1,C] -> [N,oh,sh,ow,sw,C].
 * The result has sh-1 (sw-1) trailing zero rows (columns); callers account for them in padding.
 */
function dilate(s: KernelScope, dy: TensorInfo, sh: number, sw: number): TensorInfo {
  if (sh === 1 && sw === 1) return dy;
  const [n, oh, ow, c] = dy.shape;
  const padded = s.run(
    'PadV2',
    { x: view(dy, [n, oh, 1, ow, 1, c]) },
    { paddings: [[0, 0], [0, 0], [0, sh - 1], [0, 0], [0, sw - 1], [0, 0]], constantValue: 0 },
  );
  return view(padded, [n, oh * sh, ow * sw, c]);
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
  return s.run(
    'Slice',
    { x: out },
    { begin: [0, cropTop, cropLeft, 0], size: [n, h - cropTop - cropBottom, w - cropLeft - cropRight, c] },
  );
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
 * Pads for the input gradient, seen as a stride-1 conv of the zero-dilated dy (height hd, which
 * includes the sh-1 trailing zero rows of dilate()) with the flipped filter: it must put output
 * row i over dy rows i + top - (kh-1) .. i + top, and give exactly `inHeight` rows.
 */
function inputGradPads(info: backend_util.Conv2DInfo, hd: number, wd: number): Pads {
  const top = info.filterHeight - 1 - info.padInfo.top;
  const left = info.filterWidth - 1 - info.padInfo.left;
  return {
    top,
    left,
    bottom: info.inHeight + info.filterHeight - 1 - hd - top,
    right: info.inWidth + info.filterWidth - 1 - wd - left,
  };
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

/** dx = conv2d(dy dilated by the stride, filter flipped in space with in/out channels swapped). */
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
    const dyd = dilate(s, dy, info.strideHeight, info.strideWidth);
    return convWithPads(s, 'Conv2D', dyd, wT, [1, 1], inputGradPads(info, dyd.shape[1], dyd.shape[2]));
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
 * Depthwise dx: each of the C*m output channels convolved with its own flipped filter (a
 * multiplier-1 depthwise conv), then the m channels that came from one input channel summed.
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
    const dyd = dilate(s, dy, info.strideHeight, info.strideWidth);
    const pads = inputGradPads(info, dyd.shape[1], dyd.shape[2]);
    const out = convWithPads(s, 'DepthwiseConv2dNative', dyd, flipped, [1, 1], pads); // [N, H, W, C*m]
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
 * Depthwise dW[ki,kj,c,q] = sum over n,y,x of x[n, sh*y+ki-top, .., c] * dy[n,y,x,c*m+q]: one
 * depthwise conv with batch 1 whose channels are the (c, n) pairs (x as [1,H,W,C*N]) and whose
 * filter is dy as [oh,ow,C*N,m], dilated by the stride; then a sum over n.
 */
function depthwiseBackpropFilter(args: KernelArgs<'x' | 'dy'>): TensorInfo {
  const { x, dy } = args.inputs;
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
  const { batchSize: n, inHeight: h, inWidth: w, outHeight: oh, outWidth: ow } = info;
  return withScope(args.backend, (s) => {
    const xT = view(transpose(s, x, [1, 2, 3, 0]), [1, h, w, c * n]); // channel index c*N + n
    const dyT = view(transpose(s, view(dy, [n, oh, ow, c, m]), [1, 2, 3, 0, 4]), [oh, ow, c * n, m]);
    const dilations: [number, number] = [info.strideHeight, info.strideWidth];
    const out = convWithPads(s, 'DepthwiseConv2dNative', xT, dyT, dilations, filterGradPads(info)); // [1,kh,kw,C*N*m]
    // Sum over n; with m = 1 it is the innermost axis and the Sum kernel needs no transpose.
    const summed =
      m === 1
        ? s.run('Sum', { x: view(out, [kh, kw, c, n]) }, { axis: [3], keepDims: false })
        : s.run('Sum', { x: view(out, [kh, kw, c, n, m]) }, { axis: [3], keepDims: false });
    return view(summed, [kh, kw, c, m]);
  });
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
  const dx = backend.makeOutput(input.shape, input.dtype as DataType);
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
  let o = 0; // flat index into dy, NHWC
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
        for (let d = 0; d < ch; d++, o++) {
          let best = -Infinity;
          let at = -1;
          for (let r = rMin; r < rEnd; r++) {
            const rowBase = xBatch + r * rowStride + d;
            for (let c = cMin; c < cEnd; c++) {
              const v = xs[rowBase + c * ch];
              if (v > best) {
                best = v;
                at = rowBase + c * ch;
              }
            }
          }
          if (at >= 0) dxs[at] += dys[o];
        }
      }
    }
  }
  return dx;
}

function asKernelFunc<I extends string>(f: (args: KernelArgs<I>) => TensorInfo): KernelFunc {
  return f as unknown as KernelFunc;
}

const KERNELS: KernelConfig[] = [
  { kernelName: 'Conv2DBackpropInput', backendName: WASM, kernelFunc: asKernelFunc(conv2DBackpropInput) },
  { kernelName: 'Conv2DBackpropFilter', backendName: WASM, kernelFunc: asKernelFunc(conv2DBackpropFilter) },
  { kernelName: 'DepthwiseConv2dNativeBackpropInput', backendName: WASM, kernelFunc: asKernelFunc(depthwiseBackpropInput) },
  { kernelName: 'DepthwiseConv2dNativeBackpropFilter', backendName: WASM, kernelFunc: asKernelFunc(depthwiseBackpropFilter) },
  { kernelName: 'MaxPoolGrad', backendName: WASM, kernelFunc: asKernelFunc(maxPoolGrad) },
];

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
