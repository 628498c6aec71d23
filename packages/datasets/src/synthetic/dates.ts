import { checkInteger, DatasetError } from '../errors.js';
import { type RandomOptions, randomInt, resolveRng } from '../random.js';

const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];
const WEEKDAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

/** A calendar date (month 1–12, day 1–31). */
export interface CalendarDate {
  year: number;
  month: number;
  day: number;
}

const pad2 = (n: number) => String(n).padStart(2, '0');
const ordinal = (n: number) => {
  const suffix =
    n % 10 === 1 && n !== 11
      ? 'st'
      : n % 10 === 2 && n !== 12
        ? 'nd'
        : n % 10 === 3 && n !== 13
          ? 'rd'
          : 'th';
  return `${n}${suffix}`;
};

/**
 * The source formats of {@link dateTranslation}, each with its example for 25 November 2026.
 * Day-first and month-first numeric forms are not both present, so every source is unambiguous.
 */
export const DATE_FORMATS = {
  /** `25 November 2026` */
  'D MMMM YYYY': (d: CalendarDate) => `${d.day} ${MONTHS[d.month - 1]} ${d.year}`,
  /** `November 25, 2026` */
  'MMMM D, YYYY': (d: CalendarDate) => `${MONTHS[d.month - 1]} ${d.day}, ${d.year}`,
  /** `25 Nov 2026` */
  'D MMM YYYY': (d: CalendarDate) => `${d.day} ${MONTHS[d.month - 1]!.slice(0, 3)} ${d.year}`,
  /** `Nov 25, 2026` */
  'MMM D, YYYY': (d: CalendarDate) => `${MONTHS[d.month - 1]!.slice(0, 3)} ${d.day}, ${d.year}`,
  /** `25th November 2026` */
  'Do MMMM YYYY': (d: CalendarDate) => `${ordinal(d.day)} ${MONTHS[d.month - 1]} ${d.year}`,
  /** `Wednesday, November 25, 2026` */
  'dddd, MMMM D, YYYY': (d: CalendarDate) =>
    `${WEEKDAYS[new Date(Date.UTC(d.year, d.month - 1, d.day)).getUTCDay()]}, ${MONTHS[d.month - 1]} ${d.day}, ${d.year}`,
  /** `25/11/2026` */
  'DD/MM/YYYY': (d: CalendarDate) => `${pad2(d.day)}/${pad2(d.month)}/${d.year}`,
  /** `25.11.2026` */
  'DD.MM.YYYY': (d: CalendarDate) => `${pad2(d.day)}.${pad2(d.month)}.${d.year}`,
} as const;

/** Name of a source format, e.g. `'D MMMM YYYY'`. */
export type DateFormat = keyof typeof DATE_FORMATS;

/** Writes `date` in `format`; `'YYYY-MM-DD'` gives the ISO 8601 target. */
export function formatDate(date: CalendarDate, format: DateFormat | 'YYYY-MM-DD'): string {
  if (format === 'YYYY-MM-DD') return `${date.year}-${pad2(date.month)}-${pad2(date.day)}`;
  const fn = DATE_FORMATS[format];
  if (!fn)
    throw new DatasetError('ARGUMENT', `formatDate: unknown format ${JSON.stringify(format)}`);
  return fn(date);
}

/** One example: a human-written date and its ISO form. */
export interface DatePair {
  source: string;
  target: string;
  format: DateFormat;
  date: CalendarDate;
}

/** Options of {@link dateTranslation}. */
export interface DateTranslationOptions extends RandomOptions {
  count: number;
  /** Source formats to draw from (uniformly). Default: all of {@link DATE_FORMATS}. */
  formats?: readonly DateFormat[];
  /** First and last year (inclusive, four-digit: 1000–9999). Default [1950, 2049]. */
  years?: [number, number];
}

const DAY_MS = 86_400_000;

/**
 * Date-format translation, a small seq2seq task (character level): `"25 November 2026"` →
 * `"2026-11-25"`. Dates are uniform over the days of `years`, formats uniform over `formats`.
 * Baseline: {@link positionalMajority} over the targets (a fixed guess such as `"19xx-0x-xx"`).
 */
export function dateTranslation(options: DateTranslationOptions): DatePair[] {
  checkInteger('dateTranslation', 'count', options.count, 1);
  const formats = options.formats ?? (Object.keys(DATE_FORMATS) as DateFormat[]);
  if (formats.length === 0 || formats.some((f) => !(f in DATE_FORMATS))) {
    throw new DatasetError(
      'ARGUMENT',
      `dateTranslation: formats must be a non-empty list of ${Object.keys(DATE_FORMATS).join(' | ')}; got [${formats.join(', ')}]`,
    );
  }
  const [first, last] = options.years ?? [1950, 2049];
  if (
    !Number.isInteger(first) ||
    !Number.isInteger(last) ||
    first > last ||
    first < 1000 ||
    last > 9999
  ) {
    throw new DatasetError(
      'ARGUMENT',
      `dateTranslation: years must be [first, last] of four-digit years, first ≤ last; got [${first}, ${last}]`,
    );
  }
  const rng = resolveRng(options);
  const start = Date.UTC(first, 0, 1);
  const days = Math.round((Date.UTC(last + 1, 0, 1) - start) / DAY_MS);
  return Array.from({ length: options.count }, () => {
    const when = new Date(start + randomInt(rng, days) * DAY_MS);
    const date = {
      year: when.getUTCFullYear(),
      month: when.getUTCMonth() + 1,
      day: when.getUTCDate(),
    };
    const format = formats[randomInt(rng, formats.length)]!;
    return {
      source: formatDate(date, format),
      target: formatDate(date, 'YYYY-MM-DD'),
      format,
      date,
    };
  });
}
