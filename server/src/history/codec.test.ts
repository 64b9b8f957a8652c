import { describe, expect, it } from 'vitest';
import { decodeBlock, encodeBlock } from './block-codec.ts';
import { bucketPoints, emptyPoints, pushPoint } from './points.ts';
import { decodeSegment, encodeSegment } from './segment-codec.ts';

/** A small seeded generator, so a failing case can be replayed. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

describe('block codec', () => {
  it('round-trips random raw series within half a quantum', () => {
    for (let seed = 1; seed <= 200; seed++) {
      const r = rng(seed);
      const p = emptyPoints();
      let t = 1_700_000_000 + Math.floor(r() * 1e6);
      const scale = 10 ** Math.floor(r() * 12 - 2);
      const count = 1 + Math.floor(r() * 400);
      for (let i = 0; i < count; i++) {
        t += 1 + Math.floor(r() * (r() < 0.9 ? 12 : 5000));
        const v = (r() - 0.3) * scale;
        pushPoint(p, t, v, v, v, 1);
      }
      const exponent = r() < 0.5 ? -2 : 0;
      const back = decodeBlock(encodeBlock(p, { exponent, rollup: false }));
      expect(back.t).toEqual(p.t);
      expect(back.n.every((n) => n === 1)).toBe(true);
      for (let i = 0; i < count; i++) {
        const tolerance = Math.max(10 ** exponent, Math.abs(p.avg[i] ?? 0) * 2 ** -48) / 2;
        expect(Math.abs((back.avg[i] ?? 0) - (p.avg[i] ?? 0))).toBeLessThanOrEqual(tolerance * 1.000001);
      }
    }
  });

  it('round-trips rollup points with min <= avg <= max and counts', () => {
    for (let seed = 1; seed <= 100; seed++) {
      const r = rng(seed);
      const p = emptyPoints();
      for (let i = 0; i < 60; i++) {
        const lo = r() * 100;
        const hi = lo + r() * 50;
        pushPoint(p, 1_800_000_000 + i * 60, lo + (hi - lo) * r(), lo, hi, 1 + Math.floor(r() * 12));
      }
      const back = decodeBlock(encodeBlock(p, { exponent: -2, rollup: true }));
      expect(back.t).toEqual(p.t);
      expect(back.n).toEqual(p.n);
      for (let i = 0; i < 60; i++) {
        expect(back.min[i]).toBeCloseTo(p.min[i] ?? 0, 2);
        expect(back.max[i]).toBeCloseTo(p.max[i] ?? 0, 2);
        expect(back.avg[i]).toBeCloseTo(p.avg[i] ?? 0, 2);
        expect((back.min[i] ?? 0) <= (back.avg[i] ?? 0) && (back.avg[i] ?? 0) <= (back.max[i] ?? 0)).toBe(
          true,
        );
      }
    }
  });

  it('keeps a steady 10 s series of percentages under 3 bytes per sample', () => {
    const r = rng(7);
    const p = emptyPoints();
    let v = 40;
    for (let i = 0; i < 720; i++) {
      v = Math.min(100, Math.max(0, v + (r() - 0.5) * 4));
      pushPoint(p, 1_800_000_000 + i * 10 + (r() < 0.1 ? 1 : 0), v, v, v, 1);
    }
    const size = encodeBlock(p, { exponent: -2, rollup: false }).length;
    expect(size / 720).toBeLessThan(3);
  });
});

describe('segment codec', () => {
  it('round-trips ids, times and exact values', () => {
    const r = rng(3);
    const batch = { sid: [] as number[], t: [] as number[], v: [] as number[] };
    for (let i = 0; i < 500; i++) {
      batch.sid.push(1 + Math.floor(r() * 5000));
      batch.t.push(1_800_000_000 + Math.floor(r() * 5));
      batch.v.push(r() < 0.5 ? Math.floor(r() * 1e9) : r() * 100 - 20);
    }
    expect(decodeSegment(encodeSegment(batch))).toEqual(batch);
  });
});

describe('bucketPoints', () => {
  it('averages by count and keeps the extremes', () => {
    const p = emptyPoints();
    pushPoint(p, 0, 10, 5, 20, 1);
    pushPoint(p, 30, 40, 30, 50, 3);
    pushPoint(p, 60, 7, 7, 7, 1);
    const b = bucketPoints(p, 60);
    expect(b).toEqual({ t: [0, 60], avg: [32.5, 7], min: [5, 7], max: [50, 7], n: [4, 1] });
  });
});
