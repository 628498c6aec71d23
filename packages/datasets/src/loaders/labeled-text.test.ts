import { describe, expect, it } from 'vitest';
import { CharTokenizer } from '../tokenizers.js';
import { loadLabeledText, readLabeledText } from './labeled-text.js';
import { collect, rejection, testFolder } from './test-files.js';

const folder = testFolder();

describe('readLabeledText', () => {
  it('reads IMDB-style CSV (header "review,sentiment", quoted reviews with commas and quotes)', async () => {
    const path = folder.file(
      'imdb.csv',
      'review,sentiment\n"A slow, ""thoughtful"" film.",positive\n"Two\nlines.",negative\n\nBad.,negative\n',
    );
    expect(await collect(readLabeledText(path))).toEqual([
      { label: 'positive', text: 'A slow, "thoughtful" film.', line: 2 },
      { label: 'negative', text: 'Two\nlines.', line: 3 },
      { label: 'negative', text: 'Bad.', line: 6 },
    ]);
  });

  it('reads SST-2-style TSV (header "sentence\\tlabel", literal quotes)', async () => {
    const path = folder.file(
      'sst2.tsv',
      'sentence\tlabel\nit \'s a "charming" film \t1\nno .\t0\n',
    );
    const rows = await collect(readLabeledText(path));
    expect(rows.map((r) => [r.label, r.text])).toEqual([
      ['1', 'it \'s a "charming" film '],
      ['0', 'no .'],
    ]);
  });

  it('reads header-less label,text and explicit columns', async () => {
    const path = folder.file('plain.csv', 'pos,good\nneg,bad\n');
    expect((await collect(readLabeledText(path))).map((r) => r.label)).toEqual(['pos', 'neg']);
    const swapped = folder.file('swapped.csv', 'good,pos\nbad,neg\n');
    const rows = await collect(readLabeledText(swapped, { labelColumn: 1, textColumn: 0 }));
    expect(rows.map((r) => r.label)).toEqual(['pos', 'neg']);
  });

  it('reports a row with the wrong number of fields with file and line', async () => {
    const path = folder.file('bad.csv', 'label,text\npos,fine\nneg,unquoted, comma\npos,ok\n');
    const error = await rejection(collect(readLabeledText(path)));
    expect(error.code).toBe('FORMAT');
    expect(error.message).toMatch(
      /bad\.csv:3: expected 2 fields, found 3; quote fields that contain commas$/,
    );
    expect(error.line).toBe(3);
  });

  it('reports broken quoting, empty labels, empty files and header-only files', async () => {
    const quoteError = await rejection(
      collect(readLabeledText(folder.file('q.csv', 'pos,"open\nneg,x\n'))),
    );
    expect(quoteError.message).toMatch(
      /q\.csv:1:1: a quoted field opened on this line is never closed/,
    );
    const labelError = await rejection(
      collect(readLabeledText(folder.file('l.csv', 'pos,a\n ,b\n'))),
    );
    expect(labelError.message).toMatch(/l\.csv:2: empty label in column 0/);
    expect((await rejection(collect(readLabeledText(folder.file('e.csv', ''))))).code).toBe(
      'EMPTY',
    );
    const headerOnly = await rejection(
      collect(readLabeledText(folder.file('h.csv', 'text,label\n'))),
    );
    expect(headerOnly.code).toBe('EMPTY');
    expect(headerOnly.message).toMatch(/no labelled rows after the header/);
    const missingColumn = await rejection(
      collect(readLabeledText(folder.file('m.csv', 'text,label\na,b\n'), { textColumn: 'body' })),
    );
    expect(missingColumn.message).toMatch(
      /text column "body" is not in the header \[text, label\]/,
    );
  });

  it("skips malformed rows with onMalformed: 'skip' and reports them", async () => {
    const path = folder.file('skip.csv', 'pos,good\nneg\nneg,bad\n');
    const data = await loadLabeledText(path, { onMalformed: 'skip' });
    expect(data.rows.map((r) => r.text)).toEqual(['good', 'bad']);
    expect(data.skipped).toEqual([
      {
        file: path,
        line: 2,
        reason: 'expected 2 fields, found 1; quote fields that contain commas',
      },
    ]);
  });
});

describe("onMalformed: 'skip' and broken quoting", () => {
  it('skips every record with a quoting error, reports each, and reads the rest', async () => {
    const path = folder.file(
      'quotes.csv',
      [
        'label,text',
        'pos,"fine"',
        'neg,"closed"early',
        'pos,un"quoted',
        'neg,"spans',
        'two lines"x',
        'pos,"ok, too"',
        'neg,"never closed',
        'pos,lost',
        '',
      ].join('\n'),
    );
    const strict = await rejection(collect(readLabeledText(path)));
    expect(strict.message).toMatch(/quotes\.csv:3:13: unexpected "e" after a closing quote/);
    const data = await loadLabeledText(path, { onMalformed: 'skip' });
    expect(data.rows.map((r) => [r.label, r.text, r.line])).toEqual([
      ['pos', 'fine', 2],
      ['pos', 'ok, too', 7],
    ]);
    expect(data.skipped.map((s) => [s.line, s.reason])).toEqual([
      [
        3,
        'unexpected "e" after a closing quote; write a quote inside a quoted field as "" (line 3, column 13)',
      ],
      [
        4,
        'quote inside an unquoted field; quote the whole field and double the quote ("") (line 4, column 7)',
      ],
      [
        5,
        'unexpected "x" after a closing quote; write a quote inside a quoted field as "" (line 6, column 11)',
      ],
      [8, 'a quoted field opened on this line is never closed (line 8, column 1)'],
    ]);
  });

  it('a file of nothing but broken records is EMPTY for loadLabeledText, naming the count', async () => {
    const path = folder.file('allbad.csv', 'pos,"a"b\nneg,c"d\n');
    const error = await rejection(loadLabeledText(path, { onMalformed: 'skip' }));
    expect(error.code).toBe('EMPTY');
    expect(error.message).toMatch(/no labelled rows \(2 malformed\)/);
  });
});

describe('loadLabeledText', () => {
  it('numbers sorted labels and encodes texts; unknown characters name file and line', async () => {
    const path = folder.file('enc.csv', 'label,text\nspam,buy now\nham,"hi,\nbob"\nspam,wxn\n');
    const tokenizer = CharTokenizer.fromText('buy now hi,\nbob', { unknown: 'error' });
    const error = await rejection(loadLabeledText(path, { tokenizer }));
    expect(error.code).toBe('UNKNOWN_TOKEN');
    expect(error.message).toMatch(
      /^loadLabeledText: .*enc\.csv:5: CharTokenizer\.encode: unknown character "x"/,
    );
    const lenient = CharTokenizer.fromText('buy now hi,\nbob');
    const data = await loadLabeledText(path, { tokenizer: lenient });
    expect(data.labels).toEqual(['ham', 'spam']);
    expect(Array.from(data.labelIds)).toEqual([1, 0, 1]);
    expect(lenient.decode(data.ids![1]!)).toBe('hi,\nbob');
  });
});
