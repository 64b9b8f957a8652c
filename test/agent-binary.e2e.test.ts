// The single-executable agent: built from the bundle, it runs with no Node on PATH and reports for real.
import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StateResponse } from '@pulse/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAgent } from './support/agent-process.ts';
import { type ServerProcess, startServer } from './support/server-process.ts';

const ROOT = new URL('..', import.meta.url).pathname;
const BINARY = join(ROOT, 'dist', 'pulse-agent-linux-amd64');
const onLinuxX64 = process.platform === 'linux' && process.arch === 'x64';
const token = randomBytes(32).toString('hex');
let stateDir: string;

beforeAll(() => {
  stateDir = mkdtempSync(join(tmpdir(), 'pulse-sea-'));
  if (onLinuxX64)
    execFileSync(process.execPath, [join(ROOT, 'scripts/build-agent.ts'), 'linux-amd64'], {
      stdio: 'ignore',
    });
}, 120_000);
afterAll(() => rmSync(stateDir, { recursive: true, force: true }));

// Single executables are built for the machine's own platform here; the other targets are cross-built
// by the same script and cannot be executed on this host.
describe.runIf(onLinuxX64)('pulse-agent single executable (linux-amd64)', () => {
  it('has a matching .sha256 beside it', () => {
    const [hash, name] = readFileSync(`${BINARY}.sha256`, 'utf8').trim().split(/\s+/);
    expect(name).toBe('pulse-agent-linux-amd64');
    expect(hash).toBe(createHash('sha256').update(readFileSync(BINARY)).digest('hex'));
  });

  it('passes --self-test with no node on PATH', () => {
    const out = execFileSync(BINARY, ['--self-test'], { env: { PATH: '/nonexistent' }, encoding: 'utf8' });
    expect(out).toMatch(/^self-test ok: pulse-agent \d+\.\d+\.\d+, node 26\.10\.0/);
  });

  it('exits 2 naming the flag for a bad value', () => {
    let status = 0;
    let stderr = '';
    try {
      execFileSync(BINARY, ['--interval', 'soon'], { env: { PATH: '/nonexistent' }, stdio: 'pipe' });
    } catch (err) {
      const e = err as { status: number; stderr: Buffer };
      status = e.status;
      stderr = e.stderr.toString();
    }
    expect(status).toBe(2);
    expect(stderr).toContain("--interval 'soon'");
  });

  it('reports this machine to the real server', async () => {
    let server: ServerProcess | undefined;
    try {
      server = await startServer({ env: { API_TOKENS: token } });
      const agent = startAgent(
        ['--url', server.url, '--token', token, '--once', '--state-dir', stateDir, '--health-addr', 'off'],
        { executable: BINARY, env: { PATH: '/nonexistent' } },
      );
      expect(await agent.exited).toBe(0);
      const res = await fetch(`${server.url}/api/state`, { headers: { 'X-API-Token': token } });
      const host = StateResponse.parse(await res.json()).hosts[0];
      expect(host?.agentVersion).toMatch(/^\d+\.\d+\.\d+$/);
      expect(host?.memory?.total).toBeGreaterThan(0);
      expect(existsSync(join(stateDir, 'agent-id'))).toBe(true);
    } finally {
      await server?.stop();
      server?.cleanup();
    }
  });
});
