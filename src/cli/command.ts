// The shape of one CLI command. A command is one `defineCommand({...})` object and one line in the
// table in main.ts; help text, option parsing (node's util.parseArgs) and error reporting are
// derived from it here, so every command behaves the same.

import { parseArgs } from 'node:util';

/** A failure the user can act on: printed as one line on stderr, no stack trace. */
export class CliError extends Error {
  override name = 'CliError';
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
  }
}

/** Bad command-line arguments (exit code 2, with a pointer to --help). */
export class UsageError extends CliError {
  override name = 'UsageError';
  constructor(message: string) {
    super(message, 2);
  }
}

/** Where a command writes; main() passes the process streams, tests may pass buffers. */
export interface CliIO {
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
}

export interface OptionSpec {
  type: 'boolean' | 'string';
  short?: string;
  multiple?: boolean;
  default?: boolean | string | boolean[] | string[];
  /** One line for --help. */
  description: string;
  /** Placeholder shown in --help for string options, e.g. "DIR". */
  valueName?: string;
}

type OptionValue<S extends OptionSpec> = S['type'] extends 'boolean'
  ? S extends { multiple: true }
    ? boolean[]
    : boolean
  : S extends { multiple: true }
    ? string[]
    : string;

/** The parsed values of a command's options, typed from its option table. */
export type OptionValues<O extends Record<string, OptionSpec>> = {
  [K in keyof O]: O[K] extends { default: unknown } ? OptionValue<O[K]> : OptionValue<O[K]> | undefined;
};

export interface CommandSpec<O extends Record<string, OptionSpec>> {
  name: string;
  /** One line for the command list. */
  summary: string;
  /** Positional arguments as shown in the usage line, e.g. ['RESTORED', 'REFERENCE']. */
  positionals: string[];
  /** How many of the positionals may be left out at the end (default 0). */
  optionalPositionals?: number;
  /** The last positional may repeat (`DIR...`). */
  variadic?: boolean;
  options: O;
  /** Longer explanation printed by --help, after the usage line. */
  description?: string;
  /** More help that depends on the other flags given with --help (e.g. a method's options). */
  moreHelp?(values: OptionValues<O>): Promise<string>;
  run(args: { values: OptionValues<O>; positionals: string[] }, io: CliIO): Promise<void> | void;
}

export interface Command {
  name: string;
  summary: string;
  help(): string;
  run(argv: string[], io: CliIO): Promise<void>;
}

const HELP_OPTION: OptionSpec = { type: 'boolean', short: 'h', description: 'show this help' };

function optionsHelp(options: Record<string, OptionSpec>): string {
  const rows = Object.entries(options).map(([name, spec]) => {
    const flag = `${spec.short ? `-${spec.short}, ` : '    '}--${name}${spec.type === 'string' ? ` ${spec.valueName ?? 'VALUE'}` : ''}`;
    const dflt = spec.default !== undefined && spec.type === 'string' ? ` (default: ${String(spec.default)})` : '';
    return [flag, spec.description + dflt] as const;
  });
  const width = Math.max(...rows.map(([flag]) => flag.length));
  return rows.map(([flag, text]) => `  ${flag.padEnd(width)}  ${text}`).join('\n');
}

export function defineCommand<const O extends Record<string, OptionSpec>>(spec: CommandSpec<O>): Command {
  const allOptions: Record<string, OptionSpec> = { ...spec.options, help: HELP_OPTION };
  const required = spec.positionals.length - (spec.optionalPositionals ?? 0);
  const usage = [
    `weatherkd ${spec.name}`,
    ...spec.positionals.map((p, i) => (i < required ? p : `[${p}]`)),
    ...(spec.variadic ? ['...'] : []),
    '[options]',
  ].join(' ');

  const help = (): string => [`Usage: ${usage}`, '', spec.description ?? spec.summary, '', 'Options:', optionsHelp(allOptions), ''].join('\n');

  return {
    name: spec.name,
    summary: spec.summary,
    help,
    async run(argv, io) {
      let parsed;
      try {
        // parseArgs knows nothing of descriptions: pass it only the fields it understands.
        const options = Object.fromEntries(
          Object.entries(allOptions).map(([name, { type, short, multiple, default: d }]) => [
            name,
            { type, ...(short ? { short } : {}), ...(multiple ? { multiple } : {}), ...(d !== undefined ? { default: d } : {}) },
          ]),
        );
        parsed = parseArgs({ args: withNegativeValues(argv, options), options, allowPositionals: true, strict: true });
      } catch (err) {
        throw new UsageError(usageMessage(err instanceof Error ? err.message : String(err)));
      }
      if (parsed.values.help) {
        io.stdout.write(help() + ((await spec.moreHelp?.(parsed.values as OptionValues<O>)) ?? ''));
        return;
      }
      const n = parsed.positionals.length;
      if (n < required || (n > spec.positionals.length && !spec.variadic)) {
        throw new UsageError(`expected ${spec.positionals.join(' ')}, got ${n} argument${n === 1 ? '' : 's'}`);
      }
      await spec.run({ values: parsed.values as OptionValues<O>, positionals: parsed.positionals }, io);
    },
  };
}

/** `--steps -5` as `--steps=-5`: parseArgs takes a value that starts with a dash for an option, and refuses it. */
function withNegativeValues(argv: readonly string[], options: Record<string, { type: string }>): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const name = argv[i].startsWith('--') ? argv[i].slice(2) : null;
    const next = argv[i + 1];
    if (name && options[name]?.type === 'string' && next !== undefined && /^-\d/.test(next)) {
      out.push(`${argv[i]}=${next}`);
      i++;
    } else {
      out.push(argv[i]);
    }
  }
  return out;
}

/** parseArgs' messages in our words, on one line. */
function usageMessage(message: string): string {
  const unknown = /^Unknown option '([^']+)'/.exec(message);
  if (unknown) return `unknown option ${unknown[1]}`;
  const missing = /^Option '([^']+?)(?: <value>)?' argument missing/.exec(message);
  if (missing) return `${missing[1].split(', ').at(-1)} needs a value`;
  return message.split('\n')[0];
}
