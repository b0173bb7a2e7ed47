// Plain-variable models (the prompt adapter, the diffusion U-Net): seeded layer parameters with
// names of their own, and saving/loading through tfjs's weight encoding. Layers models would need
// custom layers for FiLM and for the contrastive pooling; ops on variables read as the equations.

import { tf, type Tensor4D } from '../tf';

export interface Conv {
  w: tf.Variable;
  b: tf.Variable;
  stride: 1 | 2;
}

export interface Dense {
  w: tf.Variable;
  b: tf.Variable;
}

/** What an expensive model is stored as (IndexedDB in the page, a folder on the command line). */
export interface StoredModel {
  /** Plain JSON: kind, format version, configuration, how it was trained. */
  meta: { kind: string; format: number; [key: string]: unknown };
  specs: tf.io.WeightsManifestEntry[];
  weights: ArrayBuffer;
}

export class ModelArtifactError extends Error {
  override name = 'ModelArtifactError';
}

export class ParamSet {
  readonly variables: tf.Variable[] = [];
  private readonly names: string[] = [];
  private count = 0;

  constructor(private readonly seed: number) {}

  private add(name: string, init: () => tf.Tensor): tf.Variable {
    if (this.names.includes(name)) throw new Error(`duplicate parameter ${name}`);
    // tidy frees the initial value; the variable (a copy) survives it.
    const v = tf.tidy(() => tf.variable(init(), true));
    this.variables.push(v);
    this.names.push(name);
    return v;
  }

  private uniform(shape: number[], limit: number): tf.Tensor {
    return tf.randomUniform(shape, -limit, limit, 'float32', (this.seed + 7919 * ++this.count) >>> 0);
  }

  /** A kxk convolution, He-uniform scaled by gain (0 gives zeros: a block that starts as the identity). */
  conv(name: string, kernel: number, cin: number, cout: number, { gain = 2, stride = 1 }: { gain?: number; stride?: 1 | 2 } = {}): Conv {
    const limit = Math.sqrt((3 * gain) / (kernel * kernel * cin));
    return {
      w: this.add(`${name}/w`, () => (gain === 0 ? tf.zeros([kernel, kernel, cin, cout]) : this.uniform([kernel, kernel, cin, cout], limit))),
      b: this.add(`${name}/b`, () => tf.zeros([cout])),
      stride,
    };
  }

  dense(name: string, cin: number, cout: number, gain = 1): Dense {
    const limit = Math.sqrt((3 * gain) / cin);
    return {
      w: this.add(`${name}/w`, () => (gain === 0 ? tf.zeros([cin, cout]) : this.uniform([cin, cout], limit))),
      b: this.add(`${name}/b`, () => tf.zeros([cout])),
    };
  }

  async save(meta: StoredModel['meta']): Promise<StoredModel> {
    const map: tf.NamedTensorMap = {};
    this.names.forEach((n, i) => (map[n] = this.variables[i]));
    const { data, specs } = await tf.io.encodeWeights(map);
    return { meta: structuredClone(meta), specs, weights: data };
  }

  /** Assigns stored values; every parameter must be present with its shape, or nothing changes. */
  load(stored: StoredModel): void {
    let decoded: tf.NamedTensorMap;
    try {
      decoded = tf.io.decodeWeights(stored.weights, stored.specs);
    } catch (e) {
      throw new ModelArtifactError(`the stored ${stored.meta.kind} cannot be decoded: ${e instanceof Error ? e.message : String(e)}`);
    }
    try {
      this.names.forEach((n, i) => {
        const t = decoded[n];
        const want = this.variables[i].shape;
        if (!t) throw new ModelArtifactError(`the stored ${stored.meta.kind} lacks parameter ${n}`);
        if (t.shape.join('x') !== want.join('x')) {
          throw new ModelArtifactError(`the stored ${stored.meta.kind} has ${n} of shape [${t.shape}], expected [${want}]`);
        }
      });
      this.names.forEach((n, i) => this.variables[i].assign(decoded[n]));
    } finally {
      tf.dispose(Object.values(decoded));
    }
  }

  get paramCount(): number {
    return this.variables.reduce((s, v) => s + v.size, 0);
  }

  dispose(): void {
    tf.dispose(this.variables);
    this.variables.length = 0;
  }
}

/** A plain-variable model: its parameters, its configuration, and saving as a StoredModel of its kind. */
export abstract class ParamModel<C> {
  protected readonly params: ParamSet;

  constructor(
    readonly config: C,
    seed: number,
    private readonly kind: string,
    private readonly format: number,
  ) {
    this.params = new ParamSet(seed);
  }

  get variables(): tf.Variable[] {
    return this.params.variables;
  }

  get paramCount(): number {
    return this.params.paramCount;
  }

  /** `training` says how the model was made (steps, scores); it is kept in the stored meta. */
  save(training: Record<string, unknown>): Promise<StoredModel> {
    return this.params.save({ kind: this.kind, format: this.format, config: this.config, training });
  }

  load(stored: StoredModel): void {
    if (stored.meta.kind !== this.kind || stored.meta.format !== this.format) {
      throw new ModelArtifactError(
        `expected a stored ${this.kind} (format ${this.format}), got ${String(stored.meta.kind)} (format ${String(stored.meta.format)})`,
      );
    }
    this.params.load(stored);
  }

  dispose(): void {
    this.params.dispose();
  }
}

/** Builds a model from a stored one's configuration and loads its weights; throws ModelArtifactError on a mismatch. */
export function restoreModel<C, M extends ParamModel<C>>(stored: StoredModel, build: (config: C) => M): M {
  let model: M;
  try {
    model = build(stored.meta.config as C);
  } catch (e) {
    throw new ModelArtifactError(`the stored ${String(stored.meta.kind)} has an unusable configuration: ${e instanceof Error ? e.message : String(e)}`);
  }
  try {
    model.load(stored);
  } catch (e) {
    model.dispose();
    throw e;
  }
  return model;
}

export function applyConv(c: Conv, x: Tensor4D): Tensor4D {
  return tf.add(tf.conv2d(x, c.w as tf.Tensor4D, c.stride, 'same'), c.b) as Tensor4D;
}

export function applyDense(d: Dense, x: tf.Tensor2D): tf.Tensor2D {
  return tf.add(tf.matMul(x, d.w as tf.Tensor2D), d.b) as tf.Tensor2D;
}

export const silu = <T extends tf.Tensor>(x: T): T => tf.mul(x, tf.sigmoid(x)) as T;
