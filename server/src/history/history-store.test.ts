import { afterEach, describe, expect, it } from 'vitest';
import { drive, type StoreFixture, storeFixture, WEEK_START } from '../../testing/history-fixture.ts';
import { emptyPoints, pushPoint } from './points.ts';
import { capPoints, readWithFallback } from './query.ts';

const S0 = WEEK_START / 1000;
let fx: StoreFixture | undefined;
afterEach(() => {
  fx?.close();
  fx = undefined;
});

describe('history store tiers', () => {
  it('rolls raw samples up into minute points with exact avg, min and max', async () => {
    fx = await storeFixture();
    const sid = fx.store.seriesId('agent', 'h1', 'cpu');
    // Six samples a minute: 0, 10, ..., 50 plus the minute's index, so each minute is known exactly.
    await drive(fx, sid, 10_000, 6 * 75, (i) => (i % 6) * 10 + Math.floor(i / 6));
    const marks = fx.store.marksSnapshot();
    expect(marks.rolled[1]).toBe(S0 + 3600);
    const s = fx.store.reader.find('agent', 'h1', 'cpu');
    if (!s) throw new Error('series missing');
    const minute = await fx.store.reader.read(s, 1, S0, S0 + 3599);
    expect(minute.t).toHaveLength(60);
    for (let m = 0; m < 60; m++) {
      expect(minute.t[m]).toBe(S0 + m * 60);
      expect(minute.avg[m]).toBeCloseTo(25 + m, 6);
      expect(minute.min[m]).toBe(m);
      expect(minute.max[m]).toBe(50 + m);
      expect(minute.n[m]).toBe(6);
    }
    // Past the rollup mark the minute tier is computed from raw on the fly, without a gap.
    const recent = await fx.store.reader.read(s, 1, S0 + 3600, S0 + 75 * 60);
    expect(recent.t[0]).toBe(S0 + 3600);
    expect(recent.avg[0]).toBeCloseTo(25 + 60, 6);
    expect(recent.t.length).toBeGreaterThanOrEqual(14);
  });

  it('rolls minute points up into hourly and daily points, weighted by count', async () => {
    fx = await storeFixture();
    const sid = fx.store.seriesId('agent', 'h1', 'memory');
    // Every 10 minutes for 15 days: value = day + (slot within the hour) / 10.
    const perDay = 144;
    await drive(fx, sid, 600_000, perDay * 15, (i) => Math.floor(i / perDay) + (i % 6) / 10);
    const s = fx.store.reader.find('agent', 'h1', 'memory');
    if (!s) throw new Error('series missing');
    const marks = fx.store.marksSnapshot();
    expect(marks.rolled[2]).toBe(S0 + 15 * 86_400);
    expect(marks.rolled[3]).toBe(S0 + 14 * 86_400);
    const hourly = await fx.store.reader.read(s, 2, S0 + 8 * 86_400, S0 + 9 * 86_400 - 1);
    expect(hourly.t).toHaveLength(24);
    expect(hourly.avg.every((v) => Math.abs(v - 8.25) < 1e-9)).toBe(true);
    expect(hourly.min.every((v) => v === 8)).toBe(true);
    expect(hourly.max.every((v) => v === 8.5)).toBe(true);
    expect(hourly.n.every((n) => n === 6)).toBe(true);
    const daily = await fx.store.reader.read(s, 3, S0, S0 + 14 * 86_400 - 1);
    expect(daily.t).toEqual(Array.from({ length: 14 }, (_, d) => S0 + d * 86_400));
    for (const [d, v] of daily.avg.entries()) expect(v).toBeCloseTo(d + 0.25, 9);
    expect(daily.n.every((n) => n === perDay)).toBe(true);
  });

  it('prunes each tier past its retention, only after the next tier has rolled it up', async () => {
    fx = await storeFixture({ rawHours: 1, minuteHours: 3, hourlyDays: 1, dailyDays: 90 });
    const sid = fx.store.seriesId('agent', 'h1', 'cpu');
    await drive(fx, sid, 60_000, 60 * 30, () => 1);
    const now = Math.floor(fx.clock.now() / 1000);
    const s = fx.store.reader.find('agent', 'h1', 'cpu');
    if (!s) throw new Error('series missing');
    const raw = await fx.store.reader.read(s, 0, 0, now);
    const minute = await fx.store.reader.read(s, 1, 0, now);
    const hourly = await fx.store.reader.read(s, 2, 0, now);
    // Slabs go whole: the oldest left may start up to one slab before the cutoff.
    expect(raw.t[0]).toBeGreaterThanOrEqual(now - 3600 - 60);
    // Minute blocks past their 3 h wait for the hourly tier's daily span: the first day is gone, the
    // second day's stay until it is rolled up.
    expect(fx.store.marksSnapshot().rolled[2]).toBe(S0 + 86_400);
    expect(minute.t[0]).toBe(S0 + 86_400);
    expect(hourly.t[0]).toBe(S0);
    expect(hourly.t).toHaveLength(30);
    // Raw slabs are a minute each (one row per minute for one series): an hour's worth and the minute
    // being pruned.
    const stats = await fx.store.stats();
    expect(stats.tiers[0]?.blocks).toBeLessThanOrEqual(62);
  });
});

describe('history queries', () => {
  it('picks the tier from the range and falls back to a coarser one when it is empty', async () => {
    fx = await storeFixture({ rawHours: 1, minuteHours: 24, hourlyDays: 7, dailyDays: 90 });
    const sid = fx.store.seriesId('agent', 'h1', 'cpu');
    await drive(fx, sid, 10_000, 6 * 60 * 2, (i) => i % 100);
    const s = fx.store.reader.find('agent', 'h1', 'cpu');
    if (!s) throw new Error('series missing');
    const now = Math.floor(fx.clock.now() / 1000);
    expect((await readWithFallback(fx.store.reader, s, now - 3600, now)).tier).toBe(0);
    expect((await readWithFallback(fx.store.reader, s, now - 86_400, now)).tier).toBe(1);
    // Samples stop; 90 minutes on, the raw tier (kept 1 h) has nothing left of the last 2 h but the
    // minute tier still has their last half hour.
    fx.clock.advance(90 * 60_000);
    for (let i = 0; i < 10; i++) await fx.store.tick();
    const later = Math.floor(fx.clock.now() / 1000);
    expect((await fx.store.reader.read(s, 0, later - 7200, later)).t).toEqual([]);
    const read = await readWithFallback(fx.store.reader, s, later - 7200, later);
    expect(read.tier).toBe(1);
    expect(read.points.t).toHaveLength(30);
  });

  it('buckets to maxPoints exactly on known data', () => {
    const p = emptyPoints();
    for (let i = 0; i < 360; i++) pushPoint(p, 1000 + i * 10, i, i, i, 1);
    // 3600 s at 100 points: 36 s steps aligned to the range start.
    const b = capPoints(p, 0, 1000, 3600, 100);
    expect(b.t.length).toBeLessThanOrEqual(100);
    expect(b.t[0]).toBe(1000);
    expect(b.avg[0]).toBeCloseTo((0 + 1 + 2 + 3) / 4, 9);
    expect([b.min[0], b.max[0], b.n[0]]).toEqual([0, 3, 4]);
    expect(b.t[1]).toBe(1036);
    expect([b.min[1], b.max[1], b.n[1]]).toEqual([4, 7, 4]);
    // A step not coarser than the tier's resolution leaves the points alone.
    expect(capPoints(p, 1, 1000, 3600, 100)).toBe(p);
    expect(capPoints(p, 0, 1000, 3600, undefined)).toBe(p);
  });
});

describe('durability', () => {
  it('keeps flushed samples across a reopen, sealed or not', async () => {
    fx = await storeFixture();
    const sid = fx.store.seriesId('agent', 'h1', 'cpu');
    await drive(fx, sid, 10_000, 200, (i) => i);
    fx.store.append(sid, fx.clock.now(), 999);
    await fx.store.flush();
    const store = await fx.reopen();
    const s = store.reader.find('agent', 'h1', 'cpu');
    if (!s) throw new Error('series missing after reopen');
    const raw = await store.reader.read(s, 0, S0, Math.floor(fx.clock.now() / 1000));
    expect(raw.avg).toEqual([...Array.from({ length: 200 }, (_, i) => i), 999]);
  });
});
