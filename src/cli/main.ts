// The weatherkd command line. To add a command, write it with defineCommand (see
// commands/metrics.ts) and add it to COMMANDS below; help and error handling come for free.
//
// Run it as `npx weatherkd ...` (bin/weatherkd.mjs) or `npm run weatherkd -- ...`.

import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { CliError, UsageError, type CliIO, type Command } from './command';
import { compareCommand } from './commands/compare';
import { distillCommand } from './commands/distill';
import { evalCommand } from './commands/eval';
import { metricsCommand } from './commands/metrics';
import { restoreCommand } from './commands/restore';
import { sweepCommand } from './commands/sweep';
import { trainAutoencoderCommand, trainTeacherCommand } from './commands/train-teacher';

export const COMMANDS: readonly Command[] = [
  metricsCommand,
  trainTeacherCommand,
  trainAutoencoderCommand,
  restoreCommand,
  evalCommand,
  distillCommand,
  sweepCommand,
  compareCommand,
];

const PROCESS_IO: CliIO = { stdout: process.stdout, stderr: process.stderr };

function version(): string {
  const pkg = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../package.json');
  return (JSON.parse(readFileSync(pkg, 'utf8')) as { version: string }).version;
}

function overview(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  return [
    'Usage: weatherkd <command> [arguments] [options]',
    '',
    'Commands:',
    ...COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'Run "weatherkd <command> --help" for the arguments and options of a command.',
    '',
  ].join('\n');
}

/** Runs the CLI on argv (without "node script"); returns the exit code instead of exiting. */
export async function main(argv: readonly string[], io: CliIO = PROCESS_IO): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || (name === 'help' && rest.length === 0)) {
    io.stdout.write(overview());
    return 0;
  }
  if (name === '--version' || name === '-v') {
    io.stdout.write(`${version()}\n`);
    return 0;
  }
  const wanted = name === 'help' ? rest[0] : name;
  const command = COMMANDS.find((c) => c.name === wanted);
  if (!command) {
    io.stderr.write(`weatherkd: unknown command "${wanted}" (run "weatherkd --help" for the list)\n`);
    return 2;
  }
  if (name === 'help') {
    io.stdout.write(command.help());
    return 0;
  }
  try {
    await command.run(rest, io);
    return 0;
  } catch (err) {
    // One line per failure: the user needs the reason, not our stack (WEATHERKD_DEBUG=1 shows it).
    if (process.env.WEATHERKD_DEBUG && err instanceof Error) io.stderr.write(`${err.stack}\n`);
    if (err instanceof UsageError) {
      io.stderr.write(`weatherkd ${name}: ${err.message} (see "weatherkd ${name} --help")\n`);
    } else if (err instanceof CliError) {
      io.stderr.write(`weatherkd ${name}: ${err.message}\n`);
    } else {
      const message = err instanceof Error ? err.message : String(err);
      io.stderr.write(`weatherkd ${name}: unexpected error: ${message.split('\n')[0]}\n`);
    }
    return err instanceof CliError ? err.exitCode : 1;
  }
}

// Run when this file is the entry point (tsx src/cli/main.ts); bin/weatherkd.mjs calls main() itself.
if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  process.exitCode = await main(process.argv.slice(2));
}
