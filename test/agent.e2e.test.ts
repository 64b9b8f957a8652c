// The real agent on this machine against the real server on a real port.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateTokenResponse, StateResponse } from '@pulse/shared';
import { afterEach, describe, expect, it } from 'vitest';
import { startAgent } from './support/agent-process.ts';
import { freePort, type ServerProcess, startServer } from './support/server-process.ts';

const adminToken = randomBytes(32).toString('hex');
const cleanups: Array<() => Promise<unknown> | unknown> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function server(opts: { port?: number; dataDir?: string } = {}): Promise<ServerProcess> {
  const s = await startServer({ ...opts, env: { API_TOKENS: adminToken, LOG_LEVEL: 'debug' } });
  cleanups.push(() => s.stop());
  return s;
}

function stateDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'pulse-agent-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Arguments for the agent: report to `url` with `token` every second (or once), state in `dir`. */
function agentArgs(
  url: string,
  token: string,
  o: { once?: boolean; dir?: string; healthPort?: number } = {},
) {
  return [
    ...['--url', url, '--token', token],
    ...(o.once ? ['--once'] : ['--interval', '1s']),
    ...['--state-dir', o.dir ?? stateDir()],
    ...['--health-addr', o.healthPort === undefined ? 'off' : `127.0.0.1:${o.healthPort}`],
  ];
}

async function state(s: ServerProcess): Promise<StateResponse> {
  const res = await fetch(`${s.url}/api/state`, { headers: { 'X-API-Token': adminToken } });
  return StateResponse.parse(await res.json());
}

/** Sequence numbers of the host reports a server applied, in arrival order, from its debug log. */
function appliedSequence(logs: string[]): number[] {
  return logs
    .filter((l) => l.includes('"msg":"host report"') && l.includes('"applied":true'))
    .map((l) => Number(/"sequenceId":"v1:[0-9a-f]+:(\d+)"/.exec(l)?.[1]));
}

describe('pulse-agent against the real server', () => {
  it('reports this machine: memory, CPU count and the root filesystem match the kernel and df', async () => {
    const s = await server();
    const agent = startAgent(agentArgs(s.url, adminToken, { once: true }));
    expect(await agent.exited).toBe(0);

    const host = (await state(s)).hosts[0];
    const memTotalKb = Number(/MemTotal:\s+(\d+) kB/.exec(readFileSync('/proc/meminfo', 'utf8'))?.[1]);
    expect(host?.memory?.total).toBe(memTotalKb * 1024);
    expect(host?.cpuCount).toBe(availableParallelism());
    const df =
      execFileSync('df', ['-B1', '--output=size,target', '/'], { encoding: 'utf8' }).trim().split('\n')[1] ??
      '';
    const rootSize = Number(df.trim().split(/\s+/)[0]);
    const root = host?.disks.find((d) => d.mountpoint === '/');
    expect(root?.total).toBe(rootSize);
    expect(host?.cpuUsage).toBeGreaterThanOrEqual(0);
    expect(host?.uptimeSeconds).toBeGreaterThan(0);
  });

  it('delivers every report, in order and once, across a server outage of three intervals', async () => {
    const port = await freePort();
    let s = await server({ port });
    const dataDir = s.dataDir;
    const logs: string[] = [];
    const healthPort = await freePort();
    const agent = startAgent(agentArgs(s.url, adminToken, { healthPort }));
    cleanups.push(() => agent.stop());
    await agent.waitForLog(/pulse-agent started/);
    await waitFor(() => appliedSequence(s.logs).length >= 2);

    await s.stop();
    logs.push(...s.logs);
    await new Promise((r) => setTimeout(r, 3_500));
    s = await server({ port, dataDir });
    // The buffer drains once the agent's back-off lets it try again.
    await waitFor(async () => {
      const status = await fetch(`http://127.0.0.1:${healthPort}/status`).then(
        (r) => r.json() as Promise<{ reportsBuffered: number }>,
      );
      return status.reportsBuffered === 0 && appliedSequence(s.logs).length >= 3;
    }, 30_000);
    expect(await agent.stop()).toBe(0);
    await s.stop();
    logs.push(...s.logs);

    const seq = appliedSequence(logs);
    expect(seq.length).toBeGreaterThanOrEqual(6);
    expect(seq).toEqual(Array.from({ length: seq.length }, (_, i) => i + 1));
  }, 60_000);

  it('saves the buffer on SIGTERM while the server is down and delivers it on the next start', async () => {
    const port = await freePort();
    const dir = stateDir();
    const down = startAgent(agentArgs(`http://127.0.0.1:${port}`, adminToken, { dir }));
    await down.waitForLog(/not delivered/);
    await new Promise((r) => setTimeout(r, 1_500));
    expect(await down.stop()).toBe(0);
    const saved = JSON.parse(readFileSync(join(dir, 'report-buffer.json'), 'utf8')) as { reports: unknown[] };
    expect(saved.reports.length).toBeGreaterThanOrEqual(1);

    const s = await server({ port });
    const again = startAgent(agentArgs(s.url, adminToken, { once: true, dir }));
    expect(await again.exited).toBe(0);
    expect(existsSync(join(dir, 'report-buffer.json'))).toBe(false);
    // The saved reports came from an earlier process: they arrive first, then the new one.
    expect(appliedSequence(s.logs)).toEqual([
      ...Array.from({ length: saved.reports.length }, (_, i) => i + 1),
      1,
    ]);
  }, 30_000);

  it('stops buffering when its token is revoked and says what to do', async () => {
    const s = await server();
    const created = await fetch(`${s.url}/api/security/tokens`, {
      method: 'POST',
      headers: { 'X-API-Token': adminToken, 'Content-Type': 'application/json' },
      body: JSON.stringify({ name: 'agent', scopes: ['agent:report'] }),
    });
    const { token, record } = CreateTokenResponse.parse(await created.json());
    const healthPort = await freePort();
    const agent = startAgent(agentArgs(s.url, token, { healthPort }));
    cleanups.push(() => agent.stop());
    await waitFor(() => appliedSequence(s.logs).length >= 1);
    await fetch(`${s.url}/api/security/tokens/${record.id}`, {
      method: 'DELETE',
      headers: { 'X-API-Token': adminToken },
    });

    const line = await agent.waitForLog(/server refused the report \(HTTP 401\)/);
    expect(line).toContain('re-run the install command');
    await new Promise((r) => setTimeout(r, 2_500));
    const status = (await (await fetch(`http://127.0.0.1:${healthPort}/status`)).json()) as {
      reportsBuffered: number;
    };
    expect(status.reportsBuffered).toBe(0);
    expect(agent.output.filter((l) => l.includes('server refused the report'))).toHaveLength(1);
    expect(agent.output.join('\n')).not.toContain(token);
  }, 30_000);
});

async function waitFor(check: () => boolean | Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('condition not met in time');
}
