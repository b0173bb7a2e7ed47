// weatherkd eval --input DIR --target DIR [--model teacher|DIR] [--json]: restores every input,
// pairs it with its target by file stem, and reports PSNR/SSIM (RGB and Y) of the input and of
// the restored image, per image and averaged.

import path from 'node:path';
import type { EvalSummary } from '../../core/inference/evaluate';
import { SPLIT_NAMES, stemsInSplit, type SplitName } from '../../core/data/splits';
import type { ImageScores } from '../../core/metrics/common';
import { UsageError, defineCommand } from '../command';
import { backendOption, MODEL_OPTION, TILE_OPTIONS, tileValues } from '../common-options';
import { intOption } from '../number-option';
import { pairByStem } from '../paired-dir';
import { scoresToJson } from './metrics';

/** The --json document: scores with Infinity written as "Infinity" (JSON has no Infinity). */
export function evalJson(model: string, summary: EvalSummary): object {
  return {
    model,
    count: summary.count,
    input: scoresToJson(summary.input),
    output: scoresToJson(summary.output),
    images: summary.images.map((i) => ({ name: i.name, input: scoresToJson(i.input), output: scoresToJson(i.output) })),
  };
}

const db = (v: number): string => (v === Infinity ? 'inf' : v.toFixed(2));
const cols = (s: ImageScores): string => `${db(s.psnr).padStart(6)} ${s.ssim.toFixed(4)}  ${db(s.psnr_y).padStart(6)} ${s.ssim_y.toFixed(4)}`;

export const evalCommand = defineCommand({
  name: 'eval',
  summary: "PSNR/SSIM of a model on paired input/target folders, next to the inputs' own scores",
  positionals: [],
  description: [
    'Pairs the images of --input and --target by file stem (001.png with 001.jpg), restores each',
    'input with the model and scores input and restored image against the target: PSNR and SSIM on',
    'RGB and on the BT.601 Y channel (see "weatherkd metrics --help"). Restored images are scored as',
    'the 8-bit PNGs "weatherkd restore" writes. Means are over images (PSNR averaged in dB).',
    'With --json, prints {"model", "count", "input", "output", "images": [{"name", "input", "output"}]}.',
  ].join('\n'),
  options: {
    input: { type: 'string', valueName: 'DIR', description: 'folder of degraded images (required)' },
    target: { type: 'string', valueName: 'DIR', description: 'folder of clean images with the same stems (required)' },
    model: MODEL_OPTION,
    json: { type: 'boolean', description: 'print one JSON object on stdout' },
    limit: { type: 'string', valueName: 'N', description: 'score only the first N pairs (natural order of stems)' },
    split: {
      type: 'string',
      valueName: 'dev|test',
      description: "score only that half of a set with a declared split (the set is --input's parent folder, e.g. rain100h; docs/data.md#splits)",
    },
    ...TILE_OPTIONS,
    backend: backendOption(),
  },
  async run({ values }, io) {
    if (!values.input) throw new UsageError('--input DIR is required');
    if (!values.target) throw new UsageError('--target DIR is required');
    const tiles = tileValues(values);
    const limit = values.limit === undefined ? Infinity : intOption('limit', values.limit, 1);
    let pairs = await pairByStem(values.input, values.target);
    if (values.split !== undefined) {
      const split = values.split as SplitName;
      if (!SPLIT_NAMES.includes(split)) throw new UsageError(`--split must be dev or test, got "${values.split}"`);
      const set = path.basename(path.dirname(path.resolve(values.input)));
      let keep: Set<string>;
      try {
        keep = new Set(
          stemsInSplit(
            set,
            split,
            pairs.map((p) => p.name),
          ),
        );
      } catch (e) {
        throw new UsageError(`--split: ${(e as Error).message}`);
      }
      pairs = pairs.filter((p) => keep.has(p.name));
    }
    pairs = pairs.slice(0, limit);
    // tfjs loads here, not at CLI start.
    const [{ startBackend }, { loadModelArg }, { evaluateFilePairs }] = await Promise.all([
      import('../backend-option'),
      import('../model-arg'),
      import('../evaluate-pairs'),
    ]);
    const report = await startBackend(values.backend, io);
    const { restorer, dir } = await loadModelArg(values.model);
    const tty = (process.stderr as { isTTY?: boolean }).isTTY === true && io.stderr === process.stderr;
    const t0 = Date.now();
    let lastLine = t0;
    try {
      const summary = await evaluateFilePairs(restorer, pairs, {
        ...tiles,
        // Progress on stderr (stdout keeps the result alone): a live line on a terminal, else a line every 10 s.
        onImage: (done, total, s) => {
          if (tty) io.stderr.write(`\r\x1b[K${done}/${total} ${s.name}${done === total ? '\r\x1b[K' : ''}`);
          else if (Date.now() - lastLine >= 10_000 && done < total) {
            lastLine = Date.now();
            io.stderr.write(`eval: ${done} of ${total} images, ${((Date.now() - t0) / 1000).toFixed(0)} s\n`);
          }
        },
      });
      if (values.json) {
        io.stdout.write(`${JSON.stringify(evalJson(values.model, summary))}\n`);
        return;
      }
      const width = Math.max(4, ...summary.images.map((i) => i.name.length));
      const lines = [
        `model ${values.model}${values.model === dir ? '' : ` (${dir})`} on ${report.backend}; ${summary.count} pairs from ${values.input}`,
        `${''.padEnd(width)}  ${'input'.padEnd(29)}  output`,
        `${'name'.padEnd(width)}  ${'PSNR   SSIM    PSNR_Y SSIM_Y'.padEnd(29)}  PSNR   SSIM    PSNR_Y SSIM_Y`,
        ...summary.images.map((i) => `${i.name.padEnd(width)}  ${cols(i.input)}  ${cols(i.output)}`),
        `${'mean'.padEnd(width)}  ${cols(summary.input)}  ${cols(summary.output)}`,
        '',
      ];
      io.stdout.write(lines.join('\n'));
    } finally {
      restorer.dispose();
    }
  },
});
