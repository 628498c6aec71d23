import { type ParseArgsConfig, parseArgs } from 'node:util';
import { UsageError } from './errors.js';

/** One flag of a command: how it is parsed, its default and its help line. */
export interface FlagSpec {
  type: 'string' | 'boolean';
  short?: string;
  default?: string | boolean;
  /** The allowed values of a string flag. */
  choices?: readonly string[];
  /** `int`, `number`: checked and converted by {@link intFlag}/{@link numberFlag}. */
  kind?: 'int' | 'number' | 'path';
  help: string;
}

export type FlagSpecs = Record<string, FlagSpec>;
export type ParsedFlags = Record<string, string | boolean | undefined>;

/**
 * Parses `argv` against `specs` strictly: an unknown flag, a missing value or a value outside
 * `choices` is a {@link UsageError} that names the flag and what was expected.
 */
export function parseFlags(
  command: string,
  argv: string[],
  specs: FlagSpecs,
): { flags: ParsedFlags; positionals: string[] } {
  const options: NonNullable<ParseArgsConfig['options']> = {};
  for (const [name, spec] of Object.entries(specs)) {
    options[name] = { type: spec.type, ...(spec.short ? { short: spec.short } : {}) };
  }
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({ args: argv, options, strict: true, allowPositionals: true });
  } catch (error) {
    const message = (error as Error).message.replace(/\. To specify a positional.*$/s, '');
    throw new UsageError(`recur ${command}: ${message} (see recur ${command} --help)`);
  }
  const flags: ParsedFlags = {};
  for (const [name, spec] of Object.entries(specs)) {
    const value = (parsed.values as ParsedFlags)[name] ?? spec.default;
    if (spec.choices && typeof value === 'string' && !spec.choices.includes(value)) {
      throw new UsageError(
        `recur ${command}: --${name} must be one of ${spec.choices.join(', ')}; got '${value}'`,
      );
    }
    if (typeof value === 'string' && (spec.kind === 'int' || spec.kind === 'number')) {
      const n = Number(value);
      if (!Number.isFinite(n) || (spec.kind === 'int' && !Number.isInteger(n))) {
        throw new UsageError(
          `recur ${command}: --${name} must be ${spec.kind === 'int' ? 'an integer' : 'a number'}; got '${value}'`,
        );
      }
    }
    flags[name] = value;
  }
  return { flags, positionals: parsed.positionals };
}

export function intFlag(flags: ParsedFlags, name: string, min = 0): number {
  const value = Number(flags[name]);
  if (!Number.isInteger(value) || value < min) {
    throw new UsageError(`--${name} must be an integer >= ${min}; got '${String(flags[name])}'`);
  }
  return value;
}

export function numberFlag(
  flags: ParsedFlags,
  name: string,
  options: { min?: number; exclusiveMin?: boolean } = {},
): number {
  const value = Number(flags[name]);
  const { min = Number.NEGATIVE_INFINITY, exclusiveMin = false } = options;
  if (!Number.isFinite(value) || (exclusiveMin ? value <= min : value < min)) {
    throw new UsageError(
      `--${name} must be a number ${exclusiveMin ? '>' : '>='} ${min}; got '${String(flags[name])}'`,
    );
  }
  return value;
}

export function stringFlag(flags: ParsedFlags, name: string): string | undefined {
  const value = flags[name];
  return typeof value === 'string' ? value : undefined;
}

/** The help text of a command: a summary line, usage, and one line per flag. */
export function helpText(
  command: string,
  summary: string,
  usage: string,
  specs: FlagSpecs,
): string {
  const rows = Object.entries(specs).map(([name, spec]) => {
    const left = `${spec.short ? `-${spec.short}, ` : '    '}--${name}${spec.type === 'string' ? ' <value>' : ''}`;
    const extra = [
      spec.choices ? `one of ${spec.choices.join('|')}` : '',
      spec.default !== undefined && spec.default !== false ? `default ${String(spec.default)}` : '',
    ]
      .filter(Boolean)
      .join('; ');
    return `  ${left.padEnd(30)} ${spec.help}${extra ? ` (${extra})` : ''}`;
  });
  return `recur ${command} — ${summary}\n\nUsage: ${usage}\n\nOptions:\n${rows.join('\n')}\n`;
}
