import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

const CHILD = new URL('./fixtures/docker-load-child.ts', import.meta.url).pathname;

interface ChildResult {
  without: {
    ready: boolean[];
    status?: { state: string; lastError?: string };
    warnings: string[];
    dockerodeLoaded: boolean;
  };
  withEngine: {
    ready: boolean;
    status?: { state: string; notes?: Record<string, string> };
    containers: number;
    engineHost: string;
    dockerodeLoaded: boolean;
  };
}

describe('dockerSource', () => {
  // A child process, because this test runner has long since loaded dockerode itself.
  it('loads the Docker module only once an engine answers, and says once why it is unavailable', () => {
    const run = spawnSync(process.execPath, [CHILD], {
      encoding: 'utf8',
      env: { PATH: process.env.PATH ?? '' },
    });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const { without, withEngine }: ChildResult = JSON.parse(run.stdout);

    expect(without.ready).toEqual([false, false]);
    expect(without.status?.state).toBe('unavailable');
    expect(without.status?.lastError).toMatch(
      /^no Docker or Podman engine answers at unix:\/\/\/tmp\/.*\/engine\.sock \(no socket there\), unix:\/\/\/var\/run\/docker\.sock/,
    );
    expect(without.warnings).toEqual(['docker: unavailable; will keep trying']);
    expect(without.dockerodeLoaded).toBe(false);

    expect(withEngine.ready).toBe(true);
    expect(withEngine.status?.state).toBe('running');
    expect(withEngine.status?.notes).toEqual({});
    expect(withEngine.engineHost).toBe('box');
    expect(withEngine.dockerodeLoaded).toBe(true);
  });
});
