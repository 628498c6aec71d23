import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DelimitedParser, type DelimitedRecord } from './delimited.js';

function parseAll(text: string, delimiter = ',', quoting: 'rfc4180' | 'none' = 'rfc4180') {
  const parser = new DelimitedParser(delimiter, quoting, 'test: f.csv');
  const records: DelimitedRecord[] = [];
  text.split('\n').forEach((line, i) => {
    const record = parser.push(line, i + 1);
    if (record) records.push({ ...record, fields: record.fields.slice() });
  });
  parser.finish();
  return records;
}

/** RFC 4180 writer: quote a field when it holds a delimiter, quote or line break. */
const quote = (field: string) => (/[",\n]/.test(field) ? `"${field.replace(/"/g, '""')}"` : field);

describe('DelimitedParser', () => {
  it('parses quoted fields with commas, doubled quotes and line breaks', () => {
    const records = parseAll('pos,"Great, really ""great"" film"\nneg,"line one\nline two"\n,');
    expect(records).toEqual([
      { fields: ['pos', 'Great, really "great" film'], line: 1 },
      { fields: ['neg', 'line one\nline two'], line: 2 },
      { fields: ['', ''], line: 4 },
    ]);
  });

  it('round-trips any fields written by an RFC 4180 writer', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.array(
            fc.string({ unit: fc.constantFrom('a', 'b', ' ', ',', '"', '\n', 'é'), maxLength: 12 }),
            { minLength: 1, maxLength: 4 },
          ),
          {
            minLength: 1,
            maxLength: 5,
          },
        ),
        (rows) => {
          const text = rows.map((fields) => fields.map(quote).join(',')).join('\n');
          const parsed = parseAll(text).map((r) => r.fields);
          // A record of one empty field writes as an empty line, which is a record of one empty field.
          expect(parsed).toEqual(rows);
        },
      ),
    );
  });

  it('reports malformed quoting with line and column', () => {
    expect(() => parseAll('a,b"c')).toThrow(/^test: f\.csv:1:4: quote inside an unquoted field/);
    expect(() => parseAll('ok,ok\n"a"b,c')).toThrow(
      /^test: f\.csv:2:4: unexpected "b" after a closing quote/,
    );
    expect(() => parseAll('x,"never\nclosed')).toThrow(
      /^test: f\.csv:1:1: a quoted field opened on this line is never closed/,
    );
  });

  it('with quoting none, splits on the delimiter and keeps quotes as text (SST-2 TSV)', () => {
    expect(parseAll('it \'s a "good" film\t1', '\t', 'none')).toEqual([
      { fields: ['it \'s a "good" film', '1'], line: 1 },
    ]);
  });
});
