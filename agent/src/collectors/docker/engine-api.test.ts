import { afterEach, describe, expect, it } from 'vitest';
import { connectEngine } from './engine.ts';
import { engineGet, isAbort } from './engine-api.ts';
import { type FakeEngine, removeFakeEngine, startFakeEngine } from './fixtures/fake-engine.ts';
import { fixture } from './fixtures/fixture.ts';

const STATS = '/containers/*/stats';

/** Polls `ok`; the deadline is generous, it is not a measurement. */
async function until(ok: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!ok()) {
    if (Date.now() > deadline) throw new Error(`${what} not seen in ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('engineGet', () => {
  const engines: FakeEngine[] = [];
  afterEach(async () => {
    for (const e of engines.splice(0)) {
      await e.close();
      removeFakeEngine(e);
    }
  });

  it('ends the request at the engine when its signal aborts, not only the wait for it', async () => {
    const engine = await startFakeEngine((url) => {
      if (url.pathname === '/_ping') return { body: 'OK' };
      if (url.pathname === '/version') return { body: fixture('docker-version.json') };
      if (url.pathname === '/info') return { body: fixture('docker-info.json') };
      return url.pathname.endsWith('/stats') ? { hang: true } : undefined;
    });
    engines.push(engine);
    const conn = await connectEngine([{ kind: 'unix', socketPath: engine.socketPath, source: 'test' }]);
    if (!conn.ok) throw new Error(conn.reason);

    const controller = new AbortController();
    const pending = engineGet(conn.docker, '/containers/c1/stats', { stream: false }, controller.signal);
    await until(() => engine.inFlight(STATS).now === 1, 'the stats request open at the engine');
    controller.abort();
    const err: unknown = await pending.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(isAbort(err)).toBe(true);
    // A hung engine never answers, so only the client closing the connection can free the request.
    await until(() => engine.inFlight(STATS).now === 0, 'the stats request closed at the engine');
    expect(engine.inFlight(STATS).most).toBe(1);
  });
});
