/**
 * A tiny binary writer/reader for protocol frames (shared by the Chiaroscuro and PPkM codecs).
 * Unsigned LEB128 varints, non-negative bigints as fixed-width big-endian bytes, float64 arrays
 * little-endian. The reader checks every bound and throws {@link WireError}, which codecs catch and
 * turn into a typed "dropped" reason: a malformed frame never escapes as an exception.
 * @module
 */

/** A malformed frame: truncated, oversized field or out-of-range value. */
export class WireError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WireError';
  }
}

/** Bytes of an unsigned varint encoding of `v` (v a safe non-negative integer). */
export function varintSize(v: number): number {
  let n = 1;
  while (v >= 128) {
    v = Math.floor(v / 128);
    n++;
  }
  return n;
}

/** Appends fields to a growable byte buffer. */
export class WireWriter {
  private buf: Uint8Array;
  private pos = 0;

  constructor(initialCapacity = 256) {
    this.buf = new Uint8Array(Math.max(16, initialCapacity));
  }

  private ensure(extra: number): void {
    if (this.pos + extra <= this.buf.length) return;
    let cap = this.buf.length * 2;
    while (cap < this.pos + extra) cap *= 2;
    const next = new Uint8Array(cap);
    next.set(this.buf.subarray(0, this.pos));
    this.buf = next;
  }

  /** Writes one byte (0..255). */
  u8(v: number): this {
    if (!Number.isInteger(v) || v < 0 || v > 255) throw new RangeError(`WireWriter.u8: ${v} not in 0..255`);
    this.ensure(1);
    this.buf[this.pos++] = v;
    return this;
  }

  /** Writes an unsigned LEB128 varint (safe non-negative integer). */
  varint(v: number): this {
    if (!Number.isSafeInteger(v) || v < 0) throw new RangeError(`WireWriter.varint: ${v} is not a safe non-negative integer`);
    this.ensure(varintSize(v));
    while (v >= 128) {
      this.buf[this.pos++] = (v % 128) | 128;
      v = Math.floor(v / 128);
    }
    this.buf[this.pos++] = v;
    return this;
  }

  /** Writes a non-negative bigint as exactly `width` big-endian bytes. */
  bigint(v: bigint, width: number): this {
    if (typeof v !== 'bigint' || v < 0n) throw new RangeError('WireWriter.bigint: value must be a non-negative bigint');
    if (!Number.isInteger(width) || width < 1) throw new RangeError(`WireWriter.bigint: bad width ${width}`);
    if (v >> BigInt(width * 8) !== 0n) throw new RangeError(`WireWriter.bigint: value does not fit in ${width} bytes`);
    this.ensure(width);
    // Fill from the end, 32 bits at a time.
    let x = v;
    let i = this.pos + width - 1;
    while (i >= this.pos) {
      let word = Number(x & 0xffffffffn);
      x >>= 32n;
      for (let j = 0; j < 4 && i >= this.pos; j++, i--) {
        this.buf[i] = word & 0xff;
        word >>>= 8;
      }
    }
    this.pos += width;
    return this;
  }

  /** Writes a float64 (little-endian). */
  f64(v: number): this {
    this.ensure(8);
    new DataView(this.buf.buffer, this.buf.byteOffset + this.pos, 8).setFloat64(0, v, true);
    this.pos += 8;
    return this;
  }

  /** Writes a varint length then the float64 values. */
  f64Array(values: ArrayLike<number>): this {
    this.varint(values.length);
    for (let i = 0; i < values.length; i++) this.f64(values[i]!);
    return this;
  }

  /** Writes a varint length then the UTF-8 bytes. */
  string(s: string): this {
    const bytes = new TextEncoder().encode(s);
    this.varint(bytes.length);
    this.ensure(bytes.length);
    this.buf.set(bytes, this.pos);
    this.pos += bytes.length;
    return this;
  }

  /** Writes a varint length then the raw bytes. */
  byteString(b: Uint8Array): this {
    this.varint(b.length);
    this.ensure(b.length);
    this.buf.set(b, this.pos);
    this.pos += b.length;
    return this;
  }

  /** The bytes written so far (a copy-free view). */
  finish(): Uint8Array {
    return this.buf.subarray(0, this.pos);
  }
}

/** Reads fields from a frame with strict bounds checks. */
export class WireReader {
  private pos = 0;

  constructor(private readonly bytes: Uint8Array) {}

  /** Bytes not yet read. */
  get remaining(): number {
    return this.bytes.length - this.pos;
  }

  private need(n: number, what: string): void {
    if (n > this.remaining) throw new WireError(`${what}: truncated frame (need ${n} bytes, have ${this.remaining})`);
  }

  /** Reads one byte. */
  u8(what = 'u8'): number {
    this.need(1, what);
    return this.bytes[this.pos++]!;
  }

  /** Reads a varint, checking it is ≤ `max` (default Number.MAX_SAFE_INTEGER). */
  varint(what = 'varint', max = Number.MAX_SAFE_INTEGER): number {
    let result = 0;
    let mul = 1;
    for (let i = 0; i < 8; i++) {
      const b = this.u8(what);
      result += (b & 127) * mul;
      if (b < 128) {
        if (i > 0 && b === 0) throw new WireError(`${what}: non-canonical varint`);
        if (result > max) throw new WireError(`${what}: ${result} exceeds ${max}`);
        return result;
      }
      mul *= 128;
    }
    throw new WireError(`${what}: varint longer than 8 bytes`);
  }

  /** Reads a `width`-byte big-endian non-negative bigint. */
  bigint(width: number, what = 'bigint'): bigint {
    this.need(width, what);
    let x = 0n;
    let i = this.pos;
    const end = this.pos + width;
    // Leading bytes until the rest is a multiple of 4, then 32-bit words.
    while ((end - i) % 4 !== 0) x = (x << 8n) | BigInt(this.bytes[i++]!);
    for (; i < end; i += 4) {
      const w = ((this.bytes[i]! << 24) | (this.bytes[i + 1]! << 16) | (this.bytes[i + 2]! << 8) | this.bytes[i + 3]!) >>> 0;
      x = (x << 32n) | BigInt(w);
    }
    this.pos = end;
    return x;
  }

  /** Reads a float64; rejects NaN and infinities unless `allowNonFinite`. */
  f64(what = 'f64', allowNonFinite = false): number {
    this.need(8, what);
    const v = new DataView(this.bytes.buffer, this.bytes.byteOffset + this.pos, 8).getFloat64(0, true);
    this.pos += 8;
    if (!allowNonFinite && !Number.isFinite(v)) throw new WireError(`${what}: not a finite number`);
    return v;
  }

  /** Reads a length-prefixed float64 array of at most `maxLength` finite values. */
  f64Array(maxLength: number, what = 'f64Array'): Float64Array {
    const len = this.varint(`${what} length`, maxLength);
    this.need(len * 8, what);
    const out = new Float64Array(len);
    for (let i = 0; i < len; i++) out[i] = this.f64(what);
    return out;
  }

  /** Reads a length-prefixed UTF-8 string of at most `maxBytes` bytes. */
  string(maxBytes: number, what = 'string'): string {
    const len = this.varint(`${what} length`, maxBytes);
    this.need(len, what);
    const s = new TextDecoder('utf-8', { fatal: true });
    try {
      return s.decode(this.bytes.subarray(this.pos, (this.pos += len)));
    } catch {
      throw new WireError(`${what}: invalid UTF-8`);
    }
  }

  /** Reads a length-prefixed byte string of at most `maxLength` bytes (a copy: the frame may be reused). */
  byteString(maxLength: number, what = 'bytes'): Uint8Array {
    const len = this.varint(`${what} length`, maxLength);
    this.need(len, what);
    return this.bytes.slice(this.pos, (this.pos += len));
  }

  /** Throws unless every byte was consumed (trailing garbage is a malformed frame). */
  end(): void {
    if (this.remaining !== 0) throw new WireError(`trailing ${this.remaining} bytes`);
  }
}
