// Starts the real server as a child process on a free loopback port, for end-to-end suites.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

const MAIN = new URL('../../server/src/main.ts', import.meta.url).pathname;

export interface ServerProcess {
  url: string;
  dataDir: string;
  child: ChildProcess;
  logs: string[];
  /** SIGTERM, then wait for the exit code. */
  stop(): Promise<number | null>;
  /** Removes the data dir (after stop). */
  cleanup(): void;
}

export async function startServer(
  opts: { dataDir?: string; port?: number; env?: Record<string, string> } = {},
): Promise<ServerProcess> {
  const dataDir = opts.dataDir ?? mkdtempSync(join(tmpdir(), 'pulse-e2e-'));
  const child = spawn(process.execPath, [MAIN], {
    env: {
      PATH: process.env.PATH ?? '',
      PORT: String(opts.port ?? 0),
      BIND_ADDRESS: '127.0.0.1',
      PULSE_DATA_DIR: dataDir,
      LOG_LEVEL: 'info',
      ...opts.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logs: string[] = [];
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  child.stderr?.on('data', (d: Buffer) => logs.push(d.toString()));

  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${logs.join('')}`)), 20_000);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code}:\n${logs.join('')}`));
    });
    const lines = createInterface({ input: child.stdout ?? process.stdin });
    lines.on('line', (line) => {
      logs.push(line);
      const m = /"msg":"pulse server listening".*"port":(\d+)/.exec(line);
      if (m?.[1]) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    });
  });

  return {
    url: `http://127.0.0.1:${port}`,
    dataDir,
    child,
    logs,
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGTERM');
      return exited;
    },
    cleanup: () => rmSync(dataDir, { recursive: true, force: true }),
  };
}

/** A port that was free a moment ago, for a server that must come back on the same address. */
export async function freePort(): Promise<number> {
  const { createServer } = await import('node:net');
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr !== null ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}
