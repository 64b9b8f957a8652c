// /api/config/nodes: saved connections keep their secrets sealed and never hand them back.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { NodeConfigView } from '@pulse/shared';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { expectError } from '../../../testing/expect-error.ts';
import { FakeClock, type Harness, makeHarness } from '../../../testing/harness.ts';

const PASSWORD = 'correct-horse-battery-staple-7731';
const TOKEN_VALUE = '5f0c1a9e-77aa-4d1b-9f3e-0b8d2c4e6a10';

let h: Harness;
let auth: Record<string, string>;

beforeEach(async () => {
  h = await makeHarness({ clock: new FakeClock() });
  auth = { 'X-API-Token': await h.token(['settings:read', 'settings:write']) };
});
afterEach(() => h.close());

function call(method: string, path: string, body?: unknown) {
  return h.app.request(path, {
    method,
    headers: { ...auth, 'Content-Type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
}

const pve = { type: 'pve', name: 'Homelab', host: '192.0.2.10', user: 'root@pam', password: PASSWORD };
const pbsToken = {
  type: 'pbs',
  name: 'Backups',
  host: 'https://pbs.example.invalid:8007',
  tokenName: 'pulse@pbs!monitor',
  tokenValue: TOKEN_VALUE,
  verifySSL: true,
  fingerprint:
    'AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99',
};

describe('/api/config/nodes', () => {
  it('adds, lists, changes and removes connections without ever returning a secret', async () => {
    const created = await call('POST', '/api/config/nodes', pve);
    expect(created.status).toBe(201);
    const node = NodeConfigView.parse(await created.json());
    expect(node).toMatchObject({ id: 'pve-homelab', type: 'pve', hasPassword: true, hasToken: false });
    const second = NodeConfigView.parse(await (await call('POST', '/api/config/nodes', pbsToken)).json());
    expect(second).toMatchObject({ id: 'pbs-backups', tokenName: 'pulse@pbs!monitor', hasToken: true });
    expect(second.fingerprint).toBe('aabbccddeeff00112233445566778899aabbccddeeff00112233445566778899');

    const listRes = await call('GET', '/api/config/nodes');
    const text = await listRes.text();
    expect(text).not.toContain(PASSWORD);
    expect(text).not.toContain(TOKEN_VALUE);
    const list = z.array(NodeConfigView).parse(JSON.parse(text));
    expect(list.map((n) => n.id).sort()).toEqual(['pbs-backups', 'pve-homelab']);
    expect(list.every((n) => n.status === 'pending')).toBe(true);

    // A PUT without a password keeps the stored one.
    const renamed = await call('PUT', '/api/config/nodes/pve-homelab', {
      name: 'Rack',
      monitorBackups: false,
    });
    expect(NodeConfigView.parse(await renamed.json())).toMatchObject({
      name: 'Rack',
      monitorBackups: false,
      hasPassword: true,
    });
    expect(h.deps.instances.secrets('pve-homelab').password).toBe(PASSWORD);
    // Switching to a token drops the password.
    await call('PUT', '/api/config/nodes/pve-homelab', {
      tokenName: 'root@pam!pulse',
      tokenValue: TOKEN_VALUE,
    });
    expect(h.deps.instances.secrets('pve-homelab')).toEqual({ tokenValue: TOKEN_VALUE });

    expect((await call('DELETE', '/api/config/nodes/pbs-backups')).status).toBe(204);
    await expectError(await call('DELETE', '/api/config/nodes/pbs-backups'), 404, 'not_found');
    await expectError(await call('PUT', '/api/config/nodes/nope', { name: 'x' }), 404, 'not_found');
  });

  it('keeps no secret in plain text on disk and reloads them after a restart', async () => {
    await call('POST', '/api/config/nodes', pve);
    await call('POST', '/api/config/nodes', pbsToken);
    for (const file of readdirSync(h.dataDir)) {
      const bytes = readFileSync(join(h.dataDir, file));
      expect(bytes.includes(PASSWORD), file).toBe(false);
      expect(bytes.includes(TOKEN_VALUE), file).toBe(false);
    }
    const again = await makeHarness({ dataDir: h.dataDir });
    try {
      expect(again.deps.instances.secrets('pve-homelab').password).toBe(PASSWORD);
      expect(again.deps.instances.secrets('pbs-backups').tokenValue).toBe(TOKEN_VALUE);
    } finally {
      again.close();
    }
  });

  it('names the field and the problem in every validation error', async () => {
    const cases: [unknown, string][] = [
      [{ ...pve, type: 'esxi' }, 'type'],
      [{ ...pve, name: '' }, 'name'],
      [{ ...pve, host: 'not a host!' }, 'host'],
      [{ ...pve, host: 'https://10.0.0.1:99999' }, 'host'],
      [{ ...pve, user: 'root' }, 'user'],
      [{ type: 'pve', name: 'x', host: '10.0.0.1' }, 'password'],
      [{ type: 'pve', name: 'x', host: '10.0.0.1', tokenName: 'pulse', tokenValue: 'v' }, 'user'],
      [{ type: 'pve', name: 'x', host: '10.0.0.1', tokenName: 'a@pam!b' }, 'tokenValue'],
      [{ ...pve, fingerprint: 'abc' }, 'fingerprint'],
      [{ ...pve, verifySSL: 'yes' }, 'verifySSL'],
      [{ ...pve, extra: 1 }, 'body'],
    ];
    for (const [body, field] of cases) {
      const err = await expectError(await call('POST', '/api/config/nodes', body), 400, 'validation_failed');
      expect(err.error, JSON.stringify(body)).toContain(field);
      expect(err.error).not.toContain(PASSWORD);
    }
    await call('POST', '/api/config/nodes', pve);
    const dup = await expectError(
      await call('POST', '/api/config/nodes', { ...pve, name: 'homelab' }),
      409,
      'conflict',
    );
    expect(dup.error).toContain('already exists');
  });

  it('test-config validates without contacting anything', async () => {
    const res = await call('POST', '/api/config/nodes/test-config', pbsToken);
    expect(await res.json()).toMatchObject({
      success: true,
      baseUrl: 'https://pbs.example.invalid:8007',
      auth: 'token',
    });
    await expectError(
      await call('POST', '/api/config/nodes/test-config', { ...pve, password: undefined }),
      400,
      'validation_failed',
    );
  });

  it('test-connection reports the failing step (DNS for an unresolvable name)', async () => {
    const res = await call('POST', '/api/config/nodes/test-connection', {
      ...pve,
      host: 'pve.example.invalid',
    });
    const body = (await res.json()) as { success: boolean; failedStep?: string; message: string };
    expect(body.success).toBe(false);
    expect(body.failedStep).toBe('dns');
    expect(JSON.stringify(body)).not.toContain(PASSWORD);
  });

  it('refresh-cluster refuses Backup Server connections', async () => {
    await call('POST', '/api/config/nodes', pbsToken);
    const err = await expectError(
      await call('POST', '/api/config/nodes/pbs-backups/refresh-cluster'),
      400,
      'bad_request',
    );
    expect(err.error).toContain('only pve');
  });
});
