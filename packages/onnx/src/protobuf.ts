const UTF8 = new TextEncoder();

/**
 * The part of the protocol-buffers wire format an ONNX file needs, written by hand so the
 * package has no runtime dependency: varints (wire type 0), length-delimited bytes, strings and
 * nested messages (wire type 2). A field is a key `(number << 3) | wireType` followed by its
 * value. Nested messages keep their children's chunks by reference, so a weight's bytes are
 * copied once, into the final buffer.
 */
export class ProtoWriter {
  readonly #chunks: Uint8Array[] = [];
  #pending: number[] = [];
  #length = 0;

  /** Bytes written so far. */
  get length(): number {
    return this.#length + this.#pending.length;
  }

  /** A varint field (int32, int64, enum, bool); negative values take ten bytes, as in int64. */
  varint(field: number, value: number): this {
    this.#key(field, 0);
    this.#varint(value);
    return this;
  }

  /** A length-delimited field holding `bytes`. */
  bytes(field: number, bytes: Uint8Array): this {
    this.#key(field, 2);
    this.#varint(bytes.length);
    this.#flush();
    this.#chunks.push(bytes);
    this.#length += bytes.length;
    return this;
  }

  /** A UTF-8 string field. */
  string(field: number, value: string): this {
    return this.bytes(field, UTF8.encode(value));
  }

  /** A nested message field. */
  message(field: number, child: ProtoWriter): this {
    child.#flush();
    this.#key(field, 2);
    this.#varint(child.#length);
    this.#flush();
    for (const chunk of child.#chunks) this.#chunks.push(chunk);
    this.#length += child.#length;
    return this;
  }

  /** The encoded message as one buffer. */
  finish(): Uint8Array {
    this.#flush();
    const out = new Uint8Array(this.#length);
    let offset = 0;
    for (const chunk of this.#chunks) {
      out.set(chunk, offset);
      offset += chunk.length;
    }
    return out;
  }

  #key(field: number, wireType: number): void {
    this.#varint(field * 8 + wireType);
  }

  #varint(value: number): void {
    if (!Number.isSafeInteger(value)) {
      throw new RangeError(`ProtoWriter: ${value} is not a safe integer`);
    }
    if (value < 0) {
      // Two's complement over 64 bits: ten bytes, the way protobuf writes a negative int64.
      let v = BigInt.asUintN(64, BigInt(value));
      for (let i = 0; i < 9; i++) {
        this.#pending.push(Number(v & 0x7fn) | 0x80);
        v >>= 7n;
      }
      this.#pending.push(Number(v));
      return;
    }
    let v = value;
    while (v >= 0x80) {
      this.#pending.push((v % 0x80) | 0x80);
      v = Math.floor(v / 0x80);
    }
    this.#pending.push(v);
  }

  #flush(): void {
    if (this.#pending.length === 0) return;
    this.#chunks.push(Uint8Array.from(this.#pending));
    this.#length += this.#pending.length;
    this.#pending = [];
  }
}
