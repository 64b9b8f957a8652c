// The synthetic fleet must stay a valid fleet at any size: a host the server refuses would make a bench
// measure a smaller fleet than it says.
import { HostReport } from '@pulse/shared';
import { describe, expect, it } from 'vitest';
import { createFleet } from './fleet.ts';

const LAST = 5000;
const STEP = 7;

describe('createFleet', () => {
  const fleet = createFleet(LAST + 1);
  const now = Date.parse('2026-11-22T12:00:00Z');
  const sampled = fleet.filter((_, i) => i % STEP === 0);

  it(`builds reports that satisfy HostReport for hosts 0..${LAST} (every ${STEP}th)`, () => {
    const refused: string[] = [];
    for (const [k, host] of sampled.entries()) {
      const parsed = HostReport.safeParse(JSON.parse(host.next(now)));
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        refused.push(`host ${k * STEP}: ${issue?.path.join('.')}: ${issue?.message}`);
      }
    }
    expect(refused).toEqual([]);
  });

  it('gives every disk a size that adds up: used + free = total, neither negative', () => {
    for (const host of sampled) {
      const report = HostReport.parse(JSON.parse(host.next(now)));
      for (const disk of report.disks ?? []) {
        expect(disk.freeBytes ?? 0).toBeGreaterThanOrEqual(0);
        expect(disk.usedBytes ?? 0).toBeGreaterThanOrEqual(0);
        expect((disk.usedBytes ?? 0) + (disk.freeBytes ?? 0)).toBe(disk.totalBytes);
      }
    }
  });

  it('gives every host its own hostname, agent id and machine id', () => {
    const reports = sampled.map((host) => HostReport.parse(JSON.parse(host.next(now))));
    const distinct = (values: unknown[]) => new Set(values).size;
    expect(distinct(reports.map((r) => r.host.hostname))).toBe(sampled.length);
    expect(distinct(reports.map((r) => r.agent.id))).toBe(sampled.length);
    expect(distinct(reports.map((r) => r.host.machineId))).toBe(sampled.length);
    expect(reports.map((r) => r.host.machineId)).toEqual(sampled.map((h) => h.machineId));
  });

  it('moves the sequence and the counters on from one report to the next', () => {
    const host = createFleet(1)[0];
    if (!host) throw new Error('empty fleet');
    const first = HostReport.parse(JSON.parse(host.next(now)));
    const second = HostReport.parse(JSON.parse(host.next(now + 30_000)));
    expect(first.sequenceId).toMatch(/^v1:[0-9a-f]+:1$/);
    expect(second.sequenceId).toMatch(/^v1:[0-9a-f]+:2$/);
    expect(second.network?.[0]?.rxBytes).toBeGreaterThan(first.network?.[0]?.rxBytes ?? 0);
    expect(Date.parse(second.timestamp)).toBe(now + 30_000);
  });
});
