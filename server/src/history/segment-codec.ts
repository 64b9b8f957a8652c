// One flush's samples as a single row, the layout before raw slabs: a store upgraded from it replays the
// rows left behind once at open, and drops them when their samples are sealed. Nothing writes them now
// but tests that fabricate such a store.
import { ByteReader, ByteWriter } from './varint.ts';

export interface SampleBatch {
  sid: number[];
  t: number[];
  v: number[];
}

/** Values keep full float precision here; quantisation happens once, when a block is sealed. */
export function encodeSegment(batch: SampleBatch): Uint8Array {
  const w = new ByteWriter(16 + batch.sid.length * 12);
  const count = batch.sid.length;
  w.uint(count);
  let prevSid = 0;
  let prevT = batch.t[0] ?? 0;
  w.uint(prevT);
  const f64 = new Float64Array(1);
  const f64Bytes = new Uint8Array(f64.buffer);
  for (let i = 0; i < count; i++) {
    const sid = batch.sid[i] ?? 0;
    const t = batch.t[i] ?? 0;
    const v = batch.v[i] ?? 0;
    w.int(sid - prevSid);
    w.int(t - prevT);
    prevSid = sid;
    prevT = t;
    // Integers (byte rates, counts) take a varint; anything else its 8 IEEE bytes.
    if (Number.isSafeInteger(v) && Math.abs(v) < 2 ** 50) {
      w.byte(0);
      w.int(v);
    } else {
      w.byte(1);
      f64[0] = v;
      for (const b of f64Bytes) w.byte(b);
    }
  }
  return w.bytes().slice();
}

/** Calls `visit` for each sample of a segment, in the order it was flushed. */
export function forEachSegmentSample(
  data: Uint8Array,
  visit: (sid: number, t: number, v: number) => void,
): void {
  const r = new ByteReader(data);
  const count = r.uint();
  let sid = 0;
  let t = r.uint();
  const f64 = new Float64Array(1);
  const f64Bytes = new Uint8Array(f64.buffer);
  for (let i = 0; i < count; i++) {
    sid += r.int();
    t += r.int();
    let v: number;
    if (r.byte() === 0) v = r.int();
    else {
      for (let b = 0; b < 8; b++) f64Bytes[b] = r.byte();
      v = f64[0] ?? 0;
    }
    visit(sid, t, v);
  }
}

export function decodeSegment(data: Uint8Array): SampleBatch {
  const out: SampleBatch = { sid: [], t: [], v: [] };
  forEachSegmentSample(data, (sid, t, v) => {
    out.sid.push(sid);
    out.t.push(t);
    out.v.push(v);
  });
  return out;
}
