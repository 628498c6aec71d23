import { describe, expect, it } from 'vitest';
import {
  CHECKPOINT_VERSION,
  decodeCheckpointFile,
  encodeCheckpointFile,
} from './checkpoint-format.js';
import { crc32 } from './crc32.js';

const sample = () =>
  encodeCheckpointFile(
    { step: 7, note: 'hello' },
    {
      W: { shape: [2, 3], dtype: 'float32', data: Float32Array.of(1, 2, 3, 4, 5, -6.5) },
      ids: { shape: [3], dtype: 'int32', data: Int32Array.of(-1, 0, 2147483647) },
      empty: { shape: [0], dtype: 'float32', data: new Float32Array(0) },
    },
  );

/** A file with any header (its CRC right), to build directories the writer never would. */
function craft(header: Record<string, unknown>, data: Uint8Array): Uint8Array {
  const json = new TextEncoder().encode(JSON.stringify(header));
  const dataStart = Math.ceil((16 + json.length) / 8) * 8;
  const out = new Uint8Array(dataStart + data.length + 4);
  const view = new DataView(out.buffer);
  out.set(new TextEncoder().encode('RECURCKP'));
  view.setUint32(8, CHECKPOINT_VERSION, true);
  view.setUint32(12, json.length, true);
  out.set(json, 16);
  out.set(data, dataStart);
  view.setUint32(out.length - 4, crc32(out.subarray(0, out.length - 4)), true);
  return out;
}

describe('checkpoint file format', () => {
  it('crc32 is the IEEE CRC-32', () => {
    expect(crc32(new TextEncoder().encode('123456789'))).toBe(0xcbf43926);
    expect(crc32(new Uint8Array(0))).toBe(0);
  });

  it('lays out magic, version, header length, JSON header, aligned blobs and a CRC', () => {
    const bytes = sample();
    const view = new DataView(bytes.buffer);
    expect(new TextDecoder().decode(bytes.subarray(0, 8))).toBe('RECURCKP');
    expect(view.getUint32(8, true)).toBe(CHECKPOINT_VERSION);
    const headerLength = view.getUint32(12, true);
    const header = JSON.parse(new TextDecoder().decode(bytes.subarray(16, 16 + headerLength)));
    expect(header.step).toBe(7);
    expect(header.tensors).toEqual([
      { name: 'W', shape: [2, 3], dtype: 'float32', offset: 0, byteLength: 24 },
      { name: 'ids', shape: [3], dtype: 'int32', offset: 24, byteLength: 12 },
      { name: 'empty', shape: [0], dtype: 'float32', offset: 40, byteLength: 0 },
    ]);
    const dataStart = Math.ceil((16 + headerLength) / 8) * 8;
    expect(view.getFloat32(dataStart + 20, true)).toBe(-6.5);
    expect(view.getInt32(dataStart + 24 + 8, true)).toBe(2147483647);
    expect(view.getUint32(bytes.length - 4, true)).toBe(crc32(bytes.subarray(0, bytes.length - 4)));
  });

  it('round-trips header and arrays', () => {
    const { header, tensors } = decodeCheckpointFile(sample(), 'x.ckpt');
    expect(header.note).toBe('hello');
    expect(Array.from(tensors.W!.data)).toEqual([1, 2, 3, 4, 5, -6.5]);
    expect(tensors.ids!.data).toBeInstanceOf(Int32Array);
    expect(Array.from(tensors.ids!.data)).toEqual([-1, 0, 2147483647]);
    expect(tensors.empty!.shape).toEqual([0]);
  });

  it('names the file and the problem for every kind of damage', () => {
    const good = sample();
    const decode = (b: Uint8Array) => () => decodeCheckpointFile(b, 'runs/model.ckpt');
    const formatError = (pattern: RegExp) =>
      expect.objectContaining({ code: 'FORMAT', message: expect.stringMatching(pattern) });
    expect(decode(new TextEncoder().encode('{"not":"a checkpoint at all"}'))).toThrow(
      formatError(/runs\/model\.ckpt: not a recur checkpoint/),
    );
    expect(decode(good.subarray(0, 10))).toThrow(formatError(/only 10 bytes/));
    expect(decode(good.subarray(0, good.length - 9))).toThrow(
      formatError(/truncated: \d+ bytes, the header says \d+/),
    );
    expect(decode(good.subarray(0, 40))).toThrow(formatError(/truncated: the header alone needs/));
    const flipped = good.slice();
    flipped[flipped.length - 10]! ^= 0x40; // a data byte
    expect(decode(flipped)).toThrow(formatError(/checksum mismatch .*corrupt/));
    const badVersion = good.slice();
    new DataView(badVersion.buffer).setUint32(8, 99, true);
    expect(decode(badVersion)).toThrow(formatError(/format version 99/));
    const longer = new Uint8Array(good.length + 3);
    longer.set(good);
    expect(decode(longer)).toThrow(formatError(/3 unexpected bytes/));
    const badHeader = good.slice();
    badHeader[16] = 0x7b + 1; // '{' → '|'
    expect(decode(badHeader)).toThrow(formatError(/header is not valid UTF-8 JSON/));
  });

  it('rejects overlapping, unaligned, out-of-range, repeated and __proto__ directory entries', () => {
    const decode =
      (tensors: unknown[], dataLength = 16) =>
      () =>
        decodeCheckpointFile(craft({ tensors, dataLength }, new Uint8Array(dataLength)), 'd.ckpt');
    const formatError = (pattern: RegExp) =>
      expect.objectContaining({
        code: 'FORMAT',
        message: expect.stringMatching(new RegExp(`d\\.ckpt: .*${pattern.source}`)),
      });
    const entry = (name: string, offset: number, n = 2, shape: unknown = [n]) => ({
      name,
      shape,
      dtype: 'float32',
      offset,
      byteLength: 4 * n,
    });
    expect(decode([entry('a', 0), entry('b', 0)])).toThrow(formatError(/"b".*overlaps "a"/));
    expect(decode([entry('a', 8, 4), entry('b', 0, 4)], 24)).toThrow(formatError(/overlaps/));
    expect(decode([entry('a', 4)])).toThrow(
      formatError(/offset 4 is not a non-negative multiple of 8/),
    );
    expect(decode([entry('a', 8, 4)])).toThrow(formatError(/outside the 16 data bytes/));
    expect(decode([entry('a', -8)])).toThrow(formatError(/offset -8/));
    expect(decode([entry('a', 0), entry('a', 8)])).toThrow(formatError(/repeated/));
    expect(decode([entry('__proto__', 0)])).toThrow(formatError(/"__proto__"/));
    expect(decode([entry('a', 0, 0, [2 ** 40, 0])])).toThrow(formatError(/bad shape/));
    expect(decode([{ ...entry('a', 0), byteLength: 12 }])).toThrow(formatError(/byteLength 12/));
    expect(decode([null])).toThrow(formatError(/tensors\[0\] is not an object/));
    // Names that are also Object.prototype members are ordinary names.
    const { tensors } = decodeCheckpointFile(
      craft(
        { tensors: [entry('constructor', 0), entry('toString', 8)], dataLength: 16 },
        new Uint8Array(16),
      ),
    );
    expect(Object.keys(tensors)).toEqual(['constructor', 'toString']);
    const inherited: string = 'constructor';
    expect(Array.from(tensors[inherited]!.data)).toEqual([0, 0]);
  });

  it('rejects inconsistent input when encoding', () => {
    expect(() =>
      encodeCheckpointFile(
        {},
        { W: { shape: [2, 2], dtype: 'float32', data: new Float32Array(3) } },
      ),
    ).toThrow(/shape \[2,2\] \(4 values\) but 3 values/);
    expect(() => encodeCheckpointFile({ tensors: [] }, {})).toThrow(/reserved/);
  });
});
