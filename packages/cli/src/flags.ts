import { existsSync, statSync } from 'node:fs';
import { type ParseArgsConfig, parseArgs } from 'node:util';
import { closest } from '@recur/tensor';
import { UsageError } from './errors.js';

/** One flag of a command: how it is parsed and checked, its default and its help line. */
export interface FlagSpec {
  type: 'string' | 'boolean';
  short?: string;
  default?: string | boolean;
  /** The allowed values of a string flag. */
  choices?: readonly string[];
  /**
   * How a string flag's value is checked: `int` and `number` must parse (and respect `min`,
   * `max`); `file` must name an existing file; `path` is any path (e.g. an output file).
   */
  kind?: 'int' | 'number' | 'file' | 'path';
  /** Smallest allowed value of an `int` / `number` flag. */
  min?: number;
  /** Whether `min` itself is excluded (`> min` instead of `>= min`). */
  exclusiveMin?: boolean;
  /** Largest allowed value of an `int` / `number` flag (required: every number has a sane limit). */
  max?: number;
  /** Placeholder shown in the help, e.g. `<n>` (default `<value>`). */
  value?: string;
  help: string;
}

/** A command's flags by name (without the leading `--`). */
export type FlagSpecs = Record<string, FlagSpec>;

/** The raw parsed values: defaults filled in, numbers still strings. */
export type ParsedFlags = Record<string, string | boolean | undefined>;

/**
 * The parsed and checked flags of one command, with typed accessors. Every value was validated
 * by {@link parseFlags}, so the accessors only convert.
 */
export class Flags {
  readonly command: string;
  readonly values: ParsedFlags;
  /** Flags given on the command line (as opposed to defaults). */
  readonly given: ReadonlySet<string>;
  readonly positionals: readonly string[];

  constructor(
    command: string,
    values: ParsedFlags,
    given: ReadonlySet<string>,
    positionals: readonly string[],
  ) {
    this.command = command;
    this.values = values;
    this.given = given;
    this.positionals = positionals;
  }

  /** Whether `--name` was given on the command line. */
  has(name: string): boolean {
    return this.given.has(name);
  }

  /** A string flag's value (or its default), undefined when neither. */
  string(name: string): string | undefined {
    const value = this.values[name];
    return typeof value === 'string' ? value : undefined;
  }

  /** A boolean flag. */
  bool(name: string): boolean {
    return this.values[name] === true;
  }

  /** An `int` / `number` flag as a number, undefined when absent and without default. */
  number(name: string): number | undefined {
    const value = this.values[name];
    return typeof value === 'string' ? Number(value) : undefined;
  }

  /** An `int` / `number` flag, or `fallback` when absent. */
  numberOr(name: string, fallback: number): number {
    return this.number(name) ?? fallback;
  }

  /** A {@link UsageError} about this command. */
  error(message: string): UsageError {
    return new UsageError(`recur ${this.command}: ${message}`);
  }
}

/**
 * Parses `argv` against `specs` strictly: an unknown flag, a missing value, a value outside
 * `choices`, a number that does not parse or is out of range, or a `file` that does not exist is
 * a {@link UsageError} naming the flag and what was expected. `--help` / `-h` is always known.
 * Positionals are refused unless `positionals` names them (for the help and the error).
 */
export function parseFlags(
  command: string,
  argv: readonly string[],
  specs: FlagSpecs,
  options: { positionals?: string } = {},
): Flags {
  const config: NonNullable<ParseArgsConfig['options']> = {
    help: { type: 'boolean', short: 'h' },
  };
  for (const [name, spec] of Object.entries(specs)) {
    if ((spec.kind === 'int' || spec.kind === 'number') && spec.max === undefined) {
      // A programming error, caught by any test of the command: every number has a ceiling.
      throw new Error(`parseFlags: --${name} of recur ${command} is a number without a max`);
    }
    config[name] = { type: spec.type, ...(spec.short ? { short: spec.short } : {}) };
  }
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({ args: [...argv], options: config, strict: true, allowPositionals: true });
  } catch (error) {
    const text = (error as Error).message;
    const ambiguous = /^Option '(--[^']+)' argument is ambiguous/.exec(text);
    if (ambiguous) {
      const flag = ambiguous[1]!;
      throw new UsageError(
        `recur ${command}: ${flag} needs a value; for one that starts with '-', write ${flag}=<value>`,
      );
    }
    const message = text
      .split('\n')[0]!
      .replace(/\. To specify a positional.*$/, '')
      .replace(/\.$/, '');
    throw new UsageError(
      `recur ${command}: ${message}${suggestion(message, Object.keys(config))} (see recur ${command} --help)`,
    );
  }
  const raw = parsed.values as ParsedFlags;
  const given = new Set(Object.keys(raw).filter((name) => raw[name] !== undefined));
  if (raw.help === true) return new Flags(command, { help: true }, given, parsed.positionals);
  if (!options.positionals && parsed.positionals.length > 0) {
    throw new UsageError(
      `recur ${command}: unexpected argument '${parsed.positionals[0]}' (see recur ${command} --help)`,
    );
  }
  const values: ParsedFlags = {};
  for (const [name, spec] of Object.entries(specs)) {
    const value = raw[name] ?? spec.default;
    if (typeof value === 'string') checkValue(command, name, spec, value);
    values[name] = value;
  }
  return new Flags(command, values, given, parsed.positionals);
}

/**
 * `; did you mean --hidden?` for an unknown long flag within edit distance 2 of a known one
 * (`closest` of @recur/tensor, as `checkOptions` suggests option names); empty otherwise.
 */
function suggestion(message: string, known: readonly string[]): string {
  const unknown = /^Unknown option '--([^'=]+)'/.exec(message);
  const near = unknown ? closest(unknown[1]!, known) : undefined;
  return near ? `; did you mean --${near}?` : '';
}

function checkValue(command: string, name: string, spec: FlagSpec, value: string): void {
  const fail = (expected: string): never => {
    throw new UsageError(`recur ${command}: --${name} must be ${expected}; got '${value}'`);
  };
  if (spec.choices && !spec.choices.includes(value)) fail(`one of ${spec.choices.join(', ')}`);
  if (spec.kind === 'int' || spec.kind === 'number') {
    const n = value.trim() === '' ? Number.NaN : Number(value);
    const what = spec.kind === 'int' ? 'an integer' : 'a number';
    if (!Number.isFinite(n) || (spec.kind === 'int' && !Number.isInteger(n))) fail(what);
    if (spec.min !== undefined && (spec.exclusiveMin ? n <= spec.min : n < spec.min)) {
      fail(`${what} ${spec.exclusiveMin ? '>' : '>='} ${spec.min}`);
    }
    if (spec.max !== undefined && n > spec.max) fail(`${what} <= ${spec.max}`);
  }
  if (spec.kind === 'file') {
    if (!existsSync(value)) {
      throw new UsageError(`recur ${command}: --${name} ${value}: no such file`);
    }
    if (!statSync(value).isFile()) {
      throw new UsageError(`recur ${command}: --${name} ${value}: not a file`);
    }
  }
}

/** The help text of a command: a summary line, usage, one line per flag, and notes. */
export function helpText(
  command: string,
  summary: string,
  usage: string,
  specs: FlagSpecs,
  notes = '',
): string {
  const rows = Object.entries(specs).map(([name, spec]) => {
    const placeholder = spec.type === 'string' ? ` ${spec.value ?? '<value>'}` : '';
    const left = `${spec.short ? `-${spec.short}, ` : '    '}--${name}${placeholder}`;
    const extra = [
      spec.choices ? `one of ${spec.choices.join('|')}` : '',
      spec.default !== undefined && spec.default !== false ? `default ${String(spec.default)}` : '',
    ]
      .filter(Boolean)
      .join('; ');
    return `  ${left.padEnd(28)} ${spec.help}${extra ? ` (${extra})` : ''}`;
  });
  rows.push(`  ${'-h, --help'.padEnd(28)} show this help`);
  const tail = notes ? `\n${notes.trimEnd()}\n` : '';
  return `recur ${command} — ${summary}\n\nUsage: ${usage}\n\nOptions:\n${rows.join('\n')}\n${tail}`;
}
