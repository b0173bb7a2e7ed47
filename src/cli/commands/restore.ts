// weatherkd restore IN OUT [--model teacher|DIR]: restores one image and writes a PNG.

import { extname } from 'node:path';
import { CliError, defineCommand } from '../command';
import { backendOption, MODEL_OPTION, TILE_OPTIONS, tileValues } from '../common-options';

export const restoreCommand = defineCommand({
  name: 'restore',
  summary: 'restore a weather-degraded image with the teacher or a saved model',
  positionals: ['IN', 'OUT'],
  description: [
    'Restores IN (PNG, JPEG, WebP or BMP) and writes the result to OUT as an 8-bit PNG.',
    'Images with a side above --tile run in overlapping tiles blended without seams.',
  ].join('\n'),
  options: {
    model: MODEL_OPTION,
    ...TILE_OPTIONS,
    backend: backendOption(),
  },
  async run({ values, positionals: [inPath, outPath] }, io) {
    if (extname(outPath).toLowerCase() !== '.png') throw new CliError(`OUT must be a .png file, got ${outPath}`);
    const tiles = tileValues(values);
    // tfjs loads here, not at CLI start.
    const [{ restoreImage }, { startBackend }, { loadModelArg }, { readImageOrFail }, { ImageIOError, writeImage }] = await Promise.all([
      import('../../core/inference/restore'),
      import('../backend-option'),
      import('../model-arg'),
      import('../evaluate-pairs'),
      import('../image-io'),
    ]);
    const image = await readImageOrFail(inPath);
    const report = await startBackend(values.backend, io);
    const { restorer, dir } = await loadModelArg(values.model);
    try {
      const t0 = performance.now();
      const restored = await restoreImage(restorer, image, tiles);
      const seconds = (performance.now() - t0) / 1000;
      try {
        await writeImage(outPath, restored);
      } catch (e) {
        if (e instanceof ImageIOError) throw new CliError(e.message);
        throw new CliError(`cannot write ${outPath}: ${(e as Error).message.split('\n')[0]}`);
      }
      io.stdout.write(
        `restored ${inPath} (${image.width}x${image.height}) -> ${outPath} with ${values.model === dir ? dir : `${values.model} (${dir})`} ` +
          `in ${seconds.toFixed(2)} s on ${report.backend}\n`,
      );
    } finally {
      restorer.dispose();
    }
  },
});
