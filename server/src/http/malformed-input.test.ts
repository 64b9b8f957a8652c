// Whatever a client sends to a route that takes a body, the answer is a 4xx envelope, never a 500.
import { randomBytes } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { ErrorEnvelope } from '@pulse/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, makeHarness } from '../../testing/harness.ts';
import { apiRoutes } from '../routes/index.ts';

const BODIES: Array<[string, string | Uint8Array]> = [
  ['empty', ''],
  ['null', 'null'],
  ['array', '[]'],
  ['number', '42'],
  ['string', '"text"'],
  ['open brace', '{'],
  ['cut object', '{"host":'],
  ['deep nesting', `${'['.repeat(20_000)}${']'.repeat(20_000)}`],
  ['deep object', `${'{"a":'.repeat(7000)}1${'}'.repeat(7000)}`],
  ['deep inside an object', `{"host":{"hostname":"h"},"x":${'['.repeat(65)}${']'.repeat(65)}}`],
  ['proto key', '{"__proto__":{"polluted":true},"constructor":{"prototype":{"x":1}}}'],
  [
    'huge number',
    '{"agent":{"id":"a","intervalSeconds":1e400},"host":{"hostname":"h"},"metrics":{},"timestamp":"x"}',
  ],
  ['invalid utf-8', new Uint8Array([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x3a, 0x31, 0x7d])],
  ['random bytes', new Uint8Array(randomBytes(4096))],
  ['gzip of garbage', new Uint8Array(gzipSync(randomBytes(2048)))],
];

let h: Harness;
let token: string;
beforeAll(async () => {
  h = await makeHarness();
  token = await h.token(['*']);
});
afterAll(() => h.close());

describe('malformed bodies', () => {
  it('get a 4xx with the error envelope on every route that reads a body', async () => {
    const writers = apiRoutes(h.deps).filter((r) => r.method === 'POST' || r.method === 'PUT');
    expect(writers.length).toBeGreaterThan(3);
    for (const spec of writers) {
      const path = spec.path.replace(/:[A-Za-z]+/g, 'some-id');
      for (const [label, body] of BODIES) {
        const gz = label.startsWith('gzip');
        const res = await h.app.request(path, {
          method: spec.method,
          headers: {
            'X-API-Token': token,
            'Content-Type': 'application/json',
            ...(gz ? { 'Content-Encoding': 'gzip' } : {}),
          },
          body,
        });
        const where = `${spec.method} ${spec.path} with ${label}`;
        expect(res.status, where).toBeGreaterThanOrEqual(400);
        expect(res.status, where).toBeLessThan(500);
        const envelope = ErrorEnvelope.safeParse(await res.json());
        expect(envelope.success, where).toBe(true);
        // Too deep is refused as unreadable JSON before any schema (or anything recursive) sees it.
        if (label.startsWith('deep') && res.status !== 404) {
          expect(envelope.data, where).toMatchObject({
            code: 'invalid_json',
            error: expect.stringMatching(/levels deep; at most 64 are allowed/),
          });
        }
      }
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect((await h.app.request('/api/health')).status).toBe(200);
  });
});
