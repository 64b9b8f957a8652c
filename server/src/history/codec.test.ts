import { describe, expect, it } from 'vitest';
import { decodeBlock, encodeBlock } from './block-codec.ts';
import { bucketPoints, emptyPoints, pushPoint } from './points.ts';
import { decodeSegment, encodeSegment } from './segment-codec.ts';
import { decodeSlab, SLAB_SERIES, SlabEncoder } from './slab-codec.ts';

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

describe('slab codec', () => {
  /** Random samples for some of a chunk's series: [slot, offsets, values]. */
  function chunkSamples(seed: number): Array<[number, number[], number[]]> {
    const r = rng(seed);
    const out: Array<[number, number[], number[]]> = [];
    for (let slot = 0; slot < SLAB_SERIES; slot++) {
      if (r() < 0.2) continue;
      const offsets: number[] = [];
      for (let t = Math.floor(r() * 30); t < 120; t += 1 + Math.floor(r() * 40)) offsets.push(t);
      const scale = 10 ** Math.floor(r() * 9 - 1);
      out.push([slot, offsets, offsets.map(() => (r() - 0.3) * scale)]);
    }
    return out;
  }

  function encode(
    samples: Array<[number, number[], number[]]>,
    exact: boolean,
    exponent: number,
  ): Uint8Array {
    const enc = new SlabEncoder();
    enc.begin(exact);
    for (const [slot, offsets, values] of samples) enc.add(slot, exponent, offsets, values, offsets.length);
    return enc.finish();
  }

  function decode(data: Uint8Array, start: number, chunk: number, want?: (sid: number) => boolean) {
    const out = new Map<number, { t: number[]; v: number[] }>();
    decodeSlab(
      data,
      start,
      chunk,
      (sid, t, v) => {
        const e = out.get(sid) ?? { t: [], v: [] };
        e.t.push(t);
        e.v.push(v);
        out.set(sid, e);
      },
      want,
    );
    return out;
  }

  it('round-trips series ids and times exactly and values within half a quantum', () => {
    for (let seed = 1; seed <= 50; seed++) {
      const samples = chunkSamples(seed);
      const exponent = seed % 2 === 0 ? -2 : 0;
      const back = decode(encode(samples, false, exponent), 1_800_000_000, 3);
      expect([...back.keys()]).toEqual(samples.map(([slot]) => 3 * SLAB_SERIES + slot));
      for (const [slot, offsets, values] of samples) {
        const got = back.get(3 * SLAB_SERIES + slot);
        expect(got?.t).toEqual(offsets.map((o) => 1_800_000_000 + o));
        for (const [i, v] of values.entries()) {
          const tolerance = Math.max(10 ** exponent, Math.abs(v) * 2 ** -48) / 2;
          expect(Math.abs((got?.v[i] ?? 0) - v)).toBeLessThanOrEqual(tolerance * 1.000001);
        }
      }
    }
  });

  it('keeps every bit of the values in exact rows, and skips the series not wanted', () => {
    const samples = chunkSamples(9);
    const data = encode(samples, true, -2);
    const back = decode(data, 1_800_000_000, 0);
    for (const [slot, offsets, values] of samples) {
      expect(back.get(slot)).toEqual({ t: offsets.map((o) => 1_800_000_000 + o), v: values });
    }
    const [first] = samples;
    const one = decode(data, 1_800_000_000, 0, (sid) => sid === first?.[0]);
    expect([...one.keys()]).toEqual([first?.[0]]);
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
