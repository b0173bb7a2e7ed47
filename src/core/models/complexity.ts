// Parameter and FLOP counts of a restorer, from its config alone (no tfjs needed).
// FLOPs count each multiply-add of a convolution as 2; biases, activations, adds and resizes
// are left out (under 1% here). Counts are per input pixel: a conv at level i runs on 1/4^i
// as many pixels as the input has.

import { convSpecs, IMAGE_CHANNELS, type ConvSpec, type RestorerConfig, validateRestorerConfig } from './restorer-config';

export function convParams(spec: ConvSpec): number {
  return spec.kernel * spec.kernel * spec.inChannels * spec.outChannels + spec.outChannels;
}

/** Forward FLOPs of one conv per input pixel. */
export function convFlopsPerPixel(spec: ConvSpec): number {
  return (2 * spec.kernel * spec.kernel * spec.inChannels * spec.outChannels) / 4 ** spec.level;
}

/** Trainable parameters; equals the built model's countParams(). */
export function countRestorerParams(config: RestorerConfig): number {
  validateRestorerConfig(config);
  return convSpecs(config).reduce((s, c) => s + convParams(c), 0);
}

/** Forward-pass FLOPs per input pixel (forward only). */
export function restorerFlopsPerPixel(config: RestorerConfig): number {
  validateRestorerConfig(config);
  return convSpecs(config).reduce((s, c) => s + convFlopsPerPixel(c), 0);
}

/** Forward FLOPs for a batch of n images of height x width. */
export function forwardFlops(config: RestorerConfig, n: number, height: number, width: number): number {
  return restorerFlopsPerPixel(config) * n * height * width;
}

/**
 * Forward + backward FLOPs of one training step on a batch. The backward pass of a conv is an
 * input-gradient conv and a filter-gradient conv, each as costly as the forward: 3x in total.
 */
export function trainStepFlops(config: RestorerConfig, n: number, height: number, width: number): number {
  return 3 * forwardFlops(config, n, height, width);
}

export interface RestorerComplexity {
  params: number;
  flopsPerPixel: number;
  /** Forward FLOPs per pixel at each level (index = level). */
  flopsPerPixelByLevel: number[];
  /** Parameters at each level. */
  paramsByLevel: number[];
}

export function restorerComplexity(config: RestorerConfig): RestorerComplexity {
  validateRestorerConfig(config);
  const flopsPerPixelByLevel = new Array<number>(config.levels).fill(0);
  const paramsByLevel = new Array<number>(config.levels).fill(0);
  for (const c of convSpecs(config)) {
    flopsPerPixelByLevel[c.level] += convFlopsPerPixel(c);
    paramsByLevel[c.level] += convParams(c);
  }
  return {
    params: paramsByLevel.reduce((a, b) => a + b, 0),
    flopsPerPixel: flopsPerPixelByLevel.reduce((a, b) => a + b, 0),
    flopsPerPixelByLevel,
    paramsByLevel,
  };
}

/**
 * Theoretical receptive-field radius in input pixels: how far an output pixel can see. A k x k
 * conv at level l adds (k - 1) / 2 pixels of its own grid, 2^l input pixels each (a stride-2 conv
 * reads the finer grid it came from); each 2x upsampling from level l adds one coarse pixel.
 * An upper bound: the effective reach of a trained network is far shorter (docs/performance.md).
 */
export function receptiveFieldRadius(config: RestorerConfig): number {
  validateRestorerConfig(config);
  let radius = 0;
  for (const c of convSpecs(config)) radius += ((c.kernel - 1) / 2) * 2 ** (c.stride === 2 ? c.level - 1 : c.level);
  for (let i = config.levels - 2; i >= 0; i--) radius += 2 ** (i + 1);
  return radius;
}

/**
 * Bytes of activations alive at once per input pixel in a forward pass, an estimate for choosing
 * tile sizes: tfjs frees each layer's output once its last reader has run, so the peak holds every
 * level's encoder output (kept for its skip) plus a full-resolution conv's input, output and
 * activation, and the image in and out. Measured on the teacher at 256x256 on WASM: 400 B.
 */
export function activationBytesPerPixel(config: RestorerConfig): number {
  validateRestorerConfig(config);
  const skips = config.widths.reduce((s, w, i) => s + w / 4 ** i, 0);
  return 4 * (skips + 3 * config.widths[0] + 2 * IMAGE_CHANNELS);
}
