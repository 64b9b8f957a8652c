// A real, throwaway Docker engine (Debian's docker.io) for the tests, run by scripts/docker-engine.sh with its
// socket, data and exec roots under a temp dir, plus the helpers the container tests share with Podman's.
import { execFile, execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface DockerEngine {
  /** Which engine serves the Docker API on socketPath. */
  kind: 'docker' | 'podman';
  /** The engine's unix socket (Docker Engine API). */
  socketPath: string;
  /** Everything the engine keeps (socket, data, logs) is under this dir; stop() removes it. */
  dir: string;
  stop(): Promise<void>;
}

const ROOT = new URL('../..', import.meta.url).pathname;
export const TEST_IMAGE = 'pulse-test/busybox:latest';

/** What an engine's script needs, as told by startEngine. */
export interface EngineScript {
  kind: DockerEngine['kind'];
  /** Path of the bash script, relative to the repository root. */
  script: string;
  /** The engine's log file inside its dir, shown when it cannot start. */
  logName: string;
  /** The engine's executable: without it and without root there is nothing to run. */
  binary: string;
}

export const DOCKER: EngineScript = {
  kind: 'docker',
  script: 'scripts/docker-engine.sh',
  logName: 'dockerd.log',
  binary: 'dockerd',
};

const isRoot = (): boolean => process.getuid?.() === 0;

function onPath(binary: string): boolean {
  return (process.env.PATH ?? '')
    .split(':')
    .concat('/usr/sbin', '/usr/bin', '/sbin')
    .some((d) => d !== '' && existsSync(join(d, binary)));
}

/**
 * Why the engine cannot run here at all, or undefined when it should start (and a failure to start is a
 * failure). These engines run rootful: without root they are skipped, with the reason.
 */
export function engineSkipReason(engine: EngineScript = DOCKER): string | undefined {
  if (isRoot()) return undefined;
  return onPath(engine.binary)
    ? `not root: ${engine.script} runs a rootful ${engine.binary} and cannot start it as uid ${process.getuid?.()}`
    : `not root and no ${engine.binary}: ${engine.script} install needs root to install it with apt`;
}

interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

function runScript(script: string, args: string[], timeoutMs: number): Promise<RunResult> {
  return new Promise((resolve) => {
    execFile(
      'bash',
      [join(ROOT, script), ...args],
      { cwd: ROOT, timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024, encoding: 'utf8' },
      (err, stdout, stderr) => {
        const code = err === null ? 0 : typeof err.code === 'number' ? err.code : 1;
        resolve({ code, stdout, stderr: err?.killed ? `${stderr}\n(killed after ${timeoutMs} ms)` : stderr });
      },
    );
  });
}

/** The error lines of an engine's log, then its last lines. */
function logTail(path: string, lines = 40): string {
  if (!existsSync(path)) return `(no ${path})`;
  const all = readFileSync(path, 'utf8').trimEnd().split('\n');
  const errors = all.filter((l) => /level=(error|fatal)|^Error|failed to start/i.test(l)).slice(-20);
  return `errors:\n${errors.join('\n') || '(none)'}\nlast ${lines} lines:\n${all.slice(-lines).join('\n')}`;
}

/**
 * Installs (when root and missing) and starts the engine of `spec` under a new temp dir. Returns undefined,
 * with a warning, where engineSkipReason says it cannot run; throws, with the engine's log, where it should
 * run but does not.
 */
export async function startEngine(spec: EngineScript): Promise<DockerEngine | undefined> {
  const skip = engineSkipReason(spec);
  if (skip !== undefined) {
    console.warn(`${spec.kind} engine not started: ${skip}`);
    return undefined;
  }
  const install = await runScript(spec.script, ['install'], 600_000);
  if (install.code !== 0) {
    throw new Error(`${spec.script} install failed (exit ${install.code}):\n${install.stderr}`);
  }
  // Short: unix socket paths (containerd's under the exec root) must stay under 108 bytes.
  const dir = mkdtempSync(join(tmpdir().length > 40 ? '/tmp' : tmpdir(), `pulse-${spec.kind}-`));
  const start = await runScript(spec.script, ['start', dir], 180_000);
  const socketPath = start.stdout.trim().split('\n').pop() ?? '';
  if (start.code !== 0 || socketPath === '' || !existsSync(socketPath)) {
    const log = logTail(join(dir, spec.logName));
    await runScript(spec.script, ['stop', dir], 60_000);
    rmSync(dir, { recursive: true, force: true });
    throw new Error(
      `${spec.kind} engine did not start (${spec.script} start exit ${start.code}):\n${start.stderr}\n` +
        `--- last lines of ${spec.logName} ---\n${log}`,
    );
  }
  let stopped: Promise<void> | undefined;
  return {
    kind: spec.kind,
    socketPath,
    dir,
    stop: () => {
      stopped ??= runScript(spec.script, ['stop', dir], 120_000).then((r) => {
        if (r.code !== 0) throw new Error(`${spec.script} stop ${dir} failed (exit ${r.code}):\n${r.stderr}`);
      });
      return stopped;
    },
  };
}

/** A real dockerd (Debian's docker.io) on a socket under a temp dir, with pulse-test/busybox:latest. */
export function startDockerEngine(): Promise<DockerEngine | undefined> {
  return startEngine(DOCKER);
}

function dockerCli(): string {
  // The CLI docker.io ships matches its daemon; any other docker CLI speaks to both engines too.
  return existsSync('/usr/bin/docker') ? '/usr/bin/docker' : 'docker';
}

/** Runs the docker CLI against the engine (`docker -H unix://SOCKET ...args`) and returns its stdout, trimmed. */
export function runContainer(engine: DockerEngine, args: string[]): string {
  const env: NodeJS.ProcessEnv = { ...process.env, DOCKER_CONFIG: join(engine.dir, 'cli') };
  delete env.DOCKER_HOST;
  delete env.DOCKER_CONTEXT;
  try {
    return execFileSync(dockerCli(), ['-H', `unix://${engine.socketPath}`, ...args], {
      env,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: 60_000,
    }).trim();
  } catch (err) {
    const stderr = err instanceof Error && 'stderr' in err ? String(err.stderr) : '';
    throw new Error(`docker ${args.join(' ')} failed on ${engine.kind}: ${stderr || String(err)}`);
  }
}

/** GET on the engine's API over its unix socket with plain node:http; the body parsed as JSON. */
export function engineGet(engine: DockerEngine, path: string, timeoutMs = 30_000): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const req = request({ socketPath: engine.socketPath, path, method: 'GET', timeout: timeoutMs }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', reject);
      res.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        if ((res.statusCode ?? 0) >= 300) {
          reject(new Error(`GET ${path} on ${engine.kind}: HTTP ${res.statusCode}: ${body}`));
          return;
        }
        try {
          resolve(JSON.parse(body));
        } catch (err) {
          reject(
            new Error(`GET ${path} on ${engine.kind}: not JSON (${String(err)}): ${body.slice(0, 500)}`),
          );
        }
      });
    });
    req.on('timeout', () =>
      req.destroy(new Error(`GET ${path} on ${engine.kind}: no answer in ${timeoutMs} ms`)),
    );
    req.on('error', reject);
    req.end();
  });
}

export const SCENARIOS = ['busy', 'sleeper', 'oom137', 'restarter', 'unhealthy'] as const;
export type ScenarioName = (typeof SCENARIOS)[number];

export interface ScenarioContainers {
  /** Container ids by scenario name. */
  ids: Record<ScenarioName, string>;
  /** Whether the engine can enforce `--cpus` (CFS quota); busy then runs with --cpus 0.5. */
  cpuLimit: boolean;
  /** Whether the engine can enforce `-m` (memory cgroup); sleeper then runs with -m 64m. */
  memoryLimit: boolean;
}

interface EngineInfo {
  CpuCfsQuota?: boolean;
  MemoryLimit?: boolean;
}

/**
 * Starts the five scenario containers (label pulse.test=1, no network) on the engine:
 * busy (a CPU busy loop), sleeper (sleeps), oom137 (exits at once with 137), restarter (--restart always,
 * exits 1 after a second) and unhealthy (a health check that always fails).
 */
export async function startScenarioContainers(engine: DockerEngine): Promise<ScenarioContainers> {
  const info = (await engineGet(engine, '/info')) as EngineInfo;
  const cpuLimit = info.CpuCfsQuota === true;
  const memoryLimit = info.MemoryLimit === true;
  const common = ['--label', 'pulse.test=1', '--network', 'none'];
  const argv: Record<ScenarioName, string[]> = {
    busy: [...(cpuLimit ? ['--cpus', '0.5'] : []), TEST_IMAGE, 'sh', '-c', 'while :; do :; done'],
    sleeper: [...(memoryLimit ? ['-m', '64m'] : []), TEST_IMAGE, 'sleep', '100000'],
    oom137: [TEST_IMAGE, 'sh', '-c', 'exit 137'],
    restarter: ['--restart', 'always', TEST_IMAGE, 'sh', '-c', 'sleep 1; exit 1'],
    unhealthy: [
      ...['--health-cmd', 'exit 1', '--health-interval', '1s', '--health-retries', '1'],
      ...[TEST_IMAGE, 'sleep', '100000'],
    ],
  };
  const ids = {} as Record<ScenarioName, string>;
  for (const name of SCENARIOS) {
    // The id is the last line: warnings, if any, come before it.
    ids[name] =
      runContainer(engine, ['run', '-d', '--name', name, ...common, ...argv[name]])
        .split('\n')
        .pop() ?? '';
  }
  return { ids, cpuLimit, memoryLimit };
}
