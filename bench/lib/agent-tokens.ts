// Fleet setup the benches share: one API token per agent, as an installer hands them out, created through
// the public API with a bounded number of requests in flight.
import { CreateTokenResponse, HEADERS } from '@pulse/shared';

/** Concurrent requests while a fleet is set up: setup is not what the benches measure. */
export const SETUP_CONCURRENCY = 8;

/** Runs `task(i)` for i in [0, count) with at most `limit` in flight. */
export async function pool(count: number, limit: number, task: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const i = next++;
      await task(i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, count) }, worker));
}

/** POST /api/security/tokens with the admin token; the new raw token. */
export async function createToken(
  origin: string,
  admin: string,
  name: string,
  scope: string,
): Promise<string> {
  const res = await fetch(`${origin}/api/security/tokens`, {
    method: 'POST',
    headers: { [HEADERS.apiToken]: admin, 'content-type': 'application/json' },
    body: JSON.stringify({ name, scopes: [scope] }),
    signal: AbortSignal.timeout(10_000),
  });
  if (res.status !== 201)
    throw new Error(`POST /api/security/tokens answered ${res.status}: ${await res.text()}`);
  return CreateTokenResponse.parse(await res.json()).token;
}

/** `count` tokens named `<prefix>-<i>` with `scope`, in index order. */
export async function createAgentTokens(opts: {
  origin: string;
  admin: string;
  count: number;
  prefix: string;
  scope: string;
}): Promise<string[]> {
  const tokens: string[] = new Array<string>(opts.count).fill('');
  await pool(opts.count, SETUP_CONCURRENCY, async (i) => {
    tokens[i] = await createToken(opts.origin, opts.admin, `${opts.prefix}-${i}`, opts.scope);
  });
  return tokens;
}
