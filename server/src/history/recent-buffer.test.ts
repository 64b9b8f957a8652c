import { describe, expect, it } from 'vitest';
import { emptyPoints } from './points.ts';
import { RecentBuffer } from './recent-buffer.ts';

const SPAN = 120;
const T0 = 1_800_000_000 - (1_800_000_000 % SPAN);

describe('recent buffer', () => {
  it('keeps each series in order across slabs and through growth of its arrays', () => {
    const buf = new RecentBuffer(SPAN);
    // 5,000 series × 2 samples in one slab: past the first capacity, so the arrays grow while filling.
    for (const dt of [3, 61]) for (let sid = 1; sid <= 5000; sid++) buf.add(sid, T0 + dt, sid + dt / 100);
    buf.add(7, T0 + SPAN + 5, -1.5);
    expect(buf.samples).toBe(10_001);
    expect(buf.all().map((s) => s.start)).toEqual([T0, T0 + SPAN]);
    const p = emptyPoints();
    buf.collect(7, T0, T0 + 2 * SPAN, p);
    expect(p.t).toEqual([T0 + 3, T0 + 61, T0 + SPAN + 5]);
    expect(p.avg).toEqual([7.03, 7.61, -1.5]);
    const window = emptyPoints();
    buf.collect(7, T0 + 4, T0 + SPAN, window);
    expect(window.t).toEqual([T0 + 61]);
    const offsets = new Uint16Array(SPAN);
    const values = new Float64Array(SPAN);
    expect(buf.slab(T0)?.read(4999, offsets, values)).toBe(2);
    expect([...offsets.subarray(0, 2)]).toEqual([3, 61]);
    expect([...values.subarray(0, 2)]).toEqual([4999.03, 4999.61]);
  });

  it('grows with a busy slab and gives the memory back once quieter slabs follow', () => {
    const buf = new RecentBuffer(SPAN);
    for (let sid = 1; sid <= 40_000; sid++) buf.add(sid, T0 + 1, sid);
    const busy = buf.bytes;
    const capacity = buf.slab(T0)?.capacity ?? 0;
    expect(capacity).toBeGreaterThanOrEqual(40_000);
    expect(capacity).toBeLessThan(40_000 * 1.6);
    // 14 bytes a sample (offset, value, chain) plus the per-series heads and tails.
    expect(busy).toBeGreaterThanOrEqual(40_000 * (14 + 8));
    expect(busy).toBeLessThan(40_000 * (14 * 1.6 + 8 * 2));
    // A quiet slab starts while the busy one is sealed and released: it keeps the busy one's size...
    buf.add(1, T0 + SPAN + 1, 1);
    buf.release(T0);
    // ...and once it is released in turn, having used a sliver of it, the arrays are cut down.
    buf.add(1, T0 + 2 * SPAN + 1, 1);
    buf.release(T0 + SPAN);
    buf.add(2, T0 + 3 * SPAN + 1, 1);
    buf.release(T0 + 2 * SPAN);
    expect(buf.samples).toBe(1);
    expect(buf.slab(T0 + 3 * SPAN)?.capacity).toBe(1024);
    // What stays is a head and a tail per series id (8 bytes) for the open slab and the spare one.
    expect(buf.bytes).toBeLessThan(2 * (1024 * 14 + 65_536 * 8) + 1);
    expect(buf.bytes).toBeLessThan(busy);
  });
});
