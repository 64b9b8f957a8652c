// GET/PUT/DELETE /api/hosts/metadata: what users keep per host, stored in SQLite and shown on the host's resource.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HEADERS, HostMetadata, HostReportResponse, LIMITS, ResourceListResponse } from '@pulse/shared';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { expectError } from '../../../testing/expect-error.ts';
import { FakeClock, type Harness, makeHarness } from '../../../testing/harness.ts';
import { drizzleOn } from '../../db/drizzle-proxy.ts';
import { resourceMetadata } from '../../db/schema/index.ts';
import { StatementClient } from '../../db/statement-client.ts';

const MetadataMap = z.record(z.string(), HostMetadata);
const BASE = '/api/hosts/metadata';

async function metadataRows(dataDir: string) {
  const client = new StatementClient(join(dataDir, 'pulse.db'));
  try {
    return await drizzleOn(client).select().from(resourceMetadata);
  } finally {
    client.close();
  }
}

interface Api {
  put(id: string, body: unknown): Promise<Response>;
  get(path: string): Promise<Response>;
  del(id: string): Promise<Response>;
}

function api(h: Harness, token: string): Api {
  const headers = { [HEADERS.apiToken]: token, 'content-type': 'application/json' };
  return {
    put: async (id, body) =>
      h.app.request(`${BASE}/${id}`, {
        method: 'PUT',
        headers,
        body: typeof body === 'string' ? body : JSON.stringify(body),
      }),
    get: async (path) => h.app.request(path, { headers }),
    del: async (id) => h.app.request(`${BASE}/${id}`, { method: 'DELETE', headers }),
  };
}

async function okMetadata(res: Response): Promise<HostMetadata> {
  expect(res.status).toBe(200);
  return HostMetadata.parse(await res.json());
}

describe('host metadata', () => {
  let h: Harness;
  let clock: FakeClock;
  let call: Api;
  beforeEach(async () => {
    clock = new FakeClock();
    h = await makeHarness({ clock });
    call = api(h, await h.token(['monitoring:read', 'monitoring:write']));
  });
  afterEach(() => h.close());

  it('PUT stores every field, GET one and GET all return it, and the row holds it', async () => {
    const input = {
      customUrl: 'https://nas.example.org:8006/',
      description: 'the NAS in the closet',
      tags: ['storage', 'home', 'storage'],
      notes: ['replace fan in spring'],
    };
    const stored = await okMetadata(await call.put('nas-1', input));
    const expected = {
      id: 'nas-1',
      ...input,
      tags: ['storage', 'home'],
      updatedAt: new Date(clock.now()).toISOString(),
    };
    expect(stored).toEqual(expected);

    expect(await okMetadata(await call.get(`${BASE}/nas-1`))).toEqual(expected);
    const all = await call.get(BASE);
    expect(all.status).toBe(200);
    expect(MetadataMap.parse(await all.json())).toEqual({ 'nas-1': expected });

    expect(await metadataRows(h.dataDir)).toEqual([
      {
        kind: 'host',
        id: 'nas-1',
        customUrl: input.customUrl,
        description: input.description,
        tags: ['storage', 'home'],
        notes: input.notes,
        updatedAt: clock.now(),
      },
    ]);
  });

  it('a partial PUT changes only the fields it names', async () => {
    await okMetadata(
      await call.put('h1', { customUrl: 'http://h1.lan', description: 'one', tags: ['a'], notes: ['n'] }),
    );
    clock.advance(60_000);
    const updated = await okMetadata(await call.put('h1', { tags: ['b', 'c'] }));
    expect(updated).toEqual({
      id: 'h1',
      customUrl: 'http://h1.lan',
      description: 'one',
      tags: ['b', 'c'],
      notes: ['n'],
      updatedAt: new Date(clock.now()).toISOString(),
    });
    expect(await okMetadata(await call.get(`${BASE}/h1`))).toEqual(updated);

    const cleared = await okMetadata(await call.put('h1', { customUrl: '' }));
    expect(cleared.customUrl).toBe('');
    expect(cleared.tags).toEqual(['b', 'c']);
  });

  it('GET of a host without metadata returns the empty record, not an error', async () => {
    expect(await okMetadata(await call.get(`${BASE}/never-seen`))).toEqual({
      id: 'never-seen',
      customUrl: '',
      description: '',
      tags: [],
      notes: [],
      updatedAt: null,
    });
    expect(MetadataMap.parse(await (await call.get(BASE)).json())).toEqual({});
  });

  it('DELETE answers 204 and removes the record and its row; a second DELETE is 404', async () => {
    await okMetadata(await call.put('gone', { description: 'soon' }));
    const res = await call.del('gone');
    expect(res.status).toBe(204);
    expect(await res.text()).toBe('');
    expect(await metadataRows(h.dataDir)).toEqual([]);
    expect((await okMetadata(await call.get(`${BASE}/gone`))).updatedAt).toBe(null);

    const again = await expectError(await call.del('gone'), 404, 'not_found');
    expect(again.error).toContain('gone');
  });

  it.each(['ftp://x', 'javascript:alert(1)', 'http://has space.example'])(
    'refuses customUrl %s with 400 naming customUrl',
    async (customUrl) => {
      const body = await expectError(await call.put('h', { customUrl }), 400, 'validation_failed');
      expect(body.error).toContain('customUrl');
      expect(body.details).toHaveProperty('customUrl');
      expect(await metadataRows(h.dataDir)).toEqual([]);
    },
  );

  it('refuses tags that are not an array with 400 naming tags', async () => {
    const body = await expectError(await call.put('h', { tags: 'prod,db' }), 400, 'validation_failed');
    expect(body.error).toContain('tags');
    expect(body.details).toHaveProperty('tags');
    expect(await metadataRows(h.dataDir)).toEqual([]);
  });

  it('refuses an unknown field and invalid JSON', async () => {
    const unknown = await expectError(await call.put('h', { colour: 'red' }), 400, 'validation_failed');
    expect(unknown.error).toContain('colour');
    await expectError(await call.put('h', '{"tags": ['), 400, 'invalid_json');
  });

  it('refuses a body over 64 KiB with 413, declared or not', async () => {
    const big = JSON.stringify({ notes: ['x'.repeat(LIMITS.defaultBodyBytes)] });
    const streamed = await expectError(await call.put('h', big), 413, 'payload_too_large');
    expect(streamed.error).toContain(String(LIMITS.defaultBodyBytes));

    const declared = await h.app.request(`${BASE}/h`, {
      method: 'PUT',
      headers: {
        [HEADERS.apiToken]: await h.token(['monitoring:write']),
        'content-type': 'application/json',
        'content-length': String(big.length),
      },
      body: big,
    });
    await expectError(declared, 413, 'payload_too_large');
    expect(await metadataRows(h.dataDir)).toEqual([]);
  });

  it('shows tags and customUrl on the host resource once its agent has reported', async () => {
    const agent = await h.token(['agent:report'], 'agent');
    const report = readFileSync(
      new URL('../../../../test/fixtures/host-report-linux.json', import.meta.url),
      'utf8',
    );
    const ingest = await h.app.request('/api/agents/host/report', {
      method: 'POST',
      headers: { [HEADERS.apiToken]: agent, 'content-type': 'application/json' },
      body: report,
    });
    expect(ingest.status).toBe(200);
    HostReportResponse.parse(await ingest.json());

    const before = ResourceListResponse.parse(await (await call.get('/api/resources')).json());
    expect(before.data).toHaveLength(1);
    const hostId = before.data[0]?.agent?.hostId;
    if (!hostId) throw new Error('the reported host has no agent facet');
    expect(before.data[0]?.customUrl).toBeUndefined();

    await okMetadata(await call.put(hostId, { customUrl: 'https://vm.lan', tags: ['edge', 'prod'] }));

    const after = ResourceListResponse.parse(await (await call.get('/api/resources')).json());
    expect(after.data[0]?.customUrl).toBe('https://vm.lan');
    expect(after.data[0]?.tags).toEqual(expect.arrayContaining(['edge', 'prod']));

    const byTag = ResourceListResponse.parse(await (await call.get('/api/resources?tags=prod')).json());
    expect(byTag.data.map((r) => r.agent?.hostId)).toEqual([hostId]);
  });
});

describe('host metadata persistence', () => {
  let dataDir: string;
  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'pulse-metadata-'));
  });
  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

  it('survives a restart on the same data dir', async () => {
    const first = await makeHarness({ dataDir });
    const stored = await okMetadata(
      await api(first, await first.token(['*'])).put('pve-1', {
        customUrl: 'https://pve-1:8006',
        description: 'rack 2',
        tags: ['pve'],
        notes: ['n1', 'n2'],
      }),
    );
    first.close();

    const second = await makeHarness({ dataDir });
    try {
      const call = api(second, await second.token(['monitoring:read']));
      expect(await okMetadata(await call.get(`${BASE}/pve-1`))).toEqual(stored);
      expect(MetadataMap.parse(await (await call.get(BASE)).json())).toEqual({ 'pve-1': stored });
    } finally {
      second.close();
    }
  });
});

describe('Docker host and container metadata', () => {
  it('keeps each kind apart under its own path', async () => {
    const h = await makeHarness();
    try {
      const token = await h.token(['monitoring:read', 'monitoring:write']);
      const put = (path: string, tags: string[]) =>
        h.app.request(path, {
          method: 'PUT',
          headers: { 'X-API-Token': token, 'Content-Type': 'application/json' },
          body: JSON.stringify({ tags }),
        });
      expect((await put('/api/docker/hosts/metadata/same-id', ['docker-host'])).status).toBe(200);
      expect((await put('/api/docker/metadata/same-id', ['container'])).status).toBe(200);
      const get = async (path: string) =>
        HostMetadata.parse(await (await h.app.request(path, { headers: { 'X-API-Token': token } })).json());
      expect((await get('/api/docker/hosts/metadata/same-id')).tags).toEqual(['docker-host']);
      expect((await get('/api/docker/metadata/same-id')).tags).toEqual(['container']);
      expect((await get('/api/hosts/metadata/same-id')).tags).toEqual([]);
      const del = await h.app.request('/api/docker/metadata/same-id', {
        method: 'DELETE',
        headers: { 'X-API-Token': token },
      });
      expect(del.status).toBe(204);
      expect((await get('/api/docker/hosts/metadata/same-id')).tags).toEqual(['docker-host']);
    } finally {
      h.close();
    }
  });
});
