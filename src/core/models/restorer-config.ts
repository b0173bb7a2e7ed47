// Restorer architecture: the typed config, its validation, the named presets and the list of
// convolutions the config implies. Pure TypeScript (no tfjs) so the CLI, the UI and the
// complexity counts can read it without loading a backend.

export type RestorerActivation = 'relu' | 'leakyRelu' | 'swish';
/** How the decoder merges encoder feature i: add it, concatenate it (then a 1x1 conv), or not at all (a bottleneck). */
export type SkipMode = 'add' | 'concat' | 'none';
export type UpsampleMode = 'bilinear' | 'nearest';

/**
 * A U-Net-style restorer. Level i works at resolution H/2^i with widths[i] channels.
 * Encoder: head conv, then per level (a strided 3x3 conv down from level i-1 when i > 0, then
 * encoderBlocks[i] residual blocks). Decoder, from level levels-2 up to 0: a 3x3 conv at level
 * i+1 to widths[i] channels, a 2x resize, a merge with encoder feature i (add, or concat + 1x1
 * conv, or none: then everything passes through the coarsest level), then decoderBlocks[i] residual blocks. Tail: 3x3 conv to 3 channels, plus the input
 * when globalResidual. Input H and W must be divisible by 2^(levels-1).
 */
export interface RestorerConfig {
  levels: number;
  /** Channels per level, length `levels`. */
  widths: number[];
  /** Residual blocks (two 3x3 convs) per encoder level, length `levels`. */
  encoderBlocks: number[];
  /** Residual blocks per decoder level 0..levels-2, length `levels - 1`. */
  decoderBlocks: number[];
  skip: SkipMode;
  upsample: UpsampleMode;
  /** Output = input + predicted residual (not clipped: clipping would stop gradients). */
  globalResidual: boolean;
  activation: RestorerActivation;
  /** Zero the tail conv so a global-residual model starts as the identity. */
  zeroInitOutput: boolean;
}

export const RESTORER_ACTIVATIONS: readonly RestorerActivation[] = ['relu', 'leakyRelu', 'swish'];
export const SKIP_MODES: readonly SkipMode[] = ['add', 'concat', 'none'];
export const UPSAMPLE_MODES: readonly UpsampleMode[] = ['bilinear', 'nearest'];
export const MAX_LEVELS = 6;
export const MAX_WIDTH = 1024;
export const MAX_BLOCKS = 32;
export const IMAGE_CHANNELS = 3;

export class RestorerConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RestorerConfigError';
  }
}

function isPositiveInt(v: unknown, max: number): v is number {
  return typeof v === 'number' && Number.isInteger(v) && v >= 1 && v <= max;
}

function checkIntArray(name: string, v: unknown, length: number, min: number, max: number): number[] {
  if (!Array.isArray(v)) throw new RestorerConfigError(`${name} must be an array of ${length} integers`);
  if (v.length !== length) {
    throw new RestorerConfigError(`${name} must have ${length} entries (one per level), got ${v.length}`);
  }
  v.forEach((x, i) => {
    if (typeof x !== 'number' || !Number.isInteger(x) || x < min || x > max) {
      throw new RestorerConfigError(`${name}[${i}] must be an integer in [${min}, ${max}], got ${String(x)}`);
    }
  });
  return v as number[];
}

function checkEnum<T extends string>(name: string, v: unknown, allowed: readonly T[]): T {
  if (typeof v !== 'string' || !(allowed as readonly string[]).includes(v)) {
    throw new RestorerConfigError(`${name} must be one of ${allowed.join(', ')}, got ${JSON.stringify(v)}`);
  }
  return v as T;
}

/** Checks an untrusted value (e.g. from a model.json) and returns a clean copy. */
export function validateRestorerConfig(raw: unknown): RestorerConfig {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new RestorerConfigError('restorer config must be an object');
  }
  const c = raw as Record<string, unknown>;
  if (!isPositiveInt(c.levels, MAX_LEVELS)) {
    throw new RestorerConfigError(`levels must be an integer in [1, ${MAX_LEVELS}], got ${String(c.levels)}`);
  }
  const levels = c.levels;
  const config: RestorerConfig = {
    levels,
    widths: [...checkIntArray('widths', c.widths, levels, 1, MAX_WIDTH)],
    encoderBlocks: [...checkIntArray('encoderBlocks', c.encoderBlocks, levels, 0, MAX_BLOCKS)],
    decoderBlocks: [...checkIntArray('decoderBlocks', c.decoderBlocks, levels - 1, 0, MAX_BLOCKS)],
    skip: checkEnum('skip', c.skip, SKIP_MODES),
    upsample: checkEnum('upsample', c.upsample, UPSAMPLE_MODES),
    globalResidual: checkBool('globalResidual', c.globalResidual),
    activation: checkEnum('activation', c.activation, RESTORER_ACTIVATIONS),
    zeroInitOutput: checkBool('zeroInitOutput', c.zeroInitOutput),
  };
  return config;
}

function checkBool(name: string, v: unknown): boolean {
  if (typeof v !== 'boolean') throw new RestorerConfigError(`${name} must be true or false, got ${String(v)}`);
  return v;
}

/** Input sides must be multiples of this (callers pad, e.g. reflect, then crop). */
export function sizeMultiple(config: RestorerConfig): number {
  return 2 ** (config.levels - 1);
}

export function checkInputSize(config: RestorerConfig, height: number, width: number): void {
  const m = sizeMultiple(config);
  if (height % m !== 0 || width % m !== 0 || height < m || width < m) {
    throw new RestorerConfigError(`input ${height}x${width} is not a positive multiple of ${m} (2^(levels-1)); pad it first`);
  }
}

// ---------------------------------------------------------------------------------------------
// Presets. Teacher: ~1.5M parameters, most of them at the coarse levels where a conv costs few
// FLOPs per input pixel (widths double as resolution halves, so every 3x3 conv costs the same
// per input pixel), and one thin 24-channel block at full resolution, so it trains on two CPU
// cores. The students keep the teacher's exact topology (block i lines up with block i, feature
// i with feature i) and only narrow the widths, to ~10% and ~5% of its FLOPs per pixel.
// ---------------------------------------------------------------------------------------------

export type RestorerPresetName = 'teacher' | 'student-10' | 'student-5' | 'autoencoder';

const COMMON = {
  skip: 'add',
  upsample: 'bilinear',
  globalResidual: true,
  activation: 'relu',
  zeroInitOutput: true,
} as const;

/** Four levels, one residual block per encoder and decoder level; frozen (copy to edit). */
function fourLevelPreset(widths: number[]): RestorerConfig {
  const c: RestorerConfig = { ...COMMON, levels: 4, widths, encoderBlocks: [1, 1, 1, 1], decoderBlocks: [1, 1, 1] };
  Object.freeze(c.widths);
  Object.freeze(c.encoderBlocks);
  Object.freeze(c.decoderBlocks);
  return Object.freeze(c);
}

export const RESTORER_PRESETS: Readonly<Record<RestorerPresetName, RestorerConfig>> = Object.freeze({
  // 1,537,347 parameters, 178,848 FLOPs/pixel.
  teacher: fourLevelPreset([24, 48, 96, 192]),
  // 135,699 parameters (8.8%), 18,414 FLOPs/pixel (10.3%).
  'student-10': fourLevelPreset([8, 16, 28, 56]),
  // 67,839 parameters (4.4%), 9,180 FLOPs/pixel (5.1%).
  'student-5': fourLevelPreset([6, 10, 20, 40]),
  // The clean-image autoencoder (docs/autoencoder.md): the same four levels, but no skips and no
  // global residual, so every image passes through the coarsest level, 64 channels at 1/8 of the
  // side: a third as many numbers as the image has. It cannot copy its input; it must encode it.
  // 388,803 parameters, 70,848 FLOPs/pixel (40% of the teacher's).
  autoencoder: Object.freeze({
    ...fourLevelPreset([16, 32, 64, 64]),
    skip: 'none',
    globalResidual: false,
    zeroInitOutput: false,
  }) as RestorerConfig,
});

export const RESTORER_PRESET_NAMES = Object.keys(RESTORER_PRESETS) as RestorerPresetName[];

/** The presets a run may train as its student: the restorers (the autoencoder is not one). */
export const STUDENT_PRESET_NAMES = RESTORER_PRESET_NAMES.filter((n) => RESTORER_PRESETS[n].globalResidual);

export function isRestorerPresetName(name: string): name is RestorerPresetName {
  return (RESTORER_PRESET_NAMES as string[]).includes(name);
}

/** A fresh, mutable copy of a preset. */
export function restorerPreset(name: RestorerPresetName): RestorerConfig {
  const p = RESTORER_PRESETS[name];
  if (!p) throw new RestorerConfigError(`unknown restorer preset "${String(name)}"`);
  return structuredClone(p);
}

/** The preset whose config equals this one, if any. */
export function findPresetName(config: RestorerConfig): RestorerPresetName | undefined {
  return RESTORER_PRESET_NAMES.find((n) => sameConfig(RESTORER_PRESETS[n], config));
}

export function sameConfig(a: RestorerConfig, b: RestorerConfig): boolean {
  return JSON.stringify(canonical(a)) === JSON.stringify(canonical(b));
}

function canonical(c: RestorerConfig): RestorerConfig {
  return {
    levels: c.levels,
    widths: c.widths,
    encoderBlocks: c.encoderBlocks,
    decoderBlocks: c.decoderBlocks,
    skip: c.skip,
    upsample: c.upsample,
    globalResidual: c.globalResidual,
    activation: c.activation,
    zeroInitOutput: c.zeroInitOutput,
  };
}

// ---------------------------------------------------------------------------------------------
// The convolutions a config implies, in build order. The builder in restorer.ts uses the same
// names; complexity.ts counts from this list; a test checks both agree with the built model.
// ---------------------------------------------------------------------------------------------

export interface ConvSpec {
  name: string;
  kernel: number;
  stride: number;
  inChannels: number;
  outChannels: number;
  /** Level of the conv's output: it runs on (H/2^level) x (W/2^level) output pixels. */
  level: number;
}

const actSuffix = (config: RestorerConfig, name: string): string => (config.activation === 'leakyRelu' ? `${name}_act` : name);

/** Layer names, shared by the builder, the loader (feature lookup) and the counts. */
export const layerNames = {
  input: 'input',
  head: 'head',
  tail: 'tail',
  /** The global-residual add; without a global residual the tail is the output. */
  output: 'output',
  down: (i: number): string => `enc${i}_down`,
  block: (stage: 'enc' | 'dec', i: number, j: number, part: 'c1' | 'c2' | 'add'): string => `${stage}${i}_b${j}_${part}`,
  upConv: (i: number): string => `dec${i}_upconv`,
  upResize: (i: number): string => `dec${i}_resize`,
  merge: (i: number): string => `dec${i}_merge`,
  fuse: (i: number): string => `dec${i}_fuse`,
  /** Name of the activation layer after `conv` (leakyRelu is its own layer in tfjs). */
  activated: actSuffix,
};

/** Layer whose output is encoder feature i: the last layer run at encoder level i. */
export function encoderFeatureLayer(config: RestorerConfig, i: number): string {
  const b = config.encoderBlocks[i];
  if (b > 0) return layerNames.block('enc', i, b - 1, 'add');
  return actSuffix(config, i === 0 ? layerNames.head : layerNames.down(i));
}

/** Layer whose output is decoder feature i (0 <= i < levels-1). */
export function decoderFeatureLayer(config: RestorerConfig, i: number): string {
  const b = config.decoderBlocks[i];
  if (b > 0) return layerNames.block('dec', i, b - 1, 'add');
  return { add: layerNames.merge(i), concat: layerNames.fuse(i), none: layerNames.upResize(i) }[config.skip];
}

export function convSpecs(config: RestorerConfig): ConvSpec[] {
  const { levels, widths } = config;
  const specs: ConvSpec[] = [];
  const conv = (name: string, kernel: number, stride: number, cin: number, cout: number, level: number) =>
    specs.push({ name, kernel, stride, inChannels: cin, outChannels: cout, level });
  const blocks = (stage: 'enc' | 'dec', i: number, n: number) => {
    for (let j = 0; j < n; j++) {
      conv(layerNames.block(stage, i, j, 'c1'), 3, 1, widths[i], widths[i], i);
      conv(layerNames.block(stage, i, j, 'c2'), 3, 1, widths[i], widths[i], i);
    }
  };
  conv(layerNames.head, 3, 1, IMAGE_CHANNELS, widths[0], 0);
  for (let i = 0; i < levels; i++) {
    if (i > 0) conv(layerNames.down(i), 3, 2, widths[i - 1], widths[i], i);
    blocks('enc', i, config.encoderBlocks[i]);
  }
  for (let i = levels - 2; i >= 0; i--) {
    // The up conv runs at the coarse level i+1, before the resize: 4x cheaper than after it.
    conv(layerNames.upConv(i), 3, 1, widths[i + 1], widths[i], i + 1);
    if (config.skip === 'concat') conv(layerNames.fuse(i), 1, 1, 2 * widths[i], widths[i], i);
    blocks('dec', i, config.decoderBlocks[i]);
  }
  conv(layerNames.tail, 3, 1, widths[0], IMAGE_CHANNELS, 0);
  return specs;
}

/** Feature shapes [h, w, c] for an input of height x width, shallow to deep / by level. */
export function featureShapes(
  config: RestorerConfig,
  height: number,
  width: number,
): { encoder: [number, number, number][]; decoder: [number, number, number][] } {
  checkInputSize(config, height, width);
  const at = (i: number): [number, number, number] => [height >> i, width >> i, config.widths[i]];
  return {
    encoder: config.widths.map((_, i) => at(i)),
    decoder: config.widths.slice(0, -1).map((_, i) => at(i)),
  };
}
