// Gradient checks for the active tfjs backend against the CPU backend.
//
// Each case is a small differentiable function of a few inputs. On the backend under test and on
// 'cpu' we evaluate the same seeded inputs, the output and the gradients of
// sum(output * fixed random weights) with respect to every input, and compare them. Random
// weights (not a plain sum) make every output element matter, so a gradient sent to the wrong
// place shows up. Cases marked `linear` (resizing) take their reference gradient from CPU forward
// passes instead, because the CPU backend's own resize gradients are wrong.
// Framework-free and DOM-free: runs in Node tests and in a browser page (webgpu / webgl / wasm).
// Shapes are small so that a software GPU gets through in seconds.
import { tf } from '../tf';

type Tensor = tf.Tensor;
type T4 = tf.Tensor4D;

export interface GradCase {
  name: string;
  /** Shapes of the inputs the gradient is taken with respect to. */
  shapes: number[][];
  /**
   * Range of the seeded uniform data for each input (default [-1, 1]); e.g. all-negative inputs
   * for max pooling, where the WASM backend's shipped gradient went wrong.
   */
  ranges?: [number, number][];
  fn: (...xs: Tensor[]) => Tensor;
  /**
   * The case is linear in its single input and treats batch items independently. Its reference
   * gradient is then built from the reference backend's forward pass alone (the response to
   * every one-hot input), not from that backend's gradient kernel. Used for resizing, where
   * tfjs 4.22's CPU gradient kernels are wrong: ResizeBilinearGrad returns a [B,W,H,C] shape
   * (throws for non-square images) and ResizeNearestNeighborGrad reads dy at the wrong batch
   * offset when the batch is > 1.
   */
  linear?: boolean;
  /** A tfjs bug the case is known to expose on every backend; reported, not fixed here. */
  knownIssue?: string;
}

export interface GradCheckResult {
  name: string;
  /** Largest |test - reference| over the output and all gradients. */
  maxAbsErr: number;
  /** maxAbsErr divided by the largest |reference| value of the same tensor (worst tensor). */
  maxRelErr: number;
  ok: boolean;
  /** Copied from the case: a known tfjs bug, expected to fail on every backend. */
  knownIssue?: string;
  /** Set when the case threw on either backend (ok is then false). */
  error?: string;
}

export interface GradCheckOptions {
  /** Run only cases whose name contains one of these strings. */
  only?: string[];
  /** Pass when maxRelErr <= tolerance (default 1e-3: float32 sums of a few hundred terms). */
  tolerance?: number;
  /** Reference backend (default 'cpu'). */
  reference?: string;
  seed?: number;
}

const conv = (stride: number | [number, number], pad: 'same' | 'valid' | tf.backend_util.ExplicitPadding) => (x: Tensor, w: Tensor) =>
  tf.conv2d(x as T4, w as T4, stride, pad);
const depthwise = (stride: number | [number, number], pad: 'same' | 'valid') => (x: Tensor, w: Tensor) => tf.depthwiseConv2d(x as T4, w as T4, stride, pad);

/** The cases; exported so tests can check the reference itself (finite differences on cpu). */
export const GRAD_CASES: readonly GradCase[] = [
  {
    name: 'conv2d 3x3 s1 same 7x9 3->4',
    shapes: [
      [2, 7, 9, 3],
      [3, 3, 3, 4],
    ],
    fn: conv(1, 'same'),
  },
  {
    name: 'conv2d 3x3 s1 valid 7x9 3->4',
    shapes: [
      [2, 7, 9, 3],
      [3, 3, 3, 4],
    ],
    fn: conv(1, 'valid'),
  },
  {
    name: 'conv2d 3x3 s2 same 7x9 3->5',
    shapes: [
      [2, 7, 9, 3],
      [3, 3, 3, 5],
    ],
    fn: conv(2, 'same'),
  },
  {
    name: 'conv2d 3x3 s2 valid 7x9 4->2',
    shapes: [
      [2, 7, 9, 4],
      [3, 3, 4, 2],
    ],
    fn: conv(2, 'valid'),
  },
  {
    name: 'conv2d 3x3 s2 same 8x8 8->8',
    shapes: [
      [1, 8, 8, 8],
      [3, 3, 8, 8],
    ],
    fn: conv(2, 'same'),
  },
  {
    name: 'conv2d 3x3 s2 valid 8x10 1->3',
    shapes: [
      [3, 8, 10, 1],
      [3, 3, 1, 3],
    ],
    fn: conv(2, 'valid'),
  },
  {
    name: 'conv2d 3x3 s1 same 6x5 1->1 batch 1',
    shapes: [
      [1, 6, 5, 1],
      [3, 3, 1, 1],
    ],
    fn: conv(1, 'same'),
  },
  {
    name: 'conv2d 1x1 s2 same 7x8 3->4',
    shapes: [
      [2, 7, 8, 3],
      [1, 1, 3, 4],
    ],
    fn: conv(2, 'same'),
  },
  {
    name: 'conv2d 1x1 s1 same 5x6 6->3',
    shapes: [
      [2, 5, 6, 6],
      [1, 1, 6, 3],
    ],
    fn: conv(1, 'same'),
  },
  {
    name: 'conv2d 5x5 s1 same 9x7 2->3',
    shapes: [
      [1, 9, 7, 2],
      [5, 5, 2, 3],
    ],
    fn: conv(1, 'same'),
  },
  {
    name: 'conv2d 4x4 s2 same 9x8 2->2',
    shapes: [
      [2, 9, 8, 2],
      [4, 4, 2, 2],
    ],
    fn: conv(2, 'same'),
  },
  {
    name: 'conv2d 2x3 s1 valid 6x7 3->2',
    shapes: [
      [2, 6, 7, 3],
      [2, 3, 3, 2],
    ],
    fn: conv(1, 'valid'),
  },
  {
    name: 'conv2d 3x3 s1 explicit pads 6x7 2->3',
    shapes: [
      [2, 6, 7, 2],
      [3, 3, 2, 3],
    ],
    fn: conv(1, [
      [0, 0],
      [2, 0],
      [1, 3],
      [0, 0],
    ]),
  },
  {
    // Pads wider than the kernel: some stride phases start or end outside dy.
    name: 'conv2d 3x3 s2 explicit pads 7x8 2->3',
    shapes: [
      [2, 7, 8, 2],
      [3, 3, 2, 3],
    ],
    fn: conv(2, [
      [0, 0],
      [0, 2],
      [3, 1],
      [0, 0],
    ]),
  },
  {
    name: 'conv2d 3x3 s3 same 10x8 2->3',
    shapes: [
      [2, 10, 8, 2],
      [3, 3, 2, 3],
    ],
    fn: conv(3, 'same'),
  },
  {
    name: 'conv2d 5x5 s3 valid 11x13 2->2',
    shapes: [
      [2, 11, 13, 2],
      [5, 5, 2, 2],
    ],
    fn: conv(3, 'valid'),
  },
  {
    name: 'conv2d 3x3 s2x1 same 7x6 2->3',
    shapes: [
      [2, 7, 6, 2],
      [3, 3, 2, 3],
    ],
    fn: conv([2, 1], 'same'),
  },
  {
    // tf.fused.conv2d (what layers use for conv + bias + activation) has its own gradient code.
    name: 'fused conv2d bias leakyrelu 3x3 s2 same 7x9 3->4',
    shapes: [[2, 7, 9, 3], [3, 3, 3, 4], [4]],
    fn: (x, w, b) =>
      tf.fused.conv2d({
        x: x as T4,
        filter: w as T4,
        strides: 2,
        pad: 'same',
        bias: b,
        activation: 'leakyrelu',
        leakyreluAlpha: 0.2,
      }),
  },
  {
    // Runs Conv2DBackpropInput forward, and Conv2D and Conv2DBackpropFilter in its gradient.
    name: 'conv2dTranspose 3x3 s2 same 4x5 -> 7x9 3->2',
    shapes: [
      [2, 4, 5, 3],
      [3, 3, 2, 3],
    ],
    fn: (x, w) => tf.conv2dTranspose(x as T4, w as T4, [2, 7, 9, 2], 2, 'same'),
  },
  {
    name: 'conv2dTranspose 4x4 s2 same 4x5 -> 8x10 2->3',
    shapes: [
      [2, 4, 5, 2],
      [4, 4, 3, 2],
    ],
    fn: (x, w) => tf.conv2dTranspose(x as T4, w as T4, [2, 8, 10, 3], 2, 'same'),
  },
  {
    name: 'depthwise 3x3 s1 same 7x9 x4 m1',
    shapes: [
      [2, 7, 9, 4],
      [3, 3, 4, 1],
    ],
    fn: depthwise(1, 'same'),
  },
  {
    name: 'depthwise 3x3 s1 valid 7x9 x3 m2',
    shapes: [
      [2, 7, 9, 3],
      [3, 3, 3, 2],
    ],
    fn: depthwise(1, 'valid'),
  },
  {
    name: 'depthwise 3x3 s2 same 7x9 x4 m1',
    shapes: [
      [2, 7, 9, 4],
      [3, 3, 4, 1],
    ],
    fn: depthwise(2, 'same'),
  },
  {
    name: 'depthwise 3x3 s2 valid 8x9 x2 m3',
    shapes: [
      [2, 8, 9, 2],
      [3, 3, 2, 3],
    ],
    fn: depthwise(2, 'valid'),
  },
  {
    name: 'depthwise 5x5 s3 same 10x11 x2 m2',
    shapes: [
      [2, 10, 11, 2],
      [5, 5, 2, 2],
    ],
    fn: depthwise(3, 'same'),
  },
  {
    name: 'maxPool 2x2 s2 valid negative 7x9',
    shapes: [[2, 7, 9, 3]],
    ranges: [[-3, -0.5]],
    fn: (x) => tf.maxPool(x as T4, 2, 2, 'valid'),
  },
  {
    name: 'maxPool 3x3 s2 same mixed-sign 7x9',
    shapes: [[2, 7, 9, 3]],
    ranges: [[-2, 0.5]],
    fn: (x) => tf.maxPool(x as T4, 3, 2, 'same'),
  },
  {
    name: 'maxPool 3x3 s1 same negative 6x5',
    shapes: [[1, 6, 5, 2]],
    ranges: [[-1, -0.01]],
    fn: (x) => tf.maxPool(x as T4, 3, 1, 'same'),
  },
  { name: 'avgPool 2x2 s2 valid 7x9', shapes: [[2, 7, 9, 3]], fn: (x) => tf.avgPool(x as T4, 2, 2, 'valid') },
  { name: 'avgPool 3x3 s1 same 6x7', shapes: [[2, 6, 7, 2]], fn: (x) => tf.avgPool(x as T4, 3, 1, 'same') },
  { name: 'avgPool 3x3 s2 same 7x9', shapes: [[1, 7, 9, 2]], fn: (x) => tf.avgPool(x as T4, 3, 2, 'same') },
  {
    name: 'resizeBilinear 5x7 -> 10x14',
    shapes: [[2, 5, 7, 3]],
    linear: true,
    fn: (x) => tf.image.resizeBilinear(x as T4, [10, 14]),
  },
  {
    name: 'resizeBilinear 5x7 -> 9x13 alignCorners',
    shapes: [[2, 5, 7, 2]],
    linear: true,
    fn: (x) => tf.image.resizeBilinear(x as T4, [9, 13], true),
  },
  {
    name: 'resizeBilinear 9x8 -> 4x5',
    shapes: [[2, 9, 8, 2]],
    linear: true,
    fn: (x) => tf.image.resizeBilinear(x as T4, [4, 5]),
  },
  {
    name: 'resizeNearestNeighbor 5x7 -> 10x14',
    shapes: [[2, 5, 7, 3]],
    linear: true,
    fn: (x) => tf.image.resizeNearestNeighbor(x as T4, [10, 14]),
  },
  {
    name: 'resizeNearestNeighbor 7x9 -> 4x5',
    shapes: [[2, 7, 9, 2]],
    linear: true,
    fn: (x) => tf.image.resizeNearestNeighbor(x as T4, [4, 5]),
  },
  {
    name: 'resizeNearestNeighbor 5x7 -> 9x13 alignCorners',
    shapes: [[2, 5, 7, 2]],
    linear: true,
    fn: (x) => tf.image.resizeNearestNeighbor(x as T4, [9, 13], true),
  },
  {
    // PyTorch's align_corners=False resize is halfPixelCenters=true in tfjs.
    name: 'resizeBilinear 4x6 -> 8x12 halfPixelCenters',
    shapes: [[2, 4, 6, 2]],
    linear: true,
    knownIssue: 'tfjs resize gradients ignore halfPixelCenters (all backends, tfjs 4.22)',
    fn: (x) => tf.image.resizeBilinear(x as T4, [8, 12], false, true),
  },
  {
    name: 'resizeNearestNeighbor 7x9 -> 4x5 halfPixelCenters',
    shapes: [[2, 7, 9, 2]],
    linear: true,
    knownIssue: 'tfjs resize gradients ignore halfPixelCenters (all backends, tfjs 4.22)',
    fn: (x) => tf.image.resizeNearestNeighbor(x as T4, [4, 5], false, true),
  },
  { name: 'leakyRelu 0.2', shapes: [[2, 5, 6, 3]], fn: (x) => tf.leakyRelu(x, 0.2) },
  { name: 'relu', shapes: [[2, 5, 6, 3]], fn: (x) => tf.relu(x) },
  {
    name: 'concat channels',
    shapes: [
      [2, 5, 6, 3],
      [2, 5, 6, 2],
    ],
    fn: (a, b) => tf.concat([a, b], 3),
  },
  { name: 'add broadcast bias', shapes: [[2, 5, 6, 3], [3]], fn: (a, b) => tf.add(a, b) },
  {
    // A small restoration-style block: strided conv, activation, pooling, upsampling, skip.
    // Square maps, so that the CPU's ResizeBilinearGrad (see `linear`) is right here.
    name: 'block conv-s2 leakyRelu maxPool resize concat conv',
    shapes: [[2, 9, 9, 3], [3, 3, 3, 4], [4], [3, 3, 7, 2]],
    fn: (x, w1, b1, w2) => {
      const h = tf.leakyRelu(tf.add(tf.conv2d(x as T4, w1 as T4, 2, 'same'), b1), 0.1) as T4; // 5x5
      const p = tf.maxPool(h, 2, 1, 'same');
      const up = tf.image.resizeBilinear(p, [9, 9]);
      return tf.conv2d(tf.concat([x as T4, up], 3), w2 as T4, 1, 'same');
    },
  },
];

/** mulberry32: a tiny seeded PRNG, so every backend and every run sees the same data. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function seeded(size: number, seed: number, lo = -1, hi = 1): Float32Array {
  const next = prng(seed);
  const out = new Float32Array(size);
  for (let i = 0; i < size; i++) out[i] = lo + (hi - lo) * next();
  return out;
}

function sizeOf(shape: number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** The seeded input data of a case (one array per input). */
export function caseInputs(c: GradCase, seed = 1234): Float32Array[] {
  return c.shapes.map((shape, i) => {
    const [lo, hi] = c.ranges?.[i] ?? [-1, 1];
    return seeded(sizeOf(shape), seed + 7919 * (i + 1), lo, hi);
  });
}

function lossWeights(y: Tensor, seed: number): Tensor {
  return tf.tensor(seeded(y.size, seed ^ 0x5bd1e995), y.shape);
}

/** The scalar whose gradients are checked: sum(fn(xs) * w) with seeded weights w. */
export function caseLoss(c: GradCase, xs: Tensor[], seed = 1234): tf.Scalar {
  const y = c.fn(...xs);
  return tf.sum(tf.mul(y, lossWeights(y, seed)));
}

async function readAll(outs: Tensor[]): Promise<Float32Array[]> {
  try {
    // Read asynchronously: synchronous reads are slow (or unavailable) on WebGPU.
    const values = await Promise.all(outs.map((t) => t.data()));
    return values.map((v) => Float32Array.from(v as ArrayLike<number>));
  } finally {
    outs.forEach((t) => t.dispose());
  }
}

/** Output and all input gradients of one case on the active backend, read back as arrays. */
async function evaluate(c: GradCase, data: Float32Array[], seed: number): Promise<Float32Array[]> {
  const outs = tf.tidy(() => {
    const xs = data.map((d, i) => tf.tensor(d, c.shapes[i]));
    const y = c.fn(...xs);
    const grads = tf.grads((...args: Tensor[]) => caseLoss(c, args, seed))(xs);
    return [y, ...grads];
  });
  return readAll(outs);
}

/**
 * Output and exact gradient of a `linear` case from forward passes only: with f linear and
 * batch items independent, d/dx_p sum(f(x) * w) = sum(f(e_p) * w) for the one-hot input e_p,
 * so one forward pass over a batch of all one-hot images gives the whole gradient.
 */
async function evaluateLinear(c: GradCase, data: Float32Array[], seed: number): Promise<Float32Array[]> {
  const outs = tf.tidy(() => {
    const shape = c.shapes[0];
    const [batch, ...item] = shape;
    const n = sizeOf(item);
    const y = c.fn(tf.tensor(data[0], shape));
    const w = tf.reshape(lossWeights(y, seed), [batch, -1]);
    const responses = tf.reshape(c.fn(tf.reshape(tf.eye(n), [n, ...item])), [n, -1]);
    const grad = tf.transpose(tf.matMul(responses, w, false, true)); // [batch, n]
    return [y, tf.reshape(grad, shape)];
  });
  return readAll(outs);
}

function compare(test: Float32Array[], ref: Float32Array[]): { maxAbsErr: number; maxRelErr: number } {
  let maxAbsErr = 0;
  let maxRelErr = 0;
  ref.forEach((r, k) => {
    const t = test[k];
    if (!t || t.length !== r.length) {
      maxAbsErr = maxRelErr = Infinity;
      return;
    }
    let scale = 0;
    let err = 0;
    for (let i = 0; i < r.length; i++) {
      scale = Math.max(scale, Math.abs(r[i]));
      const e = Math.abs(t[i] - r[i]);
      // NaN compares false: turn it into an infinite error so it cannot pass.
      err = e <= err ? err : Number.isNaN(e) ? Infinity : e;
    }
    maxAbsErr = Math.max(maxAbsErr, err);
    // Relative to the tensor's scale, not per element: per-element ratios explode near zero.
    maxRelErr = Math.max(maxRelErr, err === 0 ? 0 : err / Math.max(scale, 1e-12));
  });
  return { maxAbsErr, maxRelErr };
}

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/**
 * Checks the gradients of GRAD_CASES on the active backend against the reference backend.
 * Leaves no tensors behind and always restores the active backend. A case that throws gives
 * { ok: false, error } (tfjs may then keep the tensors its tape saved); the whole call throws
 * only when the reference backend cannot start. Cases with `knownIssue` fail on every backend.
 */
export async function runGradientChecks(options: GradCheckOptions = {}): Promise<GradCheckResult[]> {
  const tolerance = options.tolerance ?? 1e-3;
  const reference = options.reference ?? 'cpu';
  const seed = options.seed ?? 1234;
  const only = options.only;
  const cases = GRAD_CASES.filter((c) => !only || only.some((s) => c.name.includes(s)));
  const active = tf.getBackend();
  const data = cases.map((c) => caseInputs(c, seed));

  const run = async (asReference: boolean): Promise<(Float32Array[] | Error)[]> => {
    const results: (Float32Array[] | Error)[] = [];
    for (let i = 0; i < cases.length; i++) {
      const c = cases[i];
      try {
        const how = asReference && c.linear ? evaluateLinear : evaluate;
        results.push(await how(c, data[i], seed));
      } catch (e) {
        results.push(e instanceof Error ? e : new Error(String(e)));
      }
    }
    return results;
  };

  const tested = await run(false);
  let expected: (Float32Array[] | Error)[];
  try {
    if (!(await tf.setBackend(reference))) throw new Error(`reference backend ${reference} failed to start`);
    expected = await run(true);
  } finally {
    await tf.setBackend(active);
  }

  return cases.map((c, i) => {
    const t = tested[i];
    const r = expected[i];
    if (t instanceof Error || r instanceof Error) {
      const error = t instanceof Error ? `${active}: ${message(t)}` : `${reference}: ${message(r)}`;
      return { name: c.name, maxAbsErr: Infinity, maxRelErr: Infinity, ok: false, knownIssue: c.knownIssue, error };
    }
    const { maxAbsErr, maxRelErr } = compare(t, r);
    return { name: c.name, maxAbsErr, maxRelErr, ok: maxRelErr <= tolerance, knownIssue: c.knownIssue };
  });
}
