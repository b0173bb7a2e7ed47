import { describe, expect, it } from 'vitest';
import { WEATHER_TYPES } from '../data/weather';
import {
  COSINE_FINAL_FRACTION,
  defaultRunParams,
  inputFromParams,
  resolveRunConfig,
  RUN_PARAMS,
  RUN_PRESET_NAMES,
  RunConfigError,
  studentLearningRate,
  type MethodCatalogEntry,
} from './config';
import { checkParams, defaultsOf, paramError, parseParamText } from './params';

// A stand-in for the registry: config.ts must not need tfjs.
const METHODS: MethodCatalogEntry[] = [
  { id: 'scratch', options: {} },
  { id: 'kd', options: { kdWeight: { type: 'number', min: 0, max: 100, default: 1, label: 'w', help: '' } } },
];

function issuesOf(f: () => unknown): string[] {
  try {
    f();
  } catch (e) {
    if (e instanceof RunConfigError) return [...e.issues];
    throw e;
  }
  throw new Error('expected a RunConfigError');
}

describe('run configuration', () => {
  it('fills every field from the table and the preset', () => {
    const c = resolveRunConfig({}, METHODS);
    expect(c).toMatchObject({ method: 'kd', student: 'student-10', steps: 2000, batch: 8, patch: 64, lr: 1e-3, seed: 1 });
    expect(c.evalSet).toEqual({ count: 4, size: 96, seed: 7, weathers: [...WEATHER_TYPES] });
    expect(c.methodOptions).toEqual({ kdWeight: 1 });
    const q = resolveRunConfig({ method: 'scratch' }, METHODS, 'quick');
    expect(q).toMatchObject({ student: 'student-5', steps: 60, batch: 4, patch: 32, evalSet: { count: 2, size: 32 } });
  });

  it('lets explicit values win over the preset, and resolving twice changes nothing', () => {
    const c = resolveRunConfig({ steps: 7, evalSet: { count: 3 }, methodOptions: { kdWeight: 0.5 } }, METHODS, 'quick');
    expect(c.steps).toBe(7);
    expect(c.evalSet.count).toBe(3);
    expect(c.evalSet.size).toBe(32);
    expect(c.methodOptions.kdWeight).toBe(0.5);
    expect(resolveRunConfig(c, METHODS, 'quick')).toEqual(c);
  });

  it('every preset resolves, and its defaults match the table', () => {
    for (const p of RUN_PRESET_NAMES) expect(() => resolveRunConfig({}, METHODS, p)).not.toThrow();
    expect(defaultRunParams('standard')).toEqual(defaultsOf(RUN_PARAMS));
  });

  it('reports every problem at once, each naming its field', () => {
    const issues = issuesOf(() =>
      resolveRunConfig(
        { method: 'kd', steps: 0, batch: 2.5, lr: -1, weathers: ['rain', 'fog'] as never, evalSet: { size: 8 }, methodOptions: { kdWeight: 'x', alpha: 1 } },
        METHODS,
      ),
    );
    expect(issues).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^steps must be an integer in \[1, /),
        expect.stringMatching(/^batch must be an integer/),
        expect.stringMatching(/^lr must be a number in/),
        expect.stringMatching(/^weathers: unknown value "fog"/),
        expect.stringMatching(/^evalSet.size must be an integer in \[16, 512\], got 8/),
        expect.stringMatching(/^unknown setting kd.alpha \(known: kdWeight\)/),
        expect.stringMatching(/^kd.kdWeight must be a number/),
      ]),
    );
    expect(issues).toHaveLength(7);
  });

  it('rejects unknown methods, unknown settings, presets and sizes the student cannot take', () => {
    expect(issuesOf(() => resolveRunConfig({ method: 'dfx' }, METHODS))).toEqual(['unknown method "dfx" (expected one of scratch, kd)']);
    expect(issuesOf(() => resolveRunConfig({ stpes: 3 } as never, METHODS))[0]).toMatch(/^unknown setting stpes \(known: student, seed, steps/);
    expect(issuesOf(() => resolveRunConfig({ patch: 36 }, METHODS))).toEqual(['patch must be a multiple of 8 for student-10, got 36']);
    expect(issuesOf(() => resolveRunConfig({ evalSamples: 9 }, METHODS))).toEqual(['evalSamples (9) must not exceed evalSet.count (4)']);
    expect(issuesOf(() => resolveRunConfig({ method: 'scratch', methodOptions: { a: 1 } }, METHODS))).toEqual([
      'unknown setting scratch.a (this method has no options)',
    ]);
    expect(() => resolveRunConfig({}, METHODS, 'fast' as never)).toThrow(/unknown preset "fast"/);
    expect(new RunConfigError(['a', 'b']).message).toBe('invalid run configuration: a; b');
  });

  it('schedules the learning rate: warm-up, cosine to 5%, or constant', () => {
    const c = { lr: 1e-3, steps: 100, warmupSteps: 10, lrSchedule: 'cosine' as const };
    expect(studentLearningRate(c, 0)).toBeCloseTo(1e-4, 12);
    expect(studentLearningRate(c, 9)).toBeCloseTo(1e-3, 12);
    expect(studentLearningRate(c, 99)).toBeCloseTo(1e-3 * COSINE_FINAL_FRACTION, 12);
    for (let s = 11; s < 100; s++) expect(studentLearningRate(c, s)).toBeLessThanOrEqual(studentLearningRate(c, s - 1));
    expect(studentLearningRate({ ...c, lrSchedule: 'constant' }, 99)).toBe(1e-3);
    // A warm-up longer than the run is cut to the run.
    expect(studentLearningRate({ ...c, steps: 4 }, 3)).toBeCloseTo(1e-3, 12);
  });
});

describe('parameter tables', () => {
  it('parses text as the CLI and URLs write it', () => {
    expect(parseParamText('steps', RUN_PARAMS.steps, ' 12 ')).toBe(12);
    expect(parseParamText('lr', RUN_PARAMS.lr, '2e-3')).toBe(2e-3);
    expect(parseParamText('weathers', RUN_PARAMS.weathers, 'haze, rain')).toEqual(['haze', 'rain']);
    expect(parseParamText('weathers', RUN_PARAMS.weathers, 'all')).toEqual([...WEATHER_TYPES]);
    expect(() => parseParamText('steps', RUN_PARAMS.steps, '1.5')).toThrow(/steps must be an integer/);
    expect(() => parseParamText('steps', RUN_PARAMS.steps, '')).toThrow(/steps must be an integer/);
    expect(() => parseParamText('student', RUN_PARAMS.student, 'big')).toThrow(/student must be one of teacher, student-10, student-5, got "big"/);
    expect(() => parseParamText('weathers', RUN_PARAMS.weathers, 'rain,rain')).toThrow(/lists a value twice/);
  });

  it('checks values against their rows and fills defaults', () => {
    const table = { on: { type: 'bool', default: false, label: '', help: '' } } as const;
    const errors: string[] = [];
    expect(checkParams(table, {}, 'x.', errors)).toEqual({ on: false });
    expect(errors).toEqual([]);
    expect(paramError('x.on', table.on, 'yes')).toBe('x.on must be true or false, got "yes"');
  });

  it('turns values by table key (the form, the CLI flags) into a configuration input', () => {
    const input = inputFromParams({ steps: 9, 'evalSet.size': 48, 'evalSet.weathers': ['rain'], seed: undefined });
    expect(input).toEqual({ steps: 9, evalSet: { size: 48, weathers: ['rain'] } });
    const config = resolveRunConfig({ ...input, method: METHODS[0].id }, METHODS, 'quick');
    expect(config).toMatchObject({ steps: 9, seed: 1, evalSet: { size: 48, weathers: ['rain'], count: 2 } });
  });
});
