// Adam (Kingma & Ba) over an explicit list of variables, with the learning rate given per step and
// a state that can be read and written exactly. tfjs's own AdamOptimizer keeps its learning rate
// protected and rebuilds its bias correction by repeated float32 products after setWeights, so a
// resumed run would drift from an uninterrupted one; here the step count is an integer and the
// bias corrections are computed from it in float64.

import { tf } from '../tf';

export interface AdamOptions {
  beta1?: number;
  beta2?: number;
  epsilon?: number;
}

/** Everything Adam needs to continue exactly: step count and both moments of every variable. */
export interface AdamState {
  /** Updates applied so far. */
  t: number;
  /** Variable names, for messages only: moments are matched by position. */
  names: string[];
  shapes: number[][];
  m: Float32Array[];
  v: Float32Array[];
}

export class Adam {
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;
  private t = 0;
  private readonly m: tf.Variable[];
  private readonly v: tf.Variable[];

  constructor(
    readonly variables: readonly tf.Variable[],
    options: AdamOptions = {},
  ) {
    this.beta1 = options.beta1 ?? 0.9;
    this.beta2 = options.beta2 ?? 0.999;
    this.epsilon = options.epsilon ?? 1e-8;
    // tidy frees the zero tensors; variables survive it.
    this.m = tf.tidy(() => variables.map((w) => tf.variable(tf.zerosLike(w), false)));
    this.v = tf.tidy(() => variables.map((w) => tf.variable(tf.zerosLike(w), false)));
  }

  /** Updates applied so far. */
  get step(): number {
    return this.t;
  }

  /** One update with learning rate `lr`; `grads` maps variable names to gradients (not disposed). */
  apply(grads: tf.NamedTensorMap, lr: number): void {
    this.t += 1;
    const { beta1: b1, beta2: b2, epsilon } = this;
    const c1 = 1 / (1 - b1 ** this.t);
    const c2 = 1 / (1 - b2 ** this.t);
    tf.tidy(() => {
      this.variables.forEach((w, i) => {
        const g = grads[w.name];
        if (!g) throw new Error(`Adam: no gradient for variable "${w.name}"`);
        const m = tf.add(tf.mul(this.m[i], b1), tf.mul(g, 1 - b1));
        const v = tf.add(tf.mul(this.v[i], b2), tf.mul(tf.square(g), 1 - b2));
        this.m[i].assign(m);
        this.v[i].assign(v);
        const update = tf.div(tf.mul(m, c1), tf.add(tf.sqrt(tf.mul(v, c2)), epsilon));
        w.assign(tf.sub(w, tf.mul(update, lr)));
      });
    });
  }

  async getState(): Promise<AdamState> {
    const read = (vars: tf.Variable[]) => Promise.all(vars.map(async (x) => (await x.data()) as Float32Array));
    return {
      t: this.t,
      names: this.variables.map((w) => w.name),
      shapes: this.variables.map((w) => [...w.shape]),
      m: await read(this.m),
      v: await read(this.v),
    };
  }

  /** Restores a state saved for the same variables (same count, order and shapes). */
  setState(state: AdamState): void {
    if (!Number.isInteger(state.t) || state.t < 0) throw new Error(`Adam state: bad step count ${state.t}`);
    const n = this.variables.length;
    if (state.shapes.length !== n || state.m.length !== n || state.v.length !== n) {
      throw new Error(`Adam state holds ${state.shapes.length} variables, the model has ${n}`);
    }
    this.variables.forEach((w, i) => {
      if (state.shapes[i].join(',') !== w.shape.join(',')) {
        throw new Error(
          `Adam state: variable ${i} ("${state.names[i]}") is [${state.shapes[i].join(', ')}], the model's "${w.name}" is [${w.shape.join(', ')}]`,
        );
      }
      if (state.m[i].length !== w.size || state.v[i].length !== w.size) throw new Error(`Adam state: moment ${i} has the wrong size`);
    });
    tf.tidy(() => {
      this.variables.forEach((w, i) => {
        this.m[i].assign(tf.tensor(state.m[i], w.shape, 'float32'));
        this.v[i].assign(tf.tensor(state.v[i], w.shape, 'float32'));
      });
    });
    this.t = state.t;
  }

  dispose(): void {
    tf.dispose([...this.m, ...this.v]);
  }
}

/** Packs moments into one buffer (m of every variable, then v), for a binary checkpoint file. */
export function packAdamMoments(state: AdamState): ArrayBuffer {
  const total = state.m.reduce((s, a) => s + a.length, 0);
  const out = new Float32Array(2 * total);
  let at = 0;
  for (const a of [...state.m, ...state.v]) {
    out.set(a, at);
    at += a.length;
  }
  return out.buffer;
}

/** Inverse of packAdamMoments, given the variable shapes. */
export function unpackAdamMoments(buffer: ArrayBuffer, shapes: number[][]): { m: Float32Array[]; v: Float32Array[] } {
  const sizes = shapes.map((s) => s.reduce((a, b) => a * b, 1));
  const total = sizes.reduce((a, b) => a + b, 0);
  if (buffer.byteLength !== 8 * total) {
    throw new Error(`optimizer moments hold ${buffer.byteLength} bytes, expected ${8 * total}`);
  }
  const all = new Float32Array(buffer);
  let at = 0;
  const take = () =>
    sizes.map((n) => {
      const a = all.slice(at, at + n);
      at += n;
      return a;
    });
  const m = take();
  const v = take();
  return { m, v };
}
