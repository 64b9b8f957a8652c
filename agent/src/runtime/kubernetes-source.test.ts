import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

const CHILD = new URL('./fixtures/kubernetes-load-child.ts', import.meta.url).pathname;

interface ChildResult {
  down: {
    ready: boolean[];
    status?: { state: string; lastError?: string };
    warnings: string[];
    clientNodeLoaded: boolean;
  };
  up: { ready: boolean; clusterName: string; nodes: number; clientNodeLoaded: boolean; opened: number };
  lost: {
    outcome: string;
    status?: { state: string; lastError?: string };
    released: boolean;
    readyAgain: boolean;
  };
  back: { ready: boolean; clusterName: string; opened: number };
}

describe('kubernetesSource', () => {
  // A child process, because this test runner may have loaded client-node already; --expose-gc to see
  // whether the dropped module can be collected.
  it('loads client-node only once the API server answers, and drops the module while the cluster is away', () => {
    const run = spawnSync(process.execPath, ['--expose-gc', CHILD], {
      encoding: 'utf8',
      env: { PATH: process.env.PATH ?? '' },
      timeout: 120_000,
    });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const { down, up, lost, back }: ChildResult = JSON.parse(run.stdout);

    expect(down.ready).toEqual([false, false]);
    expect(down.status?.state).toBe('unavailable');
    expect(down.status?.lastError).toMatch(
      /^https:\/\/127\.0\.0\.1:\d+ \(--kubeconfig .*\/kubeconfig\): connection refused$/,
    );
    expect(down.warnings).toEqual(['kubernetes: unavailable; will keep trying']);
    expect(down.clientNodeLoaded).toBe(false);

    expect(up).toEqual({
      ready: true,
      clusterName: 'sim-homelab',
      nodes: 3,
      clientNodeLoaded: true,
      opened: 1,
    });

    expect(lost.outcome).toBe('unavailable');
    expect(lost.status?.state).toBe('retrying');
    expect(lost.status?.lastError).toMatch(/unreachable/);
    expect(lost.released).toBe(true);
    expect(lost.readyAgain).toBe(false);

    expect(back).toEqual({ ready: true, clusterName: 'sim-homelab', opened: 2 });
  }, 150_000);
});
