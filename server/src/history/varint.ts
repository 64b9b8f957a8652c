// Unsigned and zigzag varints over plain numbers, exact up to 2^53, for the block and segment codecs.

/** A growable byte buffer that appends varints. */
export class ByteWriter {
  private buf: Uint8Array;
  length = 0;

  constructor(capacity = 256) {
    this.buf = new Uint8Array(capacity);
  }

  private reserve(extra: number): void {
    if (this.length + extra <= this.buf.length) return;
    const next = new Uint8Array(Math.max(this.buf.length * 2, this.length + extra));
    next.set(this.buf.subarray(0, this.length));
    this.buf = next;
  }

  byte(b: number): void {
    this.reserve(1);
    this.buf[this.length++] = b;
  }

  /** n must be a non-negative integer. */
  uint(n: number): void {
    this.reserve(8);
    // Bitwise operators only hold 32 bits; larger numbers take the arithmetic path.
    if (n < 0x8000_0000) {
      while (n >= 0x80) {
        this.buf[this.length++] = (n & 0x7f) | 0x80;
        n >>>= 7;
      }
      this.buf[this.length++] = n;
      return;
    }
    while (n >= 0x80) {
      this.buf[this.length++] = (n % 0x80) | 0x80;
      n = Math.floor(n / 0x80);
    }
    this.buf[this.length++] = n;
  }

  /** Zigzag: small magnitudes of either sign stay short. */
  int(n: number): void {
    this.uint(n >= 0 ? n * 2 : -n * 2 - 1);
  }

  append(bytes: Uint8Array): void {
    this.reserve(bytes.length);
    this.buf.set(bytes, this.length);
    this.length += bytes.length;
  }

  bytes(): Uint8Array {
    return this.buf.subarray(0, this.length);
  }
}

export class ByteReader {
  private readonly buf: Uint8Array;
  pos: number;

  constructor(buf: Uint8Array, pos = 0) {
    this.buf = buf;
    this.pos = pos;
  }

  get done(): boolean {
    return this.pos >= this.buf.length;
  }

  byte(): number {
    const b = this.buf[this.pos++];
    if (b === undefined) throw new Error('truncated block');
    return b;
  }

  uint(): number {
    let result = 0;
    let mul = 1;
    for (;;) {
      const b = this.buf[this.pos++];
      if (b === undefined) throw new Error('truncated varint');
      result += (b & 0x7f) * mul;
      if (b < 0x80) return result;
      mul *= 0x80;
    }
  }

  int(): number {
    const z = this.uint();
    return z % 2 === 0 ? z / 2 : -(z + 1) / 2;
  }
}
