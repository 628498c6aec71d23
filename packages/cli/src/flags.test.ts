import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UsageError } from './errors.js';
import { type FlagSpecs, helpText, parseFlags } from './flags.js';
import { tempDir } from './testing/run-recur.js';

const specs: FlagSpecs = {
  cell: { type: 'string', choices: ['rnn', 'lstm'], default: 'lstm', help: 'cell' },
  hidden: { type: 'string', kind: 'int', min: 1, max: 4096, help: 'units' },
  lr: { type: 'string', kind: 'number', min: 0, exclusiveMin: true, max: 10, help: 'rate' },
  dropout: { type: 'string', kind: 'number', min: 0, max: 0.95, help: 'p' },
  file: { type: 'string', kind: 'file', help: 'data' },
  json: { type: 'boolean', help: 'json' },
};

function errorOf(argv: string[], options = {}): string {
  try {
    parseFlags('train', argv, specs, options);
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    return (error as Error).message;
  }
  throw new Error(`parseFlags accepted ${argv.join(' ')}`);
}

describe('parseFlags', () => {
  it('fills defaults, converts numbers and records which flags were given', () => {
    const flags = parseFlags('train', ['--hidden', '32', '--lr=0.5', '--json'], specs);
    expect(flags.string('cell')).toBe('lstm');
    expect(flags.number('hidden')).toBe(32);
    expect(flags.number('lr')).toBe(0.5);
    expect(flags.bool('json')).toBe(true);
    expect(flags.has('hidden')).toBe(true);
    expect(flags.has('cell')).toBe(false);
    expect(flags.numberOr('dropout', 0.25)).toBe(0.25);
  });

  it('rejects an unknown flag, naming it, suggesting the nearest and pointing to --help', () => {
    expect(errorOf(['--hiden', '3'])).toBe(
      "recur train: Unknown option '--hiden'; did you mean --hidden? (see recur train --help)",
    );
    expect(errorOf(['--jsno'])).toBe(
      "recur train: Unknown option '--jsno'; did you mean --json? (see recur train --help)",
    );
    expect(errorOf(['--HIDDEN=4'])).toBe(
      "recur train: Unknown option '--HIDDEN'; did you mean --hidden? (see recur train --help)",
    );
  });

  it('suggests nothing for an unknown flag far from every known one', () => {
    expect(errorOf(['--temperature', '3'])).toBe(
      "recur train: Unknown option '--temperature' (see recur train --help)",
    );
  });

  it('rejects a value outside the choices', () => {
    expect(errorOf(['--cell', 'gru'])).toBe(
      "recur train: --cell must be one of rnn, lstm; got 'gru'",
    );
  });

  it('rejects numbers that do not parse or are out of range', () => {
    expect(errorOf(['--hidden', 'big'])).toBe(
      "recur train: --hidden must be an integer; got 'big'",
    );
    expect(errorOf(['--hidden', '2.5'])).toBe(
      "recur train: --hidden must be an integer; got '2.5'",
    );
    expect(errorOf(['--hidden', '0'])).toBe(
      "recur train: --hidden must be an integer >= 1; got '0'",
    );
    expect(errorOf(['--lr', '0'])).toBe("recur train: --lr must be a number > 0; got '0'");
    expect(errorOf(['--lr', ''])).toBe("recur train: --lr must be a number; got ''");
    expect(errorOf(['--dropout', '1'])).toBe(
      "recur train: --dropout must be a number <= 0.95; got '1'",
    );
  });

  it('refuses a number flag declared without a max (every number has a limit)', () => {
    const unbounded: FlagSpecs = { steps: { type: 'string', kind: 'int', min: 1, help: 'n' } };
    expect(() => parseFlags('train', ['--help'], unbounded)).toThrow(
      'parseFlags: --steps of recur train is a number without a max',
    );
  });

  it('rejects a missing value and a missing file', () => {
    expect(errorOf(['--hidden'])).toMatch(
      /^recur train: Option '--hidden <value>' argument missing/,
    );
    expect(errorOf(['--file', '/no/such/file.txt'])).toBe(
      'recur train: --file /no/such/file.txt: no such file',
    );
    const dir = tempDir();
    expect(errorOf(['--file', dir])).toBe(`recur train: --file ${dir}: not a file`);
    writeFileSync(join(dir, 'a.txt'), 'abc');
    expect(parseFlags('train', ['--file', join(dir, 'a.txt')], specs).string('file')).toBe(
      join(dir, 'a.txt'),
    );
  });

  it('refuses positionals unless the command takes them', () => {
    expect(errorOf(['oops'])).toBe(
      "recur train: unexpected argument 'oops' (see recur train --help)",
    );
    expect(parseFlags('train', ['a', 'b'], specs, { positionals: '[text…]' }).positionals).toEqual([
      'a',
      'b',
    ]);
  });

  it('answers --help before checking anything else', () => {
    expect(parseFlags('train', ['--cell', 'nope', '--help'], specs).bool('help')).toBe(true);
    expect(parseFlags('train', ['-h'], specs).bool('help')).toBe(true);
  });
});

describe('helpText', () => {
  it('lists every flag with its choices and default', () => {
    const text = helpText('train', 'train a model', 'recur train [options]', specs);
    expect(text).toContain('Usage: recur train [options]');
    for (const name of Object.keys(specs)) expect(text).toContain(`--${name}`);
    expect(text).toContain('one of rnn|lstm; default lstm');
    expect(text).toContain('-h, --help');
  });
});
