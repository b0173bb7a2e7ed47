import { describe, expect, it } from 'vitest';
import type { CleanSample } from './clean.ts';
import { renderDeadLeaves } from './dead-leaves.ts';
import { renderScene } from './scene.ts';
import { createImage } from './image.ts';
import { resolveParams, type SampledParamSpec } from './params.ts';
import { deriveSeed, Rng } from './rng.ts';
import { applyMix, synthesizeWeather, WEATHER_TYPES, WEATHERS, type MixParams, type WeatherType } from './weather.ts';
import { applyHaze } from './weathers/haze.ts';
import { applyRain, RAIN_PARAMS, type RainParams } from './weathers/rain.ts';
import { applyRaindrop } from './weathers/raindrop.ts';

const S = 48;
const sources: Record<string, CleanSample> = {
  scene: renderScene(S, S, 21),
  'dead-leaves': renderDeadLeaves(S, S, 22),
};

/** Index of the first value outside [0, 1], or -1: one expect per image, not per pixel. */
function firstOutside01(data: Float32Array): number {
  return data.findIndex((v) => !(v >= 0 && v <= 1));
}

function meanAbsDiff(a: Float32Array, b: Float32Array): number {
  let t = 0;
  for (let i = 0; i < a.length; i++) t += Math.abs(a[i] - b[i]);
  return t / a.length;
}

function psnr(a: Float32Array, b: Float32Array): number {
  let t = 0;
  for (let i = 0; i < a.length; i++) t += (a[i] - b[i]) ** 2;
  return 10 * Math.log10(a.length / Math.max(t, 1e-12));
}

/** Every numeric parameter of a flat params object, checked against its table. */
function expectWithinSpecs(specs: readonly SampledParamSpec[], params: object): void {
  const p = params as Record<string, unknown>;
  for (const spec of specs) {
    const v = p[spec.name];
    expect(typeof v, spec.name).toBe('number');
    expect(v as number, spec.name).toBeGreaterThanOrEqual(spec.min);
    expect(v as number, spec.name).toBeLessThanOrEqual(spec.max);
    if (spec.type === 'int') expect(Number.isInteger(v), spec.name).toBe(true);
  }
}

function expectParamsValid(type: WeatherType, params: object): void {
  if (type === 'mix') {
    const m = params as MixParams;
    expect(m.components.length).toBeGreaterThanOrEqual(2);
    expect(m.count).toBe(m.components.length);
    expect(new Set(m.components.map((c) => c.type)).size).toBe(m.components.length);
    for (const c of m.components) expectWithinSpecs(WEATHERS[c.type].params, c.params);
  } else {
    expectWithinSpecs(WEATHERS[type].params, params);
  }
}

describe('parameter tables', () => {
  it('have defaults inside bounds and sampling ranges inside bounds', () => {
    for (const type of WEATHER_TYPES) {
      for (const spec of WEATHERS[type].params) {
        expect(spec.min).toBeLessThanOrEqual(spec.default);
        expect(spec.default).toBeLessThanOrEqual(spec.max);
        expect(spec.min).toBeLessThanOrEqual(spec.range[0]);
        expect(spec.range[0]).toBeLessThanOrEqual(spec.range[1]);
        expect(spec.range[1]).toBeLessThanOrEqual(spec.max);
        // The wider training range contains the usual one and stays inside the bounds.
        const [lo, hi] = spec.wide ?? spec.range;
        expect(spec.min).toBeLessThanOrEqual(lo);
        expect(lo).toBeLessThanOrEqual(spec.range[0]);
        expect(spec.range[1]).toBeLessThanOrEqual(hi);
        expect(hi).toBeLessThanOrEqual(spec.max);
        expect(spec.step).toBeGreaterThan(0);
        expect(spec.label.length).toBeGreaterThan(0);
      }
    }
  });

  it('sampleParams stays in range for every severity and is seeded', () => {
    for (const type of WEATHER_TYPES) {
      for (const severity of [undefined, 0, 0.3, 1]) {
        for (let seed = 0; seed < 20; seed++) {
          const p = WEATHERS[type].sampleParams(new Rng(seed), severity);
          expectParamsValid(type, p);
          expect(WEATHERS[type].sampleParams(new Rng(seed), severity)).toEqual(p);
        }
      }
    }
  });

  it('wide sampling reaches the far ends: dense haze, fine and coarse snow', () => {
    const draws = (type: 'haze' | 'snow', wide: boolean, key: string) =>
      Array.from({ length: 200 }, (_, seed) => (WEATHERS[type].sampleParams(new Rng(seed), undefined, wide) as unknown as Record<string, number>)[key]);
    expect(Math.max(...draws('haze', false, 'beta'))).toBeLessThanOrEqual(2.8);
    expect(Math.max(...draws('haze', true, 'beta'))).toBeGreaterThan(4);
    expect(Math.min(...draws('snow', true, 'sizeMax'))).toBeLessThan(1);
    expect(Math.max(...draws('snow', true, 'sizeMax'))).toBeGreaterThan(9);
    for (let seed = 0; seed < 20; seed++) expectParamsValid('mix', WEATHERS.mix.sampleParams(new Rng(seed), undefined, true));
  });

  it('resolveParams fills defaults and clamps', () => {
    const p = resolveParams<RainParams>(RAIN_PARAMS, { length: 1e9, angle: Number.NaN });
    expect(p.length).toBe(100);
    expect(p.angle).toBe(0);
    expect(p.density).toBe(WEATHERS.rain.params.find((s) => s.name === 'density')!.default);
  });
});

describe.each(Object.keys(sources))('every weather on %s', (name) => {
  const src = sources[name];

  it.each([...WEATHER_TYPES])('%s: deterministic, in range, seed-dependent, degrading', (type) => {
    for (const severity of [0, 0.5, 1]) {
      const a = synthesizeWeather(type, src.image, src.depth, 5, { severity });
      const b = synthesizeWeather(type, src.image, src.depth, 5, { severity });
      expect(b.image.data).toEqual(a.image.data);
      expect(b.params).toEqual(a.params);
      expect(a.image.width).toBe(S);
      expect(a.image.height).toBe(S);
      expect(firstOutside01(a.image.data)).toBe(-1);
      expectParamsValid(type, a.params);
      // Plain JSON: survives a round trip unchanged.
      expect(JSON.parse(JSON.stringify(a.params))).toEqual(a.params);
      // Even the lightest weather changes the image measurably.
      expect(meanAbsDiff(a.image.data, src.image.data)).toBeGreaterThan(0.002);
      const c = synthesizeWeather(type, src.image, src.depth, 6, { severity });
      expect(c.image.data).not.toEqual(a.image.data);
    }
    // The input is never modified.
    expect(src.image.data).toEqual(sources[name].image.data);
  });

  it.each([...WEATHER_TYPES])('%s: the returned params reproduce the image', (type) => {
    const seed = 17;
    const res = synthesizeWeather(type, src.image, src.depth, seed);
    const again = WEATHERS[type].apply(src.image, src.depth, res.params as never, deriveSeed(seed, 'noise'));
    expect(again.image.data).toEqual(res.image.data);
  });
});

describe('weather physics', () => {
  const { image, depth } = sources.scene;

  it('severity orders the damage (mean PSNR over several images)', () => {
    const imgs = [renderScene(S, S, 1), renderScene(S, S, 2), renderDeadLeaves(S, S, 3), renderScene(S, S, 4)];
    for (const type of WEATHER_TYPES) {
      const mean = (severity: number): number =>
        imgs.reduce((t, s, i) => t + psnr(synthesizeWeather(type, s.image, s.depth, i, { severity }).image.data, s.image.data), 0) / imgs.length;
      const light = mean(0.05);
      const heavy = mean(0.95);
      expect(light, type).toBeGreaterThan(heavy + 3);
    }
  });

  it('rain only adds light', () => {
    for (let seed = 0; seed < 5; seed++) {
      for (const src of Object.values(sources)) {
        const out = synthesizeWeather('rain', src.image, src.depth, seed, { severity: 1 }).image.data;
        let worst = 0;
        for (let i = 0; i < out.length; i++) worst = Math.min(worst, out[i] - src.image.data[i]);
        expect(worst).toBeGreaterThanOrEqual(-1e-6);
      }
    }
    const streaks = applyRain(image, depth, { density: 0.01, intensity: 0.8 }, 1).image.data;
    expect(meanAbsDiff(streaks, image.data)).toBeGreaterThan(0.01);
  });

  it('haze moves every pixel towards the airlight, more with depth', () => {
    for (const airlight of [0.3, 1]) {
      const out = applyHaze(image, depth, { beta: 2, airlight, tint: 0, nonuniform: 0 }, 1).image.data;
      // Between J and A: brighter where J < A, darker where J > A.
      let outside = 0;
      for (let i = 0; i < out.length; i++) {
        const j = image.data[i];
        if (out[i] < Math.min(j, airlight) - 1e-6 || out[i] > Math.max(j, airlight) + 1e-6) outside++;
      }
      expect(outside).toBe(0);
    }
    // A flat grey image over a depth ramp: the hazed value rises monotonically with depth.
    const flat = createImage(16, 16);
    flat.data.fill(0.2);
    const ramp = new Float32Array(256).map((_, i) => Math.floor(i / 16) / 15);
    const hz = applyHaze(flat, ramp, { beta: 2, airlight: 0.9, tint: 0, nonuniform: 0 }, 1).image.data;
    for (let y = 1; y < 16; y++) expect(hz[y * 16 * 3]).toBeGreaterThan(hz[(y - 1) * 16 * 3]);
    expect(hz[0]).toBeCloseTo(0.2, 5); // depth 0: no haze
    expect(hz[15 * 16 * 3]).toBeCloseTo(0.2 * Math.exp(-2) + 0.9 * (1 - Math.exp(-2)), 5);
  });

  it('heavy rain veils distant parts more than near ones', () => {
    const res = synthesizeWeather('heavy-rain', image, depth, 3, { params: { beta: 2, intensity: 0.05, density: 0.0005 } });
    let far = 0;
    let nFar = 0;
    let near = 0;
    let nNear = 0;
    for (let i = 0; i < depth.length; i++) {
      const d = Math.abs(res.image.data[i * 3 + 1] - image.data[i * 3 + 1]);
      if (depth[i] > 0.8) {
        far += d;
        nFar++;
      } else if (depth[i] < 0.2) {
        near += d;
        nNear++;
      }
    }
    expect(nFar).toBeGreaterThan(0);
    expect(nNear).toBeGreaterThan(0);
    expect(far / nFar).toBeGreaterThan(near / nNear);
  });

  it('wet glass veils and softens the whole image; without veil and blur, only drops change it', () => {
    const flat = createImage(64, 64);
    flat.data.fill(0.3);
    const far = new Float32Array(64 * 64).fill(0.5);
    const few = { coverage: 0.02, radiusMin: 2, radiusMax: 3, blur: 0.5 };
    const clear = applyRaindrop(flat, far, { ...few, veil: 0, sceneBlur: 0 }, 5).image.data;
    const unchanged = clear.filter((v) => Math.abs(v - 0.3) < 1e-6).length;
    expect(unchanged / clear.length).toBeGreaterThan(0.5);
    const wet = applyRaindrop(flat, far, { ...few, veil: 0.25 }, 5).image.data;
    const mean = [0, 1, 2].map((c) => wet.filter((_, i) => i % 3 === c).reduce((t, v) => t + v, 0) / (wet.length / 3));
    // Every pixel brightens (a veil over the whole glass), blue most.
    expect(Math.min(...wet.filter((_, i) => i % 3 === 1))).toBeGreaterThan(0.3 + 0.01);
    expect(mean[2]).toBeGreaterThan(mean[0]);
    // The water film softens the scene: less fine detail with more blur.
    const detail = (d: Float32Array): number => {
      let t = 0;
      for (let i = 3; i < d.length; i++) t += Math.abs(d[i] - d[i - 3]);
      return t;
    };
    const soft = (sceneBlur: number): number => detail(applyRaindrop(image, depth, { ...few, veil: 0, sceneBlur }, 5).image.data);
    expect(soft(0)).toBeCloseTo(detail(image.data), -1);
    expect(soft(1)).toBeLessThan(0.8 * soft(0));
  });

  it('snow, raindrops and haze accept partial params; unknown or wrong sizes are rejected', () => {
    expect(() => applyHaze(image, new Float32Array(5), {}, 1)).toThrow();
    const r = synthesizeWeather('snow', image, depth, 1, { params: { layers: 4 } });
    expect(r.params.layers).toBe(4);
  });

  it('mix combines the requested number of weathers in physical order', () => {
    const order = ['haze', 'rain', 'snow', 'raindrop'];
    for (let seed = 0; seed < 10; seed++) {
      const res = applyMix(image, depth, { count: 3 }, seed);
      expect(res.params.components.length).toBe(3);
      const idx = res.params.components.map((c) => order.indexOf(c.type));
      expect([...idx].sort((a, b) => a - b)).toEqual(idx);
    }
    const viaSynth = synthesizeWeather('mix', image, depth, 4, { params: { count: 4 } });
    expect(viaSynth.params.components.map((c) => c.type)).toEqual(order);
    // Explicit components are applied as given (re-ordered physically).
    const explicit = applyMix(
      image,
      depth,
      {
        components: [
          { type: 'raindrop', params: WEATHERS.raindrop.sampleParams(new Rng(1)) },
          { type: 'haze', params: WEATHERS.haze.sampleParams(new Rng(2)) },
        ],
      },
      1,
    );
    expect(explicit.params.components.map((c) => c.type)).toEqual(['haze', 'raindrop']);
  });
});
