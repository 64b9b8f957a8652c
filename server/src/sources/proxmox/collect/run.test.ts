import { describe, expect, it } from 'vitest';
import { guestRates } from './rates.ts';
import { asArray, bool, num } from './read.ts';
import { mapLimit } from './run.ts';

describe('mapLimit', () => {
  it('keeps input order and never runs more than the limit at once', async () => {
    let running = 0;
    let peak = 0;
    const out = await mapLimit([30, 10, 20, 5, 1], 2, async (ms, i) => {
      running++;
      peak = Math.max(peak, running);
      await new Promise((r) => setTimeout(r, ms));
      running--;
      return i * 10;
    });
    expect(out).toEqual([0, 10, 20, 30, 40]);
    expect(peak).toBe(2);
  });
});

describe('readers', () => {
  it('read Proxmox 0/1 booleans and numeric strings', () => {
    expect([bool(1), bool(0), bool('1'), bool(true), bool(undefined)]).toEqual([
      true,
      false,
      true,
      true,
      false,
    ]);
    expect([num('0.25'), num('N/A', -1), num(undefined)]).toEqual([0.25, -1, 0]);
    expect(asArray([{ a: 1 }, 'x', null])).toEqual([{ a: 1 }]);
  });
});

describe('guestRates', () => {
  const counters = { netIn: 2000, netOut: 4000, diskRead: 0, diskWrite: 100 };
  it('is zero without a previous poll or when no time passed', () => {
    expect(guestRates(undefined, 'g', counters, 10_000)).toEqual({
      networkIn: 0,
      networkOut: 0,
      diskRead: 0,
      diskWrite: 0,
    });
    expect(guestRates({ at: 10_000, guests: { g: counters } }, 'g', counters, 10_000).networkIn).toBe(0);
  });
  it('divides each increase by the seconds between polls; a decrease is a reset', () => {
    const prev = { at: 0, guests: { g: { netIn: 1000, netOut: 5000, diskRead: 0, diskWrite: 0 } } };
    expect(guestRates(prev, 'g', counters, 2_000)).toEqual({
      networkIn: 500,
      networkOut: 0,
      diskRead: 0,
      diskWrite: 50,
    });
  });
});
