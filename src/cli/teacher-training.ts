// The train-teacher loop: progress line, periodic validation and checkpoints, clean stop on
// SIGINT/SIGTERM. Loaded by commands/train-teacher.ts when that command runs (it loads tfjs).

import { readdirSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { describeReport } from '../core/backend/select';
import { countRestorerParams, restorerFlopsPerPixel } from '../core/models/complexity';
import { DivergedError, TeacherTrainer, type ValidationRecord } from '../core/train/teacher';
import { defaultTeacherRecipe, RECIPE_TASKS, recipeConfig, type TeacherInit, type TeacherRecipe } from '../core/train/teacher-recipe';
import { readRestorerMetadata } from '../core/models/io';
import type { RGBImage } from '../core/data/image';
import { startBackend } from './backend-option';
import { readImage } from './image-io';
import { loadModelArg } from './model-arg';
import { MODEL_JSON } from './model-files';
import { isImageFile } from './paired-dir';
import { CliError, type CliIO } from './command';
import { TASK_DEFAULTS, type TrainTeacherArgs } from './commands/train-teacher';
import { findCheckpointDir, readTeacherCheckpoint, writeTeacherCheckpoint, writeWeightsSnapshot } from './teacher-checkpoint';
import { formatDuration } from '../core/format';

/** Steps per second over the last `window` steps of this session. */
class RateMeter {
  private readonly times: number[] = [];
  constructor(private readonly window = 20) {}
  tick(now: number): void {
    this.times.push(now);
    if (this.times.length > this.window + 1) this.times.shift();
  }
  get rate(): number {
    const n = this.times.length;
    return n < 2 ? NaN : ((n - 1) * 1000) / (this.times[n - 1] - this.times[0]);
  }
}

function describeValidation(v: ValidationRecord): string {
  const per = Object.entries(v.psnr)
    .map(([w, p]) => `${w} ${p.toFixed(2)}`)
    .join(', ');
  const identity = v.identityPsnr !== undefined ? `; clean images kept at ${v.identityPsnr.toFixed(2)} dB` : '';
  return `validation at step ${v.step}: PSNR ${v.meanPsnr.toFixed(2)} dB (inputs ${v.meanInputPsnr.toFixed(2)} dB); ${per}${identity}`;
}

function newRecipe(args: TrainTeacherArgs): TeacherRecipe {
  const recipe = defaultTeacherRecipe(args.steps ?? TASK_DEFAULTS[args.task].steps, args.task);
  const { batch, patch, lr, warmupSteps, seed, identityShare, paleSkyShare, farDepth, litterShare, extremeShare, ssimWeight, weathers } = args.recipe;
  if (weathers !== undefined) recipe.weathers = weathers;
  if (farDepth !== undefined) recipe.farDepth = farDepth;
  if (identityShare !== undefined) recipe.identityShare = identityShare;
  if (paleSkyShare !== undefined) recipe.paleSkyShare = paleSkyShare;
  if (litterShare !== undefined) recipe.litterShare = litterShare;
  if (extremeShare !== undefined) recipe.extremeShare = extremeShare;
  if (ssimWeight !== undefined) recipe.ssimWeight = ssimWeight;
  if (batch !== undefined) recipe.batch = batch;
  if (patch !== undefined) recipe.patch = patch;
  if (lr !== undefined) recipe.lr = lr;
  if (warmupSteps !== undefined) recipe.warmupSteps = warmupSteps;
  if (seed !== undefined) recipe.seed = seed;
  return recipe;
}

/** What a fine-tuning run records of the model it started from. */
async function initProvenance(arg: string, dir: string): Promise<TeacherInit> {
  const info = (readRestorerMetadata(await readFile(path.join(dir, MODEL_JSON), 'utf8')).info ?? {}) as Record<string, unknown>;
  const training = (info.training ?? info) as Record<string, unknown>;
  const num = (v: unknown): number | null => (typeof v === 'number' ? v : null);
  return {
    model: arg,
    steps: num(training.steps ?? training.step),
    wallTimeMs: num(training.wallTimeMs ?? training.elapsedMs),
    recipe: training.recipe ?? null,
  };
}

/**
 * The photos of a folder, by name, less those excluded (by file name or stem); a resumed run asks
 * for the names it started with.
 */
async function readPhotos(dir: string, expected?: string[], exclude: string[] = []): Promise<{ names: string[]; images: RGBImage[] }> {
  let names: string[];
  try {
    names = (await readdir(dir)).filter(isImageFile).sort();
  } catch (e) {
    throw new CliError(`cannot read the photo folder ${dir}: ${e instanceof Error ? e.message : String(e)}`);
  }
  if (names.length === 0) {
    const withPhotos = (await readdir(dir, { withFileTypes: true }))
      .filter((d) => d.isDirectory())
      .map((d) => d.name)
      .filter((sub) => readdirSync(path.join(dir, sub)).some(isImageFile));
    const hint = withPhotos.length > 0 ? `; its subfolders ${withPhotos.slice(0, 3).join(', ')} do: pass one of them` : '';
    throw new CliError(`${dir} holds no PNG, JPEG, WebP or BMP photos${hint}`);
  }
  if (exclude.length > 0) {
    const stem = (n: string) => n.replace(/\.[^.]+$/, '');
    const unknown = exclude.filter((e) => !names.some((n) => n === e || stem(n) === e));
    if (unknown.length > 0) throw new CliError(`--exclude-photos: ${dir} has no photo ${unknown.join(', ')}`);
    names = names.filter((n) => !exclude.includes(n) && !exclude.includes(stem(n)));
    if (names.length === 0) throw new CliError(`--exclude-photos leaves no photos in ${dir}`);
  }
  if (expected) {
    const missing = expected.filter((n) => !names.includes(n));
    if (missing.length > 0) throw new CliError(`the run was trained on photos from ${dir} that are gone: ${missing.slice(0, 5).join(', ')}`);
    names = expected;
  }
  const images: RGBImage[] = [];
  for (const name of names) {
    try {
      images.push(await readImage(path.join(dir, name)));
    } catch (e) {
      throw new CliError(e instanceof Error ? e.message : String(e));
    }
  }
  return { names, images };
}

export async function trainTeacher(args: TrainTeacherArgs, io: CliIO): Promise<void> {
  if (args.resume === undefined && findCheckpointDir(args.outDir)) {
    throw new CliError(`${args.outDir} already holds a training run; continue it with --resume ${args.outDir} or pick another --out`);
  }
  // Read the checkpoint before starting the backend: a wrong path fails fast.
  const resumed = args.resume !== undefined ? await readTeacherCheckpoint(args.resume) : undefined;
  const resumedTask = resumed?.checkpoint.state.recipe.task ?? 'restore';
  if (resumed && resumedTask !== args.task) {
    throw new CliError(
      `${args.resume} holds a ${resumedTask === 'restore' ? 'teacher' : 'autoencoder'} run: continue it with ${RECIPE_TASKS[resumedTask].command} --resume`,
    );
  }
  const report = await startBackend(args.backend, io);
  const session = { backend: report.backend, device: report.device };
  let trainer: TeacherTrainer;
  const listed = resumed ? resumed.checkpoint.state.recipe.photos : args.recipe.photos && { ...args.recipe.photos, names: undefined };
  const photos = listed ? await readPhotos(listed.dir, listed.names, args.recipe.photos?.exclude) : undefined;
  const initial = args.init !== undefined && !resumed ? await loadModelArg(args.init) : undefined;
  try {
    if (resumed) trainer = await TeacherTrainer.resume(resumed.checkpoint, session, photos?.images);
    else {
      const recipe = newRecipe(args);
      if (initial) recipe.init = await initProvenance(args.init as string, initial.dir);
      if (args.recipe.photos && photos) recipe.photos = { dir: args.recipe.photos.dir, share: args.recipe.photos.share, names: photos.names };
      trainer = TeacherTrainer.create(recipe, session, initial?.restorer, photos?.images);
    }
  } catch (e) {
    initial?.restorer.dispose();
    // Bad recipes and inconsistent checkpoints: the message is the whole story.
    throw e instanceof Error ? new CliError(e.message) : e;
  }
  try {
    if (resumed && args.steps !== undefined && args.steps < trainer.step) {
      throw new CliError(`--steps ${args.steps} is fewer than the ${trainer.step} steps this run has already done`);
    }
    if (resumed && args.steps !== undefined && args.steps !== trainer.recipe.steps) {
      io.stderr.write(
        `note: the run was planned for ${trainer.recipe.steps} steps; its cosine schedule now stretches to ${args.steps}, ` +
          `so from step ${trainer.step + 1} on it differs from a run planned for ${args.steps} from the start\n`,
      );
      trainer.setTotalSteps(args.steps);
    }
    await loop(trainer, args, resumed?.dir, describeReport(report), io);
  } finally {
    trainer.dispose();
  }
}

async function loop(trainer: TeacherTrainer, args: TrainTeacherArgs, resumedFrom: string | undefined, backend: string, io: CliIO): Promise<void> {
  const r = trainer.recipe;
  const total = r.steps;
  const config = recipeConfig(r as TeacherRecipe);
  const tty = (process.stderr as { isTTY?: boolean }).isTTY === true && io.stderr === process.stderr;
  const err = (line: string) => io.stderr.write(`${tty ? '\r\x1b[K' : ''}${line}\n`);
  err(
    `${resumedFrom ? `resuming ${resumedFrom} at step ${trainer.step}` : `new run in ${args.outDir}`}` +
      `${!resumedFrom && r.init ? ` fine-tuning ${r.init.model}` : ''}: ` +
      `${typeof r.model === 'string' ? r.model : 'custom'} restorer, ${countRestorerParams(config).toLocaleString('en')} parameters, ` +
      `${Math.round(restorerFlopsPerPixel(config)).toLocaleString('en')} FLOPs/pixel; batch ${r.batch} of ${r.patch}x${r.patch}, ` +
      `${total} steps, lr ${r.lr} (warm-up ${r.warmupSteps}, cosine to ${(r.lr * r.finalLrFraction).toExponential(1)}), seed ${r.seed}`,
  );
  err(`backend: ${backend}`);
  err(`checkpoints: ${path.join(args.outDir, 'checkpoint')} every ${args.checkpointEverySteps} steps or ${formatDuration(args.checkpointEveryMs / 1000)}`);
  if (trainer.step >= total) {
    err(`nothing to do: the run is at step ${trainer.step} of ${total}`);
    return;
  }

  let stop: string | null = null;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stop) process.exit(130); // a second signal: the user means it
    stop = signal;
    err(`${signal}: stopping after this step and saving a checkpoint (send it again to quit at once)`);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  const save = async (): Promise<void> => {
    if (trainer.step > 0 && trainer.validations.at(-1)?.step !== trainer.step) err(describeValidation(await trainer.validate()));
    const checkpoint = await trainer.checkpoint();
    const dir = await writeTeacherCheckpoint(args.outDir, checkpoint);
    err(`checkpoint: step ${trainer.step} in ${dir}`);
    if (args.keepWeights) err(`weights kept in ${await writeWeightsSnapshot(args.outDir, checkpoint)}`);
  };

  const rate = new RateMeter();
  const startStep = trainer.step;
  let lastSave = performance.now();
  let lastSaveStep = trainer.step;
  rate.tick(performance.now());
  try {
    while (trainer.step < total && !stop) {
      let result;
      try {
        result = await trainer.trainStep();
      } catch (e) {
        if (e instanceof DivergedError) throw new CliError(`${e.message}; the last checkpoint in ${args.outDir} is intact`);
        throw e;
      }
      // The step's awaits resolve as microtasks on WASM, which never let the event loop poll:
      // yield once per step, or SIGINT/SIGTERM handlers would never run.
      await new Promise<void>((resolve) => setImmediate(resolve));
      const now = performance.now();
      rate.tick(now);
      const { step, loss, lr } = result;
      if (tty || step % args.logEvery === 0 || step === total || step === startStep + 1) {
        const recent = trainer.losses.slice(-50);
        const avg = recent.reduce((a, b) => a + b, 0) / recent.length;
        const sps = rate.rate;
        const line =
          `step ${step}/${total}  loss ${loss.toFixed(5)} (avg50 ${avg.toFixed(5)})  lr ${lr.toExponential(2)}  ` +
          `${Number.isFinite(sps) ? sps.toFixed(2) : '?'} steps/s  elapsed ${formatDuration(trainer.elapsedMs / 1000)}  ` +
          `left ${formatDuration((total - step) / sps)}`;
        io.stderr.write(tty ? `\r\x1b[K${line}` : `${line}\n`);
      }
      if (step - lastSaveStep >= args.checkpointEverySteps || now - lastSave >= args.checkpointEveryMs) {
        await save();
        lastSave = performance.now();
        lastSaveStep = step;
      }
    }
    if (trainer.step !== lastSaveStep || trainer.step === 0) await save();
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
  if (stop) {
    throw new CliError(`stopped by ${stop} at step ${trainer.step} of ${total}; continue with --resume ${args.outDir}`, 130);
  }
  err(
    `done: step ${trainer.step} (${trainer.step - startStep} in this run), ${formatDuration(trainer.elapsedMs / 1000)} of training in all; ` +
      `use it with --model ${args.outDir}`,
  );
}
