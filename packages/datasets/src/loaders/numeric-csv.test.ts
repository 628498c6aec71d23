import { describe, expect, it } from 'vitest';
import { DatasetError } from '../errors.js';
import { type NumericTable, parseNumericCsv, readNumericCsv } from './numeric-csv.js';
import { rejection, testFolder } from './test-files.js';

const CSV = [
  'time,humidity,temperature,label',
  '2010-05-09 18:00,45.9,27.97,normal',
  '',
  '2010-05-09 18:05,"45.5",27.9,normal',
  '2010-05-09 18:10,45.25,-1e-2,event',
].join('\n');

function thrown(f: () => unknown): DatasetError {
  try {
    f();
  } catch (error) {
    return error as DatasetError;
  }
  throw new Error('expected a throw');
}

describe('parseNumericCsv', () => {
  it('keeps the chosen columns by name or index, in the order given, with their source lines', () => {
    const table = parseNumericCsv(CSV, { columns: ['temperature', 1] });
    expect(table.columns).toEqual(['temperature', 'humidity']);
    expect(table.steps).toBe(3);
    expect(Array.from(table.values)).toEqual(
      [27.97, 45.9, 27.9, 45.5, -0.01, 45.25].map(Math.fround),
    );
    expect(Array.from(table.lines)).toEqual([2, 4, 5]);
  });

  it('without a header, names columns x0, x1, … and reads every row', () => {
    const table = parseNumericCsv('1\t2\n3\t4\r\n', { header: false, delimiter: '\t' });
    expect(table.columns).toEqual(['x0', 'x1']);
    expect(Array.from(table.values)).toEqual([1, 2, 3, 4]);
  });

  it('a bad cell throws FORMAT naming the source, line, column name and index', () => {
    const bad = `${CSV}\n2010-05-09 18:15,n/a,27.8,normal\n`;
    const error = thrown(() =>
      parseNumericCsv(bad, { columns: ['humidity', 'temperature'] }, 'sensors.csv'),
    );
    expect(error).toBeInstanceOf(DatasetError);
    expect(error.code).toBe('FORMAT');
    expect(error.line).toBe(6);
    expect(error.message).toBe(
      'parseNumericCsv: sensors.csv:6: column "humidity" (index 1) is "n/a"; expected a finite number',
    );
    // Only the kept columns must be numbers: the text columns are fine.
    expect(() => parseNumericCsv(CSV)).toThrow(/column "time" \(index 0\) is "2010-05-09 18:00"/);
    for (const cell of ['', 'NaN', 'Infinity', '0x10', '1,5', '1e999']) {
      const text = `a,b\n1,${cell.includes(',') ? `"${cell}"` : cell}\n`;
      expect(() => parseNumericCsv(text), cell).toThrow(/line|:2: column "b"/);
    }
  });

  it("onMalformed: 'skip' leaves bad rows out and reports each; a short row is malformed too", () => {
    const reported: string[] = [];
    const table: NumericTable = parseNumericCsv('a,b\n1,2\n3\n4,x\n5,6\n', {
      onMalformed: 'skip',
      onSkip: (p) => reported.push(`${p.line}: ${p.reason}`),
    });
    expect(Array.from(table.values)).toEqual([1, 2, 5, 6]);
    expect(reported).toEqual([
      '3: expected 2 fields like the header, found 1',
      '4: column "b" (index 1) is "x"; expected a finite number',
    ]);
    expect(table.skipped.map((s) => s.line)).toEqual([3, 4]);
    expect(() => parseNumericCsv('a,b\n1,2\n3\n')).toThrow(
      'parseNumericCsv: text:3: expected 2 fields like the header, found 1',
    );
  });

  it('refuses unknown columns, bad options and empty input', () => {
    expect(() => parseNumericCsv(CSV, { columns: ['pressure'] })).toThrow(
      /columns names "pressure", which is not a column of \[time, humidity, temperature, label\]/,
    );
    expect(() => parseNumericCsv(CSV, { columns: [7] })).toThrow(/not a column/);
    expect(() => parseNumericCsv(CSV, { onMalformed: 'ignore' as 'skip' })).toThrow(
      /onMalformed must be 'error' or 'skip'/,
    );
    expect(thrown(() => parseNumericCsv('a,b\n')).code).toBe('EMPTY');
    expect(thrown(() => parseNumericCsv('a\nx\n', { onMalformed: 'skip' })).message).toMatch(
      /no numeric rows \(1 malformed\)/,
    );
  });
});

describe('readNumericCsv', () => {
  const dir = testFolder();

  it('streams a file with the same rules and names the file in errors', async () => {
    const path = dir.file('sensors.csv', CSV);
    const table = await readNumericCsv(path, { columns: ['humidity'] });
    expect(Array.from(table.values)).toEqual([45.9, 45.5, 45.25].map(Math.fround));
    const bad = dir.file('bad.csv', 'a,b\n1,2\n3,?\n');
    const error = await rejection(readNumericCsv(bad));
    expect(error.message).toBe(
      `readNumericCsv: ${bad}:3: column "b" (index 1) is "?"; expected a finite number`,
    );
    expect((await rejection(readNumericCsv(dir.path('missing.csv')))).code).toBe('IO');
  });
});
