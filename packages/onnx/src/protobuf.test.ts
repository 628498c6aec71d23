import { describe, expect, it } from 'vitest';
import { ProtoWriter } from './protobuf.js';

const bytes = (w: ProtoWriter) => Array.from(w.finish());

describe('ProtoWriter', () => {
  it('writes varint fields as the protobuf encoding guide does (150 → 08 96 01)', () => {
    expect(bytes(new ProtoWriter().varint(1, 150))).toEqual([0x08, 0x96, 0x01]);
    expect(bytes(new ProtoWriter().varint(2, 0))).toEqual([0x10, 0x00]);
    expect(bytes(new ProtoWriter().varint(20, 7))).toEqual([0xa0, 0x01, 0x07]);
    expect(bytes(new ProtoWriter().varint(1, 2 ** 40))).toEqual([
      0x08, 0x80, 0x80, 0x80, 0x80, 0x80, 0x20,
    ]);
  });

  it('writes a negative int64 as ten bytes of two’s complement', () => {
    expect(bytes(new ProtoWriter().varint(3, -1))).toEqual([
      0x18, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01,
    ]);
  });

  it('writes strings, bytes and nested messages length-delimited', () => {
    expect(bytes(new ProtoWriter().string(2, 'testing'))).toEqual([
      0x12, 0x07, 0x74, 0x65, 0x73, 0x74, 0x69, 0x6e, 0x67,
    ]);
    const inner = new ProtoWriter().varint(1, 150);
    const outer = new ProtoWriter().bytes(9, Uint8Array.of(1, 2)).message(3, inner);
    expect(bytes(outer)).toEqual([0x4a, 0x02, 1, 2, 0x1a, 0x03, 0x08, 0x96, 0x01]);
    expect(outer.length).toBe(9);
  });

  it('refuses a value that is not a safe integer', () => {
    expect(() => new ProtoWriter().varint(1, 0.5)).toThrow(RangeError);
    expect(() => new ProtoWriter().varint(1, 2 ** 60)).toThrow(RangeError);
  });
});
