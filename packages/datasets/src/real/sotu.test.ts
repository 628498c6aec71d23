import { describe, expect, it } from 'vitest';
import { loadStateOfTheUnion, loadStateOfTheUnionAddresses, stateOfTheUnionSplit } from './sotu.js';

describe('State of the Union', () => {
  it('is the package’s 233 addresses in year order, 1790 (Washington) to 2021 (Biden)', () => {
    const addresses = loadStateOfTheUnionAddresses();
    expect(addresses).toHaveLength(233);
    expect(addresses[0]).toMatchObject({ year: 1790, president: 'george washington', party: 'n' });
    expect(addresses.at(-1)).toMatchObject({ year: 2021, president: 'joseph r biden', party: 'd' });
    const years = addresses.map((a) => a.year);
    expect(years).toEqual([...years].sort((x, y) => x - y));
    expect(addresses.every((a) => a.text.length > 1000 && a.text === a.text.trim())).toBe(true);
  });

  it('joins them with blank lines: 10,760,251 characters, 98 distinct; splits 90 % / 10 %', () => {
    const text = loadStateOfTheUnion();
    expect(text.length).toBe(10_760_251);
    expect(new Set(text).size).toBe(98);
    expect(text.startsWith('Fellow-Citizens of the Senate and House')).toBe(true);
    expect(text.endsWith('Thank you for your patience. (Applause.)')).toBe(true);
    const { train, validation } = stateOfTheUnionSplit();
    expect(train.length).toBe(Math.floor(10_760_251 * 0.9));
    expect(train + validation).toBe(text);
  });
});
