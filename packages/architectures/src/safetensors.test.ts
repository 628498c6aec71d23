import { RecurError } from '@recur/tensor';
import { crc32 } from '@recur/train';
import { describe, expect, it } from 'vitest';
import {
  encodeSafetensors,
  readSafetensors,
  SAFETENSORS_CHECKSUM_KEY,
  safetensorsValues,
} from './safetensors.js';
import { craftSafetensors, splitSafetensors } from './testing/safetensors-files.js';

function expectFormat(run: () => unknown, pattern: RegExp): void {
  let caught: unknown;
  try {
    run();
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(RecurError);
  expect((caught as RecurError).code).toBe('FORMAT');
  expect((caught as RecurError).message).toMatch(pattern);
}

const f32 = (...v: number[]) => new Uint8Array(Float32Array.from(v).buffer);
const concat = (...parts: Uint8Array[]) => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
};

/** Two float32 tensors `a [2]`, `b [1]`, packed as the spec says, no metadata. */
const plain = () => ({
  header: {
    a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] },
    b: { dtype: 'F32', shape: [1], data_offsets: [8, 12] },
  } as Record<string, unknown>,
  data: f32(1.5, -2, 3),
});

describe('safetensors codec', () => {
  it('writes the layout of the spec: u64 header size, JSON padded with spaces to 8, packed data', () => {
    const bytes = encodeSafetensors(
      [
        { name: 'w', shape: [2, 3], values: Float32Array.from([1, 2, 3, 4, 5, 6]) },
        { name: 'ids', shape: [1], values: Int32Array.from([-7]) },
      ],
      { note: 'hi' },
    );
    const n = Number(new DataView(bytes.buffer).getBigUint64(0, true));
    expect((8 + n) % 8).toBe(0);
    const text = new TextDecoder().decode(bytes.subarray(8, 8 + n));
    expect(text.trimEnd().length + (text.length - text.trimEnd().length)).toBe(n);
    expect(/^[ ]*$/.test(text.slice(text.trimEnd().length))).toBe(true);
    const header = JSON.parse(text);
    expect(header.w).toEqual({ dtype: 'F32', shape: [2, 3], data_offsets: [0, 24] });
    expect(header.ids).toEqual({ dtype: 'I32', shape: [1], data_offsets: [24, 28] });
    expect(header.__metadata__.note).toBe('hi');
    expect(bytes.length).toBe(8 + n + 28);
    expect(new DataView(bytes.buffer).getFloat32(8 + n + 4, true)).toBe(2);
    expect(new DataView(bytes.buffer).getInt32(8 + n + 24, true)).toBe(-7);
    const file = readSafetensors(bytes);
    expect(file.checksummed).toBe(true);
    expect(Array.from(safetensorsValues(file, file.entries[1]!))).toEqual([-7]);
  });

  it('stores a CRC-32 of the canonical form, which survives re-ordering by another writer', () => {
    const bytes = encodeSafetensors(
      [
        { name: 'z', shape: [1], values: Float32Array.from([1]) },
        { name: 'a', shape: [1], values: Float32Array.from([2]) },
      ],
      { k: 'v' },
    );
    const { header, data } = splitSafetensors(bytes);
    const meta = header.__metadata__ as Record<string, string>;
    // The documented canonical form, computed here independently.
    const directory = JSON.stringify({
      metadata: [['k', 'v']],
      tensors: [
        ['a', 'F32', [1]],
        ['z', 'F32', [1]],
      ],
    });
    let c = crc32(new TextEncoder().encode(directory));
    c = crc32(data.subarray(4, 8), c);
    c = crc32(data.subarray(0, 4), c);
    expect(meta[SAFETENSORS_CHECKSUM_KEY]).toBe(c.toString(16).padStart(8, '0'));
    // Another tool writes the same tensors in name order, metadata last: still verifies.
    const reordered = craftSafetensors(
      {
        a: { dtype: 'F32', shape: [1], data_offsets: [0, 4] },
        z: { dtype: 'F32', shape: [1], data_offsets: [4, 8] },
        __metadata__: meta,
      },
      concat(data.subarray(4, 8), data.subarray(0, 4)),
    );
    expect(readSafetensors(reordered).checksummed).toBe(true);
    // Any change of a value, a name, a shape or a metadata entry is refused.
    const changed = bytes.slice();
    changed[changed.length - 1]! ^= 1;
    expectFormat(() => readSafetensors(changed), /checksum mismatch/);
    const { header: h2, data: d2 } = splitSafetensors(bytes);
    (h2.__metadata__ as Record<string, string>).k = 'w';
    expectFormat(() => readSafetensors(craftSafetensors(h2, d2)), /checksum mismatch/);
    (h2.__metadata__ as Record<string, string>)[SAFETENSORS_CHECKSUM_KEY] = 'XYZ';
    expectFormat(() => readSafetensors(craftSafetensors(h2, d2)), /8 lowercase hex digits/);
  });

  it('reads files of other tools (no metadata, no checksum, unpadded header, any key order)', () => {
    const { header, data } = plain();
    const file = readSafetensors(craftSafetensors(header, data, { pad: false }));
    expect(file.checksummed).toBe(false);
    expect(Object.keys(file.metadata)).toEqual([]);
    expect(Object.getPrototypeOf(file.metadata)).toBe(null);
    expect(file.entries.map((e) => e.name)).toEqual(['a', 'b']);
    const reversed = { b: header.b, a: header.a };
    expect(readSafetensors(craftSafetensors(reversed, data)).entries.map((e) => e.name)).toEqual([
      'a',
      'b',
    ]);
    // Zero-element tensors have empty ranges.
    const empty = { e: { dtype: 'F32', shape: [0, 3], data_offsets: [0, 0] }, ...header };
    expect(readSafetensors(craftSafetensors(empty, data)).entries).toHaveLength(3);
  });

  const { header, data } = plain();
  const withEntry = (name: string, entry: unknown) =>
    craftSafetensors({ ...header, [name]: entry }, data);
  const hostile: [string, () => Uint8Array, RegExp][] = [
    ['fewer than 8 bytes', () => new Uint8Array(5), /8-byte header size/],
    [
      'a header size of 2^40',
      () => craftSafetensors(header, data, { headerSize: 2n ** 40n }),
      /header size 1099511627776 exceeds the 100000000-byte limit/,
    ],
    [
      'a header size of 100 MB + 1',
      () => craftSafetensors(header, data, { headerSize: 100_000_001n }),
      /exceeds the 100000000-byte limit/,
    ],
    [
      'a header size past the end',
      () => craftSafetensors(header, data, { headerSize: 5000n }),
      /header size 5000 runs past the end/,
    ],
    [
      'invalid UTF-8',
      () => {
        const bytes = concat(new Uint8Array(8), new Uint8Array([0x7b, 0xff, 0x7d]), data);
        bytes[0] = 3;
        return bytes;
      },
      /the header is not valid UTF-8/,
    ],
    ['a header not starting with {', () => craftSafetensors(' {}', data), /does not start with \{/],
    ['invalid JSON', () => craftSafetensors('{"a":', data), /not valid JSON/],
    ['a JSON array', () => craftSafetensors('[1]', new Uint8Array()), /does not start with \{/],
    ['an entry that is a number', () => withEntry('c', 5), /tensor "c" is number/],
    [
      'an unknown entry field',
      () => withEntry('a', { ...(header.a as object), extra: 1 }),
      /tensor "a": unknown field "extra"/,
    ],
    [
      'dtype F64',
      () => withEntry('a', { dtype: 'F64', shape: [1], data_offsets: [0, 8] }),
      /tensor "a": dtype F64 is not supported; recur reads F32 and I32/,
    ],
    [
      'dtype BF16',
      () => withEntry('a', { dtype: 'BF16', shape: [4], data_offsets: [0, 8] }),
      /dtype BF16 is not supported/,
    ],
    [
      'a negative dimension',
      () => withEntry('a', { dtype: 'F32', shape: [-2], data_offsets: [0, 8] }),
      /tensor "a": shape is not an array/,
    ],
    [
      'rank 9',
      () =>
        withEntry('a', { dtype: 'F32', shape: [1, 1, 1, 1, 1, 1, 1, 1, 2], data_offsets: [0, 8] }),
      /shape is not an array of at most 8/,
    ],
    [
      'data_offsets reversed',
      () => withEntry('a', { dtype: 'F32', shape: [2], data_offsets: [8, 0] }),
      /tensor "a": data_offsets is not \[begin, end\]/,
    ],
    [
      'a shape that does not match the byte length',
      () => withEntry('a', { dtype: 'F32', shape: [3], data_offsets: [0, 8] }),
      /tensor "a": data_offsets \[0, 8\] hold 8 bytes; F32 \[3\] needs 12/,
    ],
    [
      'overlapping tensors',
      () => withEntry('b', { dtype: 'F32', shape: [2], data_offsets: [4, 12] }),
      /tensor "b": data_offsets \[4, 12\] overlap the previous tensor/,
    ],
    [
      'a gap',
      () =>
        craftSafetensors(
          { a: header.a, b: { dtype: 'F32', shape: [1], data_offsets: [12, 16] } },
          concat(data, f32(0)),
        ),
      /tensor "b": data_offsets \[12, 16\] leave a gap after byte 8/,
    ],
    [
      'trailing bytes',
      () => craftSafetensors(header, concat(data, f32(0))),
      /cover 12 bytes; the data section is 16 \(trailing bytes\)/,
    ],
    [
      'missing bytes',
      () => craftSafetensors(header, data.subarray(0, 10)),
      /overlap|cover|missing|hold/,
    ],
    [
      'a tensor named __proto__',
      () => craftSafetensors(`{"__proto__":${JSON.stringify(header.a)}}`, data.subarray(0, 8)),
      /tensor "__proto__": the name is refused/,
    ],
    [
      '__metadata__ an array',
      () => craftSafetensors({ ...header, __metadata__: [] }, data),
      /__metadata__ is an array/,
    ],
    [
      'a metadata number',
      () => craftSafetensors({ ...header, __metadata__: { n: 1 } }, data),
      /__metadata__.n is number; expected a string/,
    ],
    [
      'a metadata key __proto__',
      () =>
        craftSafetensors(
          `{"__metadata__":{"__proto__":"x"},"a":${JSON.stringify(header.a)},"b":${JSON.stringify(header.b)}}`,
          data,
        ),
      /__metadata__ key __proto__ is refused/,
    ],
  ];
  for (const [what, make, pattern] of hostile) {
    it(`refuses ${what} (FORMAT naming the field)`, () => {
      expectFormat(() => readSafetensors(make(), 'test.safetensors'), pattern);
    });
  }

  it('the writer refuses unusable names and values', () => {
    const v = Float32Array.from([1]);
    expect(() => encodeSafetensors([{ name: '', shape: [1], values: v }])).toThrow(/not usable/);
    expect(() =>
      encodeSafetensors([
        { name: 'a', shape: [1], values: v },
        { name: 'a', shape: [1], values: v },
      ]),
    ).toThrow(/appears twice/);
    expect(() => encodeSafetensors([{ name: 'a', shape: [2], values: v }])).toThrow(/needs 2/);
    expect(() => encodeSafetensors([], { n: 1 as unknown as string })).toThrow(/expected a string/);
  });
});
