// The image restorer: a U-Net built as a tfjs Layers functional model, so it saves and loads in
// the standard tfjs format. See RestorerConfig for the architecture. Design choices, and why:
// - no batch norm: its train/inference mismatch hurts distillation and small batches;
// - strided 3x3 convs down, conv + resize up: tfjs has no gradient for depthToSpace or dilated
//   convs, and conv2dTranspose is slow on WebGPU;
// - input NHWC float [N, H, W, 3] in [0, 1], H and W multiples of 2^(levels-1) (callers pad).

import { tf, type Tensor4D } from '../tf';
import {
  checkInputSize,
  convSpecs,
  decoderFeatureLayer,
  encoderFeatureLayer,
  findPresetName,
  IMAGE_CHANNELS,
  layerNames,
  RestorerConfigError,
  restorerPreset,
  type RestorerConfig,
  type RestorerPresetName,
  validateRestorerConfig,
} from './restorer-config';

export * from './restorer-config';

type SymbolicTensor = tf.SymbolicTensor;

export interface RestorerFeatures {
  /** The restored image, [N, H, W, 3]. */
  output: Tensor4D;
  /** encoder[i]: [N, H/2^i, W/2^i, widths[i]], i = 0..levels-1 (shallow to deep). */
  encoder: Tensor4D[];
  /** decoder[i]: same shape as encoder[i], i = 0..levels-2 (decoder[0] is the last computed). */
  decoder: Tensor4D[];
}

export interface BuildRestorerOptions {
  /** Integer seed of the weight initialisers; the same seed gives the same weights. Default 0. */
  seed?: number;
  /** tfjs model name (shows in model.json). */
  name?: string;
}

const LEAKY_ALPHA = 0.2;
// Scale of the second conv of each residual block: keeps blocks near the identity at init, which
// steadies training without normalisation layers.
const BLOCK_OUT_SCALE = 0.1;

/** A 32-bit hash of (seed, index): distinct, reproducible seeds for each layer. */
function layerSeed(seed: number, index: number): number {
  let h = (Math.imul(seed | 0, 0x9e3779b1) ^ Math.imul(index + 1, 0x85ebca6b)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x7feb352d) >>> 0;
  h = Math.imul(h ^ (h >>> 15), 0x846ca68b) >>> 0;
  return (h ^ (h >>> 16)) >>> 0;
}

/** Builds the single-output tfjs model for a config (validated first). */
export function buildRestorerModel(config: RestorerConfig, options: BuildRestorerOptions = {}): tf.LayersModel {
  const cfg = validateRestorerConfig(config);
  const seed = options.seed ?? 0;
  if (!Number.isSafeInteger(seed)) throw new RestorerConfigError(`seed must be an integer, got ${seed}`);
  const { widths, levels } = cfg;
  let convIndex = 0;

  const conv = (
    x: SymbolicTensor,
    name: string,
    filters: number,
    opts: { kernel?: number; stride?: number; act?: boolean; init?: 'he' | 'small' | 'lecun' | 'zeros' } = {},
  ): SymbolicTensor => {
    const { kernel = 3, stride = 1, act = false, init = act ? 'he' : 'lecun' } = opts;
    const s = layerSeed(seed, convIndex++);
    const kernelInitializer =
      init === 'zeros'
        ? tf.initializers.zeros()
        : tf.initializers.varianceScaling({
            scale: init === 'he' ? 2 : init === 'small' ? BLOCK_OUT_SCALE : 1,
            mode: 'fanIn',
            distribution: 'uniform',
            seed: s,
          });
    const activation = !act || cfg.activation === 'leakyRelu' ? 'linear' : cfg.activation;
    const y = tf.layers
      .conv2d({
        name,
        filters,
        kernelSize: kernel,
        strides: stride,
        padding: 'same',
        activation,
        kernelInitializer,
        biasInitializer: 'zeros',
      })
      .apply(x) as SymbolicTensor;
    if (act && cfg.activation === 'leakyRelu') {
      return tf.layers.leakyReLU({ alpha: LEAKY_ALPHA, name: layerNames.activated(cfg, name) }).apply(y) as SymbolicTensor;
    }
    return y;
  };

  const add = (a: SymbolicTensor, b: SymbolicTensor, name: string): SymbolicTensor => tf.layers.add({ name }).apply([a, b]) as SymbolicTensor;

  const residualBlocks = (x: SymbolicTensor, stage: 'enc' | 'dec', level: number, n: number): SymbolicTensor => {
    for (let j = 0; j < n; j++) {
      const h = conv(x, layerNames.block(stage, level, j, 'c1'), widths[level], { act: true });
      const r = conv(h, layerNames.block(stage, level, j, 'c2'), widths[level], { init: 'small' });
      x = add(x, r, layerNames.block(stage, level, j, 'add'));
    }
    return x;
  };

  const input = tf.input({ shape: [null, null, IMAGE_CHANNELS], name: layerNames.input });
  let x = conv(input, layerNames.head, widths[0], { act: true });
  const skips: SymbolicTensor[] = [];
  for (let i = 0; i < levels; i++) {
    if (i > 0) x = conv(x, layerNames.down(i), widths[i], { stride: 2, act: true });
    x = residualBlocks(x, 'enc', i, cfg.encoderBlocks[i]);
    skips.push(x);
  }
  for (let i = levels - 2; i >= 0; i--) {
    x = conv(x, layerNames.upConv(i), widths[i]);
    x = tf.layers.upSampling2d({ size: [2, 2], interpolation: cfg.upsample, name: layerNames.upResize(i) }).apply(x) as SymbolicTensor;
    if (cfg.skip === 'add') {
      x = add(x, skips[i], layerNames.merge(i));
    } else if (cfg.skip === 'concat') {
      x = tf.layers.concatenate({ axis: -1, name: layerNames.merge(i) }).apply([x, skips[i]]) as SymbolicTensor;
      x = conv(x, layerNames.fuse(i), widths[i], { kernel: 1 });
    }
    x = residualBlocks(x, 'dec', i, cfg.decoderBlocks[i]);
  }
  let out = conv(x, layerNames.tail, IMAGE_CHANNELS, { init: cfg.zeroInitOutput ? 'zeros' : 'lecun' });
  if (cfg.globalResidual) out = add(input, out, layerNames.output);
  return tf.model({ inputs: input, outputs: out, name: options.name ?? 'weatherkd_restorer' });
}

/**
 * A restorer: the single-output `model` (what is saved) and a `featureModel` that shares its
 * layers and weights and also returns the encoder and decoder features. Features are
 * activations the forward pass computes anyway, so reading them costs no extra compute.
 */
export class Restorer {
  readonly config: RestorerConfig;
  readonly model: tf.LayersModel;
  /** Outputs [restored, ...encoder (levels), ...decoder (levels-1)]; shares `model`'s weights. */
  readonly featureModel: tf.LayersModel;
  /** Initialisation seed, when known. */
  readonly seed: number | undefined;
  private encoderModel: tf.LayersModel | null = null;
  private isDisposed = false;

  /**
   * Wraps a model built by buildRestorerModel or loaded from a file. Throws when the model's
   * layers do not match the config (missing layers, other conv shapes).
   */
  constructor(model: tf.LayersModel, config: RestorerConfig, seed?: number) {
    this.config = validateRestorerConfig(config);
    this.model = model;
    this.seed = seed;
    checkModelMatchesConfig(model, this.config);
    const features: SymbolicTensor[] = [];
    for (let i = 0; i < this.config.levels; i++) features.push(layerOutput(model, encoderFeatureLayer(this.config, i)));
    for (let i = 0; i < this.config.levels - 1; i++) features.push(layerOutput(model, decoderFeatureLayer(this.config, i)));
    this.featureModel = tf.model({
      inputs: model.inputs,
      outputs: [model.outputs[0], ...features],
      name: `${model.name}_features`,
    });
  }

  /** Restores x ([N, H, W, 3]); differentiable, so it can run inside optimizer.minimize. */
  predict(x: Tensor4D): Tensor4D {
    this.checkInput(x);
    return tf.tidy(() => this.model.apply(x) as Tensor4D);
  }

  /** Output plus the features at every level; differentiable. The caller disposes them all. */
  forwardWithFeatures(x: Tensor4D): RestorerFeatures {
    this.checkInput(x);
    return tf.tidy(() => {
      const outs = this.featureModel.apply(x) as Tensor4D[];
      const L = this.config.levels;
      return { output: outs[0], encoder: outs.slice(1, 1 + L), decoder: outs.slice(1 + L) };
    });
  }

  /** The encoder features only, shallow to deep; differentiable, and runs none of the decoder. */
  encode(x: Tensor4D): Tensor4D[] {
    this.checkInput(x);
    const L = this.config.levels;
    this.encoderModel ??= tf.model({ inputs: this.model.inputs, outputs: this.featureModel.outputs.slice(1, 1 + L), name: `${this.model.name}_encoder` });
    return tf.tidy(() => {
      const outs = this.encoderModel!.apply(x);
      return Array.isArray(outs) ? (outs as Tensor4D[]) : [outs as Tensor4D];
    });
  }

  /** The variables an optimizer should update. */
  get trainableWeights(): tf.Variable[] {
    return this.model.trainableWeights.map((w) => w.read() as tf.Variable);
  }

  /** The preset this config equals, if any. */
  get preset(): RestorerPresetName | undefined {
    return findPresetName(this.config);
  }

  countParams(): number {
    return this.model.countParams();
  }

  get disposed(): boolean {
    return this.isDisposed;
  }

  /** Frees the weights. featureModel shares them, so only `model` is disposed. */
  dispose(): void {
    if (this.isDisposed) return;
    this.isDisposed = true;
    this.model.dispose();
  }

  private checkInput(x: Tensor4D): void {
    if (this.isDisposed) throw new Error('Restorer is disposed');
    if (x.rank !== 4 || x.shape[3] !== IMAGE_CHANNELS) {
      throw new RestorerConfigError(`expected input [N, H, W, ${IMAGE_CHANNELS}], got [${x.shape.join(', ')}]`);
    }
    checkInputSize(this.config, x.shape[1], x.shape[2]);
  }
}

function layerOutput(model: tf.LayersModel, name: string): SymbolicTensor {
  let layer: tf.layers.Layer;
  try {
    layer = model.getLayer(name);
  } catch {
    throw new RestorerConfigError(`model does not match its restorer config: no layer "${name}"`);
  }
  return layer.output as SymbolicTensor;
}

/** Every conv the config implies must exist with the right kernel shape. */
function checkModelMatchesConfig(model: tf.LayersModel, config: RestorerConfig): void {
  if (model.inputs.length !== 1 || model.outputs.length !== 1) {
    throw new RestorerConfigError('model does not match its restorer config: expected one input and one output');
  }
  const specs = convSpecs(config);
  const convLayers = model.layers.filter((l) => l.getClassName() === 'Conv2D').length;
  if (convLayers !== specs.length) {
    throw new RestorerConfigError(`model does not match its restorer config: ${convLayers} conv layers, the config implies ${specs.length}`);
  }
  for (const spec of specs) {
    let weights: tf.LayerVariable[];
    try {
      weights = model.getLayer(spec.name).weights;
    } catch {
      throw new RestorerConfigError(`model does not match its restorer config: no layer "${spec.name}"`);
    }
    const want = [spec.kernel, spec.kernel, spec.inChannels, spec.outChannels];
    const got = weights[0]?.shape ?? [];
    if (got.join(',') !== want.join(',')) {
      throw new RestorerConfigError(
        `model does not match its restorer config: layer "${spec.name}" kernel is [${got.join(', ')}], expected [${want.join(', ')}]`,
      );
    }
  }
}

type LayerJson = { name: string; class_name: string; config: Record<string, unknown>; inbound_nodes: unknown };

/** Layers with their wiring and settings, minus initialisers (seed-dependent) and names of the model. */
function topologySignature(model: tf.LayersModel): string[] {
  const json = model.toJSON(null, false) as { config: { layers: LayerJson[] } };
  return json.config.layers.map((l) => {
    const { kernel_initializer: _k, bias_initializer: _b, ...rest } = l.config;
    void _k;
    void _b;
    return JSON.stringify([l.name, l.class_name, rest, l.inbound_nodes]);
  });
}

/**
 * Strict check for models from files: the layer graph must equal the one the config builds
 * (same layers, settings and wiring); throws RestorerConfigError naming the first difference.
 */
export function assertTopologyMatchesConfig(model: tf.LayersModel, config: RestorerConfig): void {
  checkModelMatchesConfig(model, config);
  const reference = buildRestorerModel(config);
  try {
    const want = topologySignature(reference);
    const got = topologySignature(model);
    for (let i = 0; i < Math.max(want.length, got.length); i++) {
      if (want[i] !== got[i]) {
        const name = (s: string | undefined) => (s ? (JSON.parse(s) as unknown[])[0] : 'nothing');
        throw new RestorerConfigError(
          `model does not match its restorer config: layer ${i} is "${String(name(got[i]))}", ` +
            `the config builds "${String(name(want[i]))}"${name(got[i]) === name(want[i]) ? ' with other settings or wiring' : ''}`,
        );
      }
    }
  } finally {
    reference.dispose();
  }
}

/** Builds a restorer from a config or a preset name. */
export function createRestorer(configOrPreset: RestorerConfig | RestorerPresetName, options: BuildRestorerOptions = {}): Restorer {
  const config = typeof configOrPreset === 'string' ? restorerPreset(configOrPreset) : configOrPreset;
  const model = buildRestorerModel(config, options);
  return new Restorer(model, config, options.seed ?? 0);
}
