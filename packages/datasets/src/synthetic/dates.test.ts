import { describe, expect, it } from 'vitest';
import { DATE_FORMATS, type DateFormat, dateTranslation, formatDate } from './dates.js';

describe('date-format translation', () => {
  const date = { year: 2026, month: 11, day: 25 };

  it('writes every documented format', () => {
    expect(formatDate(date, 'YYYY-MM-DD')).toBe('2026-11-25');
    expect(Object.keys(DATE_FORMATS).map((f) => formatDate(date, f as DateFormat))).toEqual([
      '25 November 2026',
      'November 25, 2026',
      '25 Nov 2026',
      'Nov 25, 2026',
      '25th November 2026',
      'Wednesday, November 25, 2026',
      '25/11/2026',
      '25.11.2026',
    ]);
    expect(formatDate({ year: 2001, month: 3, day: 2 }, 'Do MMMM YYYY')).toBe('2nd March 2001');
    expect(formatDate({ year: 2001, month: 3, day: 11 }, 'Do MMMM YYYY')).toBe('11th March 2001');
    expect(formatDate({ year: 2001, month: 3, day: 23 }, 'Do MMMM YYYY')).toBe('23rd March 2001');
  });

  it('generates valid, seeded dates whose target is the ISO form of the source', () => {
    const pairs = dateTranslation({ count: 2000, seed: 5 });
    expect(dateTranslation({ count: 2000, seed: 5 })).toEqual(pairs);
    const formats = new Set(pairs.map((p) => p.format));
    expect(formats.size).toBe(Object.keys(DATE_FORMATS).length);
    const years = pairs.map((p) => p.date.year);
    expect(Math.min(...years)).toBeGreaterThanOrEqual(1950);
    expect(Math.max(...years)).toBeLessThanOrEqual(2049);
    for (const p of pairs) {
      expect(p.target).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      // Date.parse of the ISO target round-trips to the same calendar day: the date exists.
      expect(new Date(`${p.target}T00:00:00Z`).toISOString().slice(0, 10)).toBe(p.target);
      expect(p.source).toBe(formatDate(p.date, p.format));
    }
  });

  it('honours formats and years, and rejects bad ones', () => {
    const pairs = dateTranslation({
      count: 50,
      formats: ['DD/MM/YYYY'],
      years: [2000, 2000],
      seed: 1,
    });
    expect(pairs.every((p) => /^\d\d\/\d\d\/2000$/.test(p.source))).toBe(true);
    expect(() => dateTranslation({ count: 5, formats: ['MM-DD' as DateFormat] })).toThrow(
      /formats must be/,
    );
    expect(() => dateTranslation({ count: 5, years: [2010, 2000] })).toThrow(/years must be/);
    expect(() => dateTranslation({ count: 5, years: [50, 60] })).toThrow(/four-digit years/);
    const early = dateTranslation({ count: 200, years: [1000, 1001], seed: 2 });
    expect(early.every((p) => /^100[01]-\d\d-\d\d$/.test(p.target))).toBe(true);
  });
});
