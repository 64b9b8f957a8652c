// Packs one series' points into a compact block: delta-of-delta timestamps, values quantised to a
// decimal step and delta-coded, all as varints; the payload is deflated when that makes it smaller.
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { emptyPoints, type Points, pushPoint } from './points.ts';
import { ByteReader, ByteWriter } from './varint.ts';

const FLAG_DEFLATED = 1;
const FLAG_ROLLUP = 2;
/** Quantised magnitudes stay below this so that zigzag doubling keeps them exact. */
const MAX_QUANTISED = 2 ** 50;
/** Below this payload size deflate's own header costs more than it saves. */
const DEFLATE_MIN_BYTES = 48;

/** 10^exp as the quantum; exponents >= 0 multiply, negative ones divide, to keep decimals exact. */
export function quantiser(exp: number): { q(v: number): number; v(q: number): number } {
  if (exp >= 0) {
    const step = 10 ** exp;
    return { q: (v) => Math.round(v / step), v: (q) => q * step };
  }
  const scale = 10 ** -exp;
  return { q: (v) => Math.round(v * scale), v: (q) => q / scale };
}

/** The finest exponent, not below `preferred`, at which a magnitude of `maxAbs` fits. */
export function exponentFor(maxAbs: number, preferred: number): number {
  let exp = preferred;
  while (maxAbs / 10 ** exp > MAX_QUANTISED) exp++;
  return exp;
}

/** The finest exponent, not below `preferred`, at which every value of the block fits. */
function fittingExponent(p: Points, preferred: number): number {
  let maxAbs = 0;
  for (let i = 0; i < p.t.length; i++) {
    maxAbs = Math.max(maxAbs, Math.abs(p.min[i] ?? 0), Math.abs(p.max[i] ?? 0), Math.abs(p.avg[i] ?? 0));
  }
  return exponentFor(maxAbs, preferred);
}

export interface EncodeOptions {
  /** Decimal exponent of the quantum: -2 keeps hundredths, 0 keeps integers. */
  exponent: number;
  /** Whether min, max and count are stored (rollup tiers) or implied by the value (raw). */
  rollup: boolean;
  deflate?: boolean;
}

/** Points must be sorted by time, with integer second timestamps. */
export function encodeBlock(p: Points, opts: EncodeOptions): Uint8Array {
  const count = p.t.length;
  const exp = fittingExponent(p, opts.exponent);
  const { q } = quantiser(exp);
  const w = new ByteWriter(16 + count * (opts.rollup ? 6 : 3));
  w.uint(count);
  w.int(exp);
  let prevT = p.t[0] ?? 0;
  let prevDelta = 0;
  w.uint(prevT);
  for (let i = 1; i < count; i++) {
    const t = p.t[i] ?? 0;
    const delta = t - prevT;
    w.int(delta - prevDelta);
    prevDelta = delta;
    prevT = t;
  }
  let prevQ = 0;
  const qAvg: number[] = new Array(count);
  for (let i = 0; i < count; i++) {
    const qa = q(p.avg[i] ?? 0);
    qAvg[i] = qa;
    w.int(qa - prevQ);
    prevQ = qa;
  }
  if (opts.rollup) {
    // Rounding is monotone, so min <= avg <= max survives quantisation and both gaps are unsigned.
    for (let i = 0; i < count; i++) w.uint(Math.max(0, (qAvg[i] ?? 0) - q(p.min[i] ?? 0)));
    for (let i = 0; i < count; i++) w.uint(Math.max(0, q(p.max[i] ?? 0) - (qAvg[i] ?? 0)));
    for (let i = 0; i < count; i++) w.uint(p.n[i] ?? 1);
  }
  const payload = w.bytes();
  let flags = opts.rollup ? FLAG_ROLLUP : 0;
  let body: Uint8Array = payload;
  if ((opts.deflate ?? true) && payload.length >= DEFLATE_MIN_BYTES) {
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

export function decodeBlock(block: Uint8Array, into: Points = emptyPoints()): Points {
  const flags = block[0] ?? 0;
  const body = block.subarray(1);
  const payload = flags & FLAG_DEFLATED ? new Uint8Array(inflateRawSync(body)) : body;
  const r = new ByteReader(payload);
  const count = r.uint();
  const { v } = quantiser(r.int());
  const base = into.t.length;
  let t = r.uint();
  let delta = 0;
  const ts: number[] = [t];
  for (let i = 1; i < count; i++) {
    delta += r.int();
    t += delta;
    ts.push(t);
  }
  const qs: number[] = new Array(count);
  let prevQ = 0;
  for (let i = 0; i < count; i++) {
    prevQ += r.int();
    qs[i] = prevQ;
  }
  if (flags & FLAG_ROLLUP) {
    const below: number[] = new Array(count);
    for (let i = 0; i < count; i++) below[i] = r.uint();
    const above: number[] = new Array(count);
    for (let i = 0; i < count; i++) above[i] = r.uint();
    for (let i = 0; i < count; i++) {
      const qa = qs[i] ?? 0;
      pushPoint(into, ts[i] ?? 0, v(qa), v(qa - (below[i] ?? 0)), v(qa + (above[i] ?? 0)), r.uint());
    }
  } else {
    for (let i = 0; i < count; i++) {
      const value = v(qs[i] ?? 0);
      pushPoint(into, ts[i] ?? 0, value, value, value, 1);
    }
  }
  if (into.t.length - base !== count) throw new Error('block count mismatch');
  return into;
}
