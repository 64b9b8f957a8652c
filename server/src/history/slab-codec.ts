// One raw slab row: the samples of SLAB_SERIES consecutive series ids over one slab of time, column by
// column (counts, exponents, times, values) so that deflate finds the repeats across series.
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { exponentFor, quantiser } from './block-codec.ts';
import { ByteReader, ByteWriter } from './varint.ts';

/** Series ids per row: a row is one chunk (sid / SLAB_SERIES) of one slab. */
export const SLAB_SERIES = 128;

const FLAG_DEFLATED = 1;
/** Values as IEEE doubles instead of quantised: rows written by a flush, before the slab is sealed. */
const FLAG_EXACT = 2;
const DEFLATE_MIN_BYTES = 64;

export function chunkOf(seriesId: number): number {
  return Math.floor(seriesId / SLAB_SERIES);
}

/** Builds one row at a time; series are added in increasing slot order. */
export class SlabEncoder {
  private readonly counts = new Uint32Array(SLAB_SERIES);
  private readonly exps = new ByteWriter(SLAB_SERIES);
  private readonly times = new ByteWriter(4 * SLAB_SERIES);
  private readonly values = new ByteWriter(8 * SLAB_SERIES);
  private readonly f64 = new Float64Array(1);
  private readonly f64Bytes = new Uint8Array(this.f64.buffer);
  private exact = false;
  samples = 0;

  /** Starts a row; `exact` keeps every value bit for bit (no quantum). */
  begin(exact: boolean): void {
    this.counts.fill(0);
    this.exps.length = 0;
    this.times.length = 0;
    this.values.length = 0;
    this.exact = exact;
    this.samples = 0;
  }

  /** `offsets` are seconds since the slab start, increasing; `exponent` is the series' preferred quantum. */
  add(
    slot: number,
    exponent: number,
    offsets: ArrayLike<number>,
    values: ArrayLike<number>,
    count: number,
  ): void {
    if (count === 0) return;
    this.counts[slot] = count;
    this.samples += count;
    let prevT = 0;
    for (let i = 0; i < count; i++) {
      const t = offsets[i] ?? 0;
      this.times.uint(t - prevT);
      prevT = t;
    }
    if (this.exact) {
      for (let i = 0; i < count; i++) {
        this.f64[0] = values[i] ?? 0;
        for (const b of this.f64Bytes) this.values.byte(b);
      }
      return;
    }
    let maxAbs = 0;
    for (let i = 0; i < count; i++) maxAbs = Math.max(maxAbs, Math.abs(values[i] ?? 0));
    const exp = exponentFor(maxAbs, exponent);
    this.exps.int(exp);
    const { q } = quantiser(exp);
    let prevQ = 0;
    for (let i = 0; i < count; i++) {
      const qv = q(values[i] ?? 0);
      this.values.int(qv - prevQ);
      prevQ = qv;
    }
  }

  finish(): Uint8Array {
    const w = new ByteWriter(16 + SLAB_SERIES + this.exps.length + this.times.length + this.values.length);
    w.uint(SLAB_SERIES);
    for (const c of this.counts) w.uint(c);
    w.append(this.exps.bytes());
    w.append(this.times.bytes());
    w.append(this.values.bytes());
    const payload = w.bytes();
    let flags = this.exact ? FLAG_EXACT : 0;
    let body: Uint8Array = payload;
    if (payload.length >= DEFLATE_MIN_BYTES) {
      const packed = deflateRawSync(payload);
      if (packed.length < payload.length) {
        body = packed;
        flags |= FLAG_DEFLATED;
      }
    }
    const out = new Uint8Array(body.length + 1);
    out[0] = flags;
    out.set(body, 1);
    return out;
  }
}

export type SampleVisitor = (seriesId: number, t: number, v: number) => void;

/**
 * Calls `visit` for every sample of the row, series by series, each oldest first. `want` skips series
 * (their bytes are still read: the columns are not indexed).
 */
export function decodeSlab(
  data: Uint8Array,
  start: number,
  chunk: number,
  visit: SampleVisitor,
  want: (seriesId: number) => boolean = () => true,
): void {
  const flags = data[0] ?? 0;
  const body = data.subarray(1);
  const r = new ByteReader(flags & FLAG_DEFLATED ? new Uint8Array(inflateRawSync(body)) : body);
  const slots = r.uint();
  const counts = new Uint32Array(slots);
  for (let i = 0; i < slots; i++) counts[i] = r.uint();
  const exact = (flags & FLAG_EXACT) !== 0;
  const exps = new Int32Array(slots);
  if (!exact) for (let i = 0; i < slots; i++) if (counts[i]) exps[i] = r.int();
  const times: number[] = [];
  for (let i = 0; i < slots; i++) {
    let t = start;
    for (let k = 0; k < (counts[i] ?? 0); k++) {
      t += r.uint();
      times.push(t);
    }
  }
  const f64 = new Float64Array(1);
  const f64Bytes = new Uint8Array(f64.buffer);
  const first = chunk * slots;
  let at = 0;
  for (let i = 0; i < slots; i++) {
    const count = counts[i] ?? 0;
    if (count === 0) continue;
    const sid = first + i;
    const keep = want(sid);
    if (exact) {
      for (let k = 0; k < count; k++) {
        for (let b = 0; b < 8; b++) f64Bytes[b] = r.byte();
        if (keep) visit(sid, times[at + k] ?? 0, f64[0] ?? 0);
      }
    } else {
      const { v } = quantiser(exps[i] ?? 0);
      let qv = 0;
      for (let k = 0; k < count; k++) {
        qv += r.int();
        if (keep) visit(sid, times[at + k] ?? 0, v(qv));
      }
    }
    at += count;
  }
}
