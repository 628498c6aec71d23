import { DatasetError } from './errors.js';

/** The four special tokens a vocabulary may reserve. */
export type SpecialName = 'pad' | 'bos' | 'eos' | 'unk';

/** The special tokens' ids come first, always in this order (those that are enabled). */
export const SPECIAL_ORDER: readonly SpecialName[] = ['pad', 'bos', 'eos', 'unk'];

/** Default strings of the special tokens. */
export const DEFAULT_SPECIALS: Readonly<Record<SpecialName, string>> = {
  pad: '<pad>',
  bos: '<bos>',
  eos: '<eos>',
  unk: '<unk>',
};

/**
 * Which special tokens to reserve: a string renames one, `false` leaves it out. Omitted ones get
 * {@link DEFAULT_SPECIALS}; pass `false` to all four for a vocabulary of plain tokens only.
 */
export type SpecialsOption = Partial<Record<SpecialName, string | false>>;

/** How {@link Vocabulary.build} orders and trims tokens. */
export interface VocabularyOptions {
  specials?: SpecialsOption;
  /** Tokens seen fewer times are left out (they become UNK). Default 1. */
  minCount?: number;
  /** At most this many ids in all, specials included; the rarest tokens go first. */
  maxSize?: number;
  /**
   * `'sorted'`: by code points (the default, independent of frequencies — best for characters);
   * `'frequency'`: most frequent first, ties by code points (best for words with `maxSize`).
   */
  order?: 'sorted' | 'frequency';
}

/** The JSON form of a {@link Vocabulary}: `tokens[id]` is the token; specials name theirs. */
export interface VocabularyJSON {
  version: 1;
  tokens: string[];
  specials: Partial<Record<SpecialName, string>>;
}

/**
 * Bounds on a vocabulary read by {@link Vocabulary.fromJSON}: the JSON text's length in
 * characters, the number of tokens, and one token's length.
 */
const VOCABULARY_LIMITS = Object.freeze({
  jsonLength: 2 ** 28,
  tokens: 2 ** 24,
  tokenLength: 2 ** 16,
});

function formatError(message: string): DatasetError {
  return new DatasetError('FORMAT', `Vocabulary.fromJSON: ${message}`);
}

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v);

/** Checks a vocabulary's JSON form completely; every problem is a FORMAT error. */
function parseVocabularyJSON(json: unknown): {
  tokens: string[];
  specials: Partial<Record<SpecialName, string>>;
} {
  let value = json;
  if (typeof json === 'string') {
    if (json.length > VOCABULARY_LIMITS.jsonLength) {
      throw formatError(
        `the JSON text is ${json.length} characters; at most ${VOCABULARY_LIMITS.jsonLength} are read`,
      );
    }
    try {
      value = JSON.parse(json);
    } catch (error) {
      throw formatError(`not valid JSON (${(error as Error).message})`);
    }
  }
  if (!isPlainObject(value)) throw formatError('expected an object { version, tokens, specials }');
  for (const key of Object.keys(value)) {
    if (key !== 'version' && key !== 'tokens' && key !== 'specials')
      throw formatError(`unknown field ${JSON.stringify(key)}; expected version, tokens, specials`);
  }
  const { version, tokens, specials } = value;
  if (version !== 1) throw formatError(`version is ${String(version)}; expected 1`);
  if (!Array.isArray(tokens)) throw formatError('tokens must be an array of strings');
  if (tokens.length > VOCABULARY_LIMITS.tokens)
    throw formatError(`${tokens.length} tokens; at most ${VOCABULARY_LIMITS.tokens}`);
  const seen = new Map<string, number>();
  tokens.forEach((token: unknown, id) => {
    if (typeof token !== 'string')
      throw formatError(
        `tokens[${id}] is ${token === null ? 'null' : typeof token}; expected a string`,
      );
    if (token.length > VOCABULARY_LIMITS.tokenLength)
      throw formatError(
        `tokens[${id}] is ${token.length} characters long; at most ${VOCABULARY_LIMITS.tokenLength}`,
      );
    const first = seen.get(token);
    if (first !== undefined)
      throw formatError(`token ${JSON.stringify(token)} appears twice (ids ${first} and ${id})`);
    seen.set(token, id);
  });
  if (!isPlainObject(specials)) throw formatError('specials must be an object');
  const out: Partial<Record<SpecialName, string>> = {};
  for (const name of Object.keys(specials)) {
    if (!SPECIAL_ORDER.includes(name as SpecialName))
      throw formatError(`unknown special ${JSON.stringify(name)}; expected pad, bos, eos or unk`);
  }
  // The enabled specials hold ids 0, 1, … in the order pad, bos, eos, unk.
  let next = 0;
  for (const name of SPECIAL_ORDER) {
    if (!Object.hasOwn(specials, name)) continue;
    const token = specials[name];
    if (typeof token !== 'string')
      throw formatError(`specials.${name} is ${typeof token}; expected its token (a string)`);
    const id = seen.get(token);
    if (id !== next) {
      throw formatError(
        `specials.${name} ${JSON.stringify(token)} is ${id === undefined ? 'not among the tokens' : `token ${id}`}; the enabled specials must be tokens 0, 1, … in the order pad, bos, eos, unk (expected id ${next})`,
      );
    }
    out[name] = token;
    next++;
  }
  return { tokens: tokens.slice() as string[], specials: out };
}

function compareCodePoints(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function resolveSpecials(option: SpecialsOption = {}): Partial<Record<SpecialName, string>> {
  const out: Partial<Record<SpecialName, string>> = {};
  for (const name of SPECIAL_ORDER) {
    const value = option[name];
    if (value === false) continue;
    out[name] = value ?? DEFAULT_SPECIALS[name];
  }
  return out;
}

/**
 * A bijection between tokens (characters or words) and integer ids, with optional special
 * tokens PAD, BOS, EOS and UNK. Ids are stable: the enabled specials take 0, 1, 2, … in the order
 * pad, bos, eos, unk (so PAD is 0 when enabled), then the tokens in the order chosen when the
 * vocabulary was built. {@link Vocabulary.toJSON} / {@link Vocabulary.fromJSON} round-trip it
 * exactly, so a trained model and its vocabulary can be saved together.
 */
export class Vocabulary {
  readonly #tokens: readonly string[];
  readonly #ids: ReadonlyMap<string, number>;
  readonly #specials: Readonly<Partial<Record<SpecialName, number>>>;

  private constructor(tokens: string[], specials: Partial<Record<SpecialName, string>>) {
    const ids = new Map<string, number>();
    tokens.forEach((token, id) => {
      if (ids.has(token)) {
        throw new DatasetError(
          'ARGUMENT',
          `Vocabulary: token ${JSON.stringify(token)} appears twice (ids ${ids.get(token)} and ${id})`,
        );
      }
      ids.set(token, id);
    });
    const specialIds: Partial<Record<SpecialName, number>> = {};
    for (const name of SPECIAL_ORDER) {
      const token = specials[name];
      if (token === undefined) continue;
      const id = ids.get(token);
      if (id === undefined) {
        throw new DatasetError(
          'ARGUMENT',
          `Vocabulary: special ${name} ${JSON.stringify(token)} is not among the tokens`,
        );
      }
      specialIds[name] = id;
    }
    this.#tokens = tokens;
    this.#ids = ids;
    this.#specials = specialIds;
  }

  /**
   * Counts `tokens` and builds a vocabulary of those seen at least `minCount` times, after the
   * specials. `Vocabulary.build('hello')` makes a character vocabulary (a string iterates by code
   * point); `Vocabulary.build(text.split(' '))` a word vocabulary.
   */
  static build(tokens: Iterable<string>, options: VocabularyOptions = {}): Vocabulary {
    const counts = new Map<string, number>();
    for (const token of tokens) counts.set(token, (counts.get(token) ?? 0) + 1);
    return Vocabulary.fromCounts(counts, options);
  }

  /** Like {@link Vocabulary.build}, from counts already made (`token → count`). */
  static fromCounts(
    counts: ReadonlyMap<string, number>,
    options: VocabularyOptions = {},
  ): Vocabulary {
    const { minCount = 1, maxSize, order = 'sorted' } = options;
    const specials = resolveSpecials(options.specials);
    const reserved = new Set(Object.values(specials));
    let kept = [...counts.entries()].filter(([t, c]) => c >= minCount && !reserved.has(t));
    kept.sort((a, b) => (order === 'frequency' ? b[1] - a[1] : 0) || compareCodePoints(a[0], b[0]));
    const head = SPECIAL_ORDER.flatMap((name) =>
      specials[name] === undefined ? [] : [specials[name]],
    );
    if (maxSize !== undefined) {
      if (!Number.isInteger(maxSize) || maxSize < head.length) {
        throw new DatasetError(
          'ARGUMENT',
          `Vocabulary.build: maxSize must be an integer ≥ the ${head.length} specials; got ${maxSize}`,
        );
      }
      if (kept.length > maxSize - head.length) {
        const byFrequency = kept
          .slice()
          .sort((a, b) => b[1] - a[1] || compareCodePoints(a[0], b[0]))
          .slice(0, maxSize - head.length);
        const keep = new Set(byFrequency.map(([t]) => t));
        kept = kept.filter(([t]) => keep.has(t));
      }
    }
    return new Vocabulary([...head, ...kept.map(([t]) => t)], specials);
  }

  /** A vocabulary of exactly these tokens in this order, after the specials. */
  static fromTokens(
    tokens: readonly string[],
    options: { specials?: SpecialsOption } = {},
  ): Vocabulary {
    const specials = resolveSpecials(options.specials);
    const head = SPECIAL_ORDER.flatMap((name) =>
      specials[name] === undefined ? [] : [specials[name]],
    );
    return new Vocabulary([...head, ...tokens], specials);
  }

  /**
   * Restores a vocabulary from {@link Vocabulary.toJSON} (an object or its JSON string). The
   * input is untrusted: anything but exactly `{ version: 1, tokens, specials }` — tokens unique
   * strings (at most 2²⁴ tokens of at most 2¹⁶ characters, from at most 2²⁸ characters of JSON), the enabled specials first in the order pad,
   * bos, eos, unk and named by their tokens — is refused with a `FORMAT` error naming the field.
   */
  static fromJSON(json: VocabularyJSON | string): Vocabulary {
    const { tokens, specials } = parseVocabularyJSON(json);
    return new Vocabulary(tokens, specials);
  }

  /** Number of ids, specials included. */
  get size(): number {
    return this.#tokens.length;
  }

  /** All tokens, indexed by id. */
  get tokens(): readonly string[] {
    return this.#tokens;
  }

  /** The id of `token`, or `undefined` when it is not in the vocabulary. */
  idOf(token: string): number | undefined {
    return this.#ids.get(token);
  }

  /** Whether `token` is in the vocabulary. */
  has(token: string): boolean {
    return this.#ids.has(token);
  }

  /** The token of `id`; throws `RANGE` for an id outside [0, size). */
  tokenOf(id: number): string {
    const token = this.#tokens[id];
    if (token === undefined) {
      throw new DatasetError(
        'RANGE',
        `Vocabulary.tokenOf: id ${id} is outside [0, ${this.#tokens.length})`,
      );
    }
    return token;
  }

  /** Whether the vocabulary reserves the special token `name`. */
  hasSpecial(name: SpecialName): boolean {
    return this.#specials[name] !== undefined;
  }

  /** The id of special `name`; throws `ARGUMENT` when the vocabulary has none. */
  specialId(name: SpecialName): number {
    const id = this.#specials[name];
    if (id === undefined) {
      throw new DatasetError(
        'ARGUMENT',
        `Vocabulary: this vocabulary has no ${name.toUpperCase()} token (build it with specials.${name} enabled)`,
      );
    }
    return id;
  }

  /** Id of PAD (throws when the vocabulary has none). */
  get padId(): number {
    return this.specialId('pad');
  }

  /** Id of BOS (throws when the vocabulary has none). */
  get bosId(): number {
    return this.specialId('bos');
  }

  /** Id of EOS (throws when the vocabulary has none). */
  get eosId(): number {
    return this.specialId('eos');
  }

  /** Id of UNK (throws when the vocabulary has none). */
  get unkId(): number {
    return this.specialId('unk');
  }

  /** Whether `id` is one of the special tokens. */
  isSpecial(id: number): boolean {
    return SPECIAL_ORDER.some((name) => this.#specials[name] === id);
  }

  /** A JSON-safe copy; `Vocabulary.fromJSON(v.toJSON())` gives the same ids. */
  toJSON(): VocabularyJSON {
    const specials: Partial<Record<SpecialName, string>> = {};
    for (const name of SPECIAL_ORDER) {
      const id = this.#specials[name];
      if (id !== undefined) specials[name] = this.#tokens[id]!;
    }
    return { version: 1, tokens: this.#tokens.slice(), specials };
  }
}
