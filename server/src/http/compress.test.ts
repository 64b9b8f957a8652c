import { gunzipSync } from 'node:zlib';
import { StateResponse } from '@pulse/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dockerReportFor } from '../../testing/container-reports.ts';
import { FakeClock, type Harness, makeHarness } from '../../testing/harness.ts';
import { postReport, reportFor } from '../../testing/reports.ts';
import { projectState } from '../state/project-state.ts';
import { acceptsGzip } from './compress.ts';

describe('acceptsGzip', () => {
  it.each([
    ['gzip', true],
    ['gzip, deflate, br', true],
    ['br;q=1.0, gzip;q=0.8, *;q=0.1', true],
    ['GZIP', true],
    ['x-gzip', true],
    ['*', true],
    ['gzip;q=0', false],
    ['gzip;q=0.000', false],
    ['*;q=0', false],
    ['br, deflate', false],
    ['identity', false],
    ['', false],
    [undefined, false],
    ['gzip;q=0, *', false],
  ])('%j → %s', (header, expected) => {
    expect(acceptsGzip(header)).toBe(expected);
  });
});

describe('compressed JSON answers', () => {
  const clock = new FakeClock(Date.now());
  let h: Harness;
  let token: string;

  beforeAll(async () => {
    h = await makeHarness({ clock });
    token = await h.token(['*']);
    for (let i = 0; i < 5; i++) {
      const report = reportFor({
        hostname: `gz-${i}`,
        machineId: `gz-machine-${i}`,
        agentId: `gz-agent-${i}`,
      });
      expect((await postReport(h.app, token, report)).status).toBe(200);
    }
    const dockerToken = await h.token(['docker:report'], 'docker');
    const docker = dockerReportFor({ hostname: 'gz-docker', containers: 40 });
    const res = await postReport(h.app, dockerToken, docker, { path: '/api/agents/docker/report' });
    expect(res.status).toBe(200);
  });

  afterAll(() => h.close());

  const get = (path: string, encoding?: string) =>
    h.app.request(path, {
      headers: { 'X-API-Token': token, ...(encoding ? { 'Accept-Encoding': encoding } : {}) },
    });

  it('streams /api/state gzip-compressed to a client that asks, and it parses to the state itself', async () => {
    const zipped = await get('/api/state', 'gzip, deflate');
    expect(zipped.status).toBe(200);
    expect(zipped.headers.get('content-encoding')).toBe('gzip');
    expect(zipped.headers.get('vary')).toMatch(/accept-encoding/i);
    expect(zipped.headers.get('content-type')).toBe('application/json');
    expect(zipped.headers.get('x-content-type-options')).toBe('nosniff');
    const raw = Buffer.from(await zipped.arrayBuffer());
    const text = gunzipSync(raw).toString('utf8');
    expect(raw.byteLength).toBeLessThan(text.length / 3);
    const parsed: unknown = JSON.parse(text);

    // The same object the projection gives, serialised in one piece.
    const d = h.deps;
    const now = clock.now();
    const direct = projectState({
      state: d.state,
      lists: d.proxmoxLists,
      links: d.hostLinks.current(),
      metadata: d.metadata.forResources(),
      removed: {
        removedHostAgents: d.blocks.list('host', now),
        removedDockerHosts: d.blocks.list('docker', now),
        removedKubernetesClusters: d.blocks.list('kubernetes', now),
      },
      now,
      startedAt: d.startedAt,
      version: d.version.version,
    });
    expect(parsed).toEqual(JSON.parse(JSON.stringify(direct)));
    expect(StateResponse.parse(parsed).dockerHosts[0]?.containers).toHaveLength(40);
  });

  it('answers plain JSON to a client that does not take gzip, with the same content', async () => {
    const plain = await get('/api/state', 'gzip;q=0, br');
    expect(plain.headers.get('content-encoding')).toBeNull();
    expect(plain.headers.get('vary')).toMatch(/accept-encoding/i);
    const zipped = await get('/api/state', 'gzip');
    const unzipped = gunzipSync(Buffer.from(await zipped.arrayBuffer())).toString('utf8');
    expect(JSON.parse(unzipped)).toEqual(await plain.json());
  });
});
