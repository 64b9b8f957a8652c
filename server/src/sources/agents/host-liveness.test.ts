import { hostOfflineAfterMs } from '@pulse/shared';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakeClock, type Harness, makeHarness } from '../../../testing/harness.ts';
import { reportFor } from '../../../testing/reports.ts';
import type { StateChange } from '../../state/live-state.ts';

let h: Harness;
let clock: FakeClock;
beforeEach(async () => {
  clock = new FakeClock();
  h = await makeHarness({ clock });
});
afterEach(() => h.close());

async function reportWithInterval(intervalSeconds: number) {
  const r = reportFor({ hostname: `h-${intervalSeconds}`, machineId: `m-${intervalSeconds}` });
  r.agent.intervalSeconds = intervalSeconds;
  await h.deps.hostAgents.ingest(r, undefined);
  return r.host.machineId ?? '';
}

describe('online → offline', () => {
  it('uses clamp(interval × 6, 60 s, 10 min)', () => {
    expect(hostOfflineAfterMs(30)).toBe(180_000);
    expect(hostOfflineAfterMs(5)).toBe(60_000);
    expect(hostOfflineAfterMs(600)).toBe(600_000);
    expect(hostOfflineAfterMs(undefined)).toBe(180_000);
  });

  it('flips a host offline only after its window, emits one change, and back online on the next report', async () => {
    const id = await reportWithInterval(30);
    const changes: StateChange[] = [];
    h.deps.state.onChange((c) => changes.push(c));

    clock.advance(180_000);
    expect(h.deps.hostAgents.sweep()).toBe(0);
    expect(h.deps.state.hosts.get(id)?.status).toBe('online');

    clock.advance(1);
    expect(h.deps.hostAgents.sweep()).toBe(1);
    expect(h.deps.state.hosts.get(id)?.status).toBe('offline');
    expect(changes).toEqual([
      expect.objectContaining({ kind: 'status', collection: 'hosts', previous: 'online' }),
    ]);
    expect(h.deps.hostAgents.sweep()).toBe(0);

    await reportWithInterval(30);
    expect(h.deps.state.hosts.get(id)?.status).toBe('online');
  });

  it('gives short-interval agents the 60 s floor and long ones the 10 min cap', async () => {
    const fast = await reportWithInterval(2);
    const slow = await reportWithInterval(3_600);
    clock.advance(60_001);
    h.deps.hostAgents.sweep();
    expect(h.deps.state.hosts.get(fast)?.status).toBe('offline');
    expect(h.deps.state.hosts.get(slow)?.status).toBe('online');
    clock.advance(540_000);
    h.deps.hostAgents.sweep();
    expect(h.deps.state.hosts.get(slow)?.status).toBe('offline');
  });

  it('shows offline hosts as offline resources', async () => {
    await reportWithInterval(30);
    clock.advance(10 * 60_000);
    h.deps.hostAgents.sweep();
    const token = await h.token(['monitoring:read']);
    const res = await h.app.request('/api/resources?status=offline', { headers: { 'X-API-Token': token } });
    const body = (await res.json()) as {
      data: Array<{ status: string; sourceStatus: { agent: { status: string } } }>;
    };
    expect(body.data).toHaveLength(1);
    expect(body.data[0]?.sourceStatus.agent.status).toBe('offline');
  });
});
