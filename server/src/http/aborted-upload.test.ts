// A client that hangs up mid-body is its own doing: a 400 request_aborted and one info line, never a 500 with a stack.
import { HEADERS } from '@pulse/shared';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type CapturedLog, captureLog } from '../../testing/capture-log.ts';
import { type Harness, makeHarness } from '../../testing/harness.ts';
import { rawClient, type ServedApp, serveApp, until } from '../../testing/serve-app.ts';
import { createApp } from '../app.ts';

let h: Harness;
let served: ServedApp;
let captured: CapturedLog;
let token: string;

beforeEach(async () => {
  h = await makeHarness();
  token = await h.token(['*']);
  captured = captureLog();
  served = await serveApp(createApp({ ...h.deps, log: captured.log }));
});
afterEach(async () => {
  await served.close();
  h.close();
});

const BODY = JSON.stringify({ name: 'half-sent', scopes: ['monitoring:read'] });

async function hangUpMidBody(framing: 'content-length' | 'chunked'): Promise<void> {
  const client = await rawClient(served.port);
  const half = BODY.slice(0, Math.floor(BODY.length / 2));
  const head = [
    'POST /api/security/tokens HTTP/1.1',
    'Host: 127.0.0.1',
    `${HEADERS.apiToken}: ${token}`,
    'Content-Type: application/json',
    framing === 'content-length' ? `Content-Length: ${BODY.length}` : 'Transfer-Encoding: chunked',
  ].join('\r\n');
  const chunk = framing === 'content-length' ? half : `${half.length.toString(16)}\r\n${half}\r\n`;
  client.socket.write(`${head}\r\n\r\n${chunk}`);
  // Hang up once the server has started on the request, so the abort lands while it reads the body.
  await new Promise((resolve) => setTimeout(resolve, 100));
  client.socket.destroy();
  await until(() => captured.lines.some((l) => l.msg === 'request'));
}

describe('an upload aborted mid-body', () => {
  it.each(['content-length', 'chunked'] as const)(
    'with %s framing is logged as one info line with code request_aborted and no stack',
    async (framing) => {
      await hangUpMidBody(framing);
      expect(captured.lines.filter((l) => l.level === 'error')).toEqual([]);
      expect(JSON.stringify(captured.lines)).not.toMatch(/\n\s+at /);
      const requests = captured.lines.filter((l) => l.msg === 'request');
      expect(requests).toHaveLength(1);
      expect(requests[0]).toMatchObject({
        level: 'info',
        path: '/api/security/tokens',
        status: 400,
        error_code: 'request_aborted',
      });
      // Nothing was half-created from the half body.
      expect(h.deps.tokens.list().map((t) => t.name)).toEqual(['test']);
    },
  );

  it('leaves the server answering the next request', async () => {
    await hangUpMidBody('content-length');
    const res = await fetch(`http://127.0.0.1:${served.port}/api/health`);
    expect(res.status).toBe(200);
  });
});
