// Parameter and FLOP counts of a restorer, from its config alone (no tfjs needed).
// FLOPs count each multiply-add of a convolution as 2; biases, activations, adds and resizes
// are left out (under 1% here). Counts are per input pixel: a conv at level i runs on 1/4^i
// as many pixels as the input has.

import { convSpecs, type ConvSpec, type RestorerConfig, validateRestorerConfig } from './restorer-config';

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
