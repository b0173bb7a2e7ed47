// A small conditional generator of weather-degraded images for data-free distillation (DFL).
// Rather than painting pixels freely, it predicts the layers that weather images are synthesised
// from (docs/data.md), and composes them with the same physical models:
//   clean-ish base J, transmission t and airlight A:   I1 = J t' + A (1 - t')   (scattering model)
//   an occlusion layer alpha with colour c:            I  = I1 (1 - a') + c' a'  (streaks, flakes, drops)
// where t' = 1 - v g_haze (1 - t), a' = 0.9 v g_occ alpha and c' = c + 0.85 g_white (1 - c); the
// gates g come from the weather type (haze gets no occlusion, rain little haze, snow white
// occluders...) and the severity v is drawn uniformly in [0, 1] per image, not learned, so the
// samples cover light to heavy weather as the synthetic data does, and the generator cannot
// settle on the extreme weather where teacher and student disagree most. Every output is a convex mix of values in [0, 1], so images are in [0, 1]
// without a clip that would stop gradients, and the weather one-hot both conditions the network
// and decides which degradation layers exist: samples are degradation-shaped by construction.
//
// Network: a noise map at 1/8 of the output size (plus the one-hot, tiled) -> conv stage, then
// three x2 stages (bilinear resize, one fresh noise channel, two 3x3 convs), each modulated by
// FiLM from a global code (z and the one-hot). 1x1 heads give J (a grey level plus a bounded
// amount of colour), alpha and a grey occluder level c at full resolution, and t (>= 0.15) at a
// quarter of it, upsampled, since transmission follows depth and is smooth; A comes from the
// global code. Plain variables, not a Layers model: nothing needs saving, and the composition is
// easier to write as ops. Output size is fixed at construction (WebGPU caches buffers by shape).

import { tf, type Tensor4D } from '../tf';
import type { WeatherType } from '../data/weather';

export interface WeatherGeneratorConfig {
  /** Output side in pixels, a multiple of 8. */
  size: number;
  /** The families of the one-hot condition, in order. */
  weathers: readonly WeatherType[];
  /** Dimensions of the global code z. */
  latent: number;
  /** Noise channels of the base map (at size / 8). */
  noiseChannels: number;
  /** Channels of the four stages, coarse to fine. */
  widths: readonly [number, number, number, number];
}

export const DEFAULT_GENERATOR: Omit<WeatherGeneratorConfig, 'size' | 'weathers'> = {
  latent: 32,
  noiseChannels: 8,
  widths: [48, 32, 24, 16],
};

/** [haze, occlusion, white] gates per weather type. */
export const WEATHER_GATES: Readonly<Record<WeatherType, readonly [number, number, number]>> = {
  rain: [0.2, 1, 0.5],
  'heavy-rain': [1, 1, 0.5],
  haze: [1, 0, 0],
  snow: [0.4, 1, 1],
  raindrop: [0, 1, 0],
  mix: [1, 1, 0.5],
};

/** The random inputs of one batch; all fixed-shape. */
export interface GeneratorInputs {
  /** Global code [B, latent]. */
  code: tf.Tensor2D;
  /** Noise maps: [B, s/8, s/8, noiseChannels], then [B, s/4, s/4, 1], [B, s/2, s/2, 1], [B, s, s, 1]. */
  noise: Tensor4D[];
  /** One-hot weather family [B, weathers.length]. */
  weather: tf.Tensor2D;
  /** Severity per item [B, 1], uniform in [0, 1]: scales the degradation layers. */
  severity: tf.Tensor2D;
  /** Family of each item. */
  weatherNames: WeatherType[];
}

export interface GeneratorOutput {
  /** The degraded-looking image, [B, s, s, 3], in [0, 1]. */
  image: Tensor4D;
  /** The clean-ish base J, [B, s, s, 3]. */
  base: Tensor4D;
  /** The effective transmission t' and occlusion a', [B, s, s, 1]. */
  transmission: Tensor4D;
  occlusion: Tensor4D;
}

interface Conv {
  w: tf.Variable;
  b: tf.Variable;
}

const LEAK = 0.2;
const SATURATION = 0.35;
const MIN_TRANSMISSION = 0.15;

export class WeatherGenerator {
  readonly config: WeatherGeneratorConfig;
  readonly variables: tf.Variable[] = [];
  private readonly stages: Conv[][] = [];
  private readonly heads: Conv;
  private readonly transmissionHead: Conv;
  private readonly film: Conv;
  private readonly airlight: Conv;
  private readonly gates: tf.Tensor2D;
  private isDisposed = false;

  constructor(config: WeatherGeneratorConfig, seed: number) {
    if (!Number.isInteger(config.size) || config.size < 8 || config.size % 8 !== 0) {
      throw new RangeError(`generator size must be a positive multiple of 8, got ${config.size}`);
    }
    if (config.weathers.length === 0) throw new RangeError('generator needs at least one weather family');
    this.config = { ...config, weathers: [...config.weathers], widths: [...config.widths] as WeatherGeneratorConfig['widths'] };
    let k = 0;
    const uniform = (shape: number[], limit: number) => tf.randomUniform(shape, -limit, limit, 'float32', (seed + 7919 * ++k) >>> 0);
    // tidy frees the initial values; the variables (copies) survive it.
    const conv = (kernel: number, cin: number, cout: number, gain = 2): Conv =>
      tf.tidy(() => {
        const w = tf.variable(uniform([kernel, kernel, cin, cout], Math.sqrt((3 * gain) / (kernel * kernel * cin))), true);
        const b = tf.variable(tf.zeros([cout]), true);
        this.variables.push(w, b);
        return { w, b };
      });
    const { widths, noiseChannels, latent } = this.config;
    const nW = this.config.weathers.length;
    this.stages.push([conv(3, noiseChannels + nW, widths[0]), conv(3, widths[0], widths[0])]);
    for (let i = 1; i < 4; i++) this.stages.push([conv(3, widths[i - 1] + 1, widths[i]), conv(3, widths[i], widths[i])]);
    // Full-resolution heads: luminance and colour of the base, occlusion, occluder grey level.
    this.heads = conv(1, widths[3], 6, 1);
    // Transmission comes from the quarter-resolution stage and is upsampled: haze is smooth.
    this.transmissionHead = conv(1, widths[1], 1, 1);
    // FiLM starts near the identity (small weights): the code modulates, it does not drown the noise.
    this.film = conv(1, latent + nW + 1, 2 * widths.reduce((a, b) => a + b, 0), 0.02);
    this.airlight = conv(1, latent + nW + 1, 4, 1);
    this.gates = tf.tensor2d(
      this.config.weathers.map((w) => [...WEATHER_GATES[w]]),
      [nW, 3],
    );
  }

  /** Random inputs for a batch whose item i has family weathers[families[i]]. */
  sample(families: readonly number[], seed: number): GeneratorInputs {
    const { size, latent, noiseChannels, weathers } = this.config;
    const n = families.length;
    const s0 = size / 8;
    const normal = (shape: number[], k: number) => tf.randomNormal(shape, 0, 1, 'float32', (seed + 104729 * k) >>> 0);
    // Built by hand: tf.oneHot refuses a depth of 1 (a run on a single weather type).
    const oneHot = families.flatMap((f) => weathers.map((_, j) => (j === f ? 1 : 0)));
    const tensors = tf.tidy(() => ({
      code: normal([n, latent], 1) as tf.Tensor2D,
      noise: [
        normal([n, s0, s0, noiseChannels], 2) as Tensor4D,
        normal([n, 2 * s0, 2 * s0, 1], 3) as Tensor4D,
        normal([n, 4 * s0, 4 * s0, 1], 4) as Tensor4D,
        normal([n, size, size, 1], 5) as Tensor4D,
      ],
      weather: tf.tensor2d(oneHot, [n, weathers.length]),
      severity: tf.randomUniform([n, 1], 0, 1, 'float32', (seed + 104729 * 6) >>> 0) as tf.Tensor2D,
    }));
    return { ...tensors, weatherNames: families.map((f) => weathers[f]) };
  }

  /** Generates a batch; differentiable with respect to `variables`. */
  generate(inputs: GeneratorInputs): GeneratorOutput {
    if (this.isDisposed) throw new Error('generator is disposed');
    return tf.tidy(() => {
      const { widths } = this.config;
      const n = inputs.code.shape[0];
      const cond = tf.concat([inputs.code, inputs.weather, inputs.severity], 1).reshape([n, 1, 1, -1]) as Tensor4D;
      const film = tf.split(
        this.apply(this.film, cond),
        widths.flatMap((c) => [c, c]),
        3,
      );
      const act = (x: tf.Tensor4D) => tf.leakyRelu(x, LEAK);
      const s0 = this.config.size / 8;
      const tiled = tf.tile(inputs.weather.reshape([n, 1, 1, -1]), [1, s0, s0, 1]);
      let h = tf.concat([inputs.noise[0], tiled], 3) as Tensor4D;
      let quarter: Tensor4D | null = null;
      for (let i = 0; i < 4; i++) {
        if (i > 0) {
          const side = h.shape[1] * 2;
          h = tf.concat([tf.image.resizeBilinear(h, [side, side]), inputs.noise[i]], 3) as Tensor4D;
        }
        h = act(this.apply(this.stages[i][0], h));
        h = tf.add(tf.mul(h, tf.add(film[2 * i], 1)), film[2 * i + 1]) as Tensor4D;
        h = act(this.apply(this.stages[i][1], h));
        if (i === 1) quarter = h;
      }
      const size = this.config.size;
      const [lRaw, chromaRaw, aRaw, cRaw] = tf.split(this.apply(this.heads, h), [1, 3, 1, 1], 3);
      // Mostly grey structure with bounded colour (saturation at most SATURATION): an adversary
      // free to paint saturated colours finds them first, and no weather photo looks like that.
      const base = tf.add(tf.mul(tf.sigmoid(lRaw), 1 - SATURATION), tf.mul(tf.sigmoid(chromaRaw), SATURATION)) as Tensor4D;
      const t = tf.add(
        MIN_TRANSMISSION,
        tf.mul(1 - MIN_TRANSMISSION, tf.sigmoid(tf.image.resizeBilinear(this.apply(this.transmissionHead, quarter!), [size, size]))),
      );
      // Starts as a light occlusion layer (sigmoid(-2) ~ 0.12) rather than a half-covered image.
      const alpha = tf.sigmoid(tf.sub(aRaw, 2));
      const colour = tf.sigmoid(cRaw);
      // Airlight: a bright grey with a slight tint (skies are not pink).
      const [aGrey, aTint] = tf.split(this.apply(this.airlight, cond), [1, 3], 3);
      const A = tf.add(tf.add(0.55, tf.mul(0.4, tf.sigmoid(aGrey))), tf.mul(0.1, tf.sub(tf.sigmoid(aTint), 0.5)));
      const g = tf.matMul(inputs.weather, this.gates).reshape([n, 1, 1, 3]);
      const [gHazeMax, gOccMax, gWhite] = tf.split(g, 3, 3);
      const severity = inputs.severity.reshape([n, 1, 1, 1]);
      const gHaze = tf.mul(gHazeMax, severity);
      const gOcc = tf.mul(gOccMax, severity);
      const transmission = tf.sub(1, tf.mul(gHaze, tf.sub(1, t))) as Tensor4D;
      const hazy = tf.add(tf.mul(base, transmission), tf.mul(A, tf.sub(1, transmission)));
      const occlusion = tf.mul(tf.mul(gOcc, 0.9), alpha) as Tensor4D;
      const c = tf.add(colour, tf.mul(tf.mul(gWhite, 0.85), tf.sub(1, colour)));
      const image = tf.add(tf.mul(hazy, tf.sub(1, occlusion)), tf.mul(c, occlusion)) as Tensor4D;
      return { image, base, transmission, occlusion };
    });
  }

  countParams(): number {
    return this.variables.reduce((s, v) => s + v.size, 0);
  }

  dispose(): void {
    if (this.isDisposed) return;
    this.isDisposed = true;
    tf.dispose([...this.variables, this.gates]);
  }

  private apply(c: Conv, x: Tensor4D): Tensor4D {
    return tf.add(tf.conv2d(x, c.w as unknown as tf.Tensor4D, 1, 'same'), c.b) as Tensor4D;
  }
}

export function disposeGeneratorInputs(inputs: GeneratorInputs): void {
  tf.dispose([inputs.code, inputs.weather, inputs.severity, ...inputs.noise]);
}
