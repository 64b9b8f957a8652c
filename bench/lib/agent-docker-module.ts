// BENCH_AGENT_DOCKER=N: the single executable with the Docker module only, against a real throwaway dockerd
// (scripts/docker-engine.sh) running N sleeping busybox containers, in three phases: reporting (steady RSS
// over a window of delivered reports), engine stopped (the module is dropped while the agent pings on its
// back-off: RSS once it has settled), engine started again (the module is loaded anew: a second window).
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { type DockerEngine, startDockerEngine, TEST_IMAGE } from '../../test/support/docker-engine.ts';
import {
  type AgentStatus,
  agentStatus,
  type Memory,
  measureWindow,
  memory,
  type Plan,
  type RunningAgent,
  type Subject,
  startAgentProcess,
  subjectOf,
} from './agent-measure.ts';
import { median } from './figures.ts';
import type { Service } from './proc.ts';

const ROOT = new URL('../..', import.meta.url).pathname;
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

function engineCall(socketPath: string, method: string, path: string, body?: unknown): Promise<number> {
  return new Promise((resolve, reject) => {
    const data = body === undefined ? undefined : JSON.stringify(body);
    const req = request(
      {
        socketPath,
        method,
        path,
        headers: data
          ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(data) }
          : {},
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', reject);
    req.end(data);
  });
}

/**
 * N containers `sleep` of pulse-test/busybox with no network, created (unless `create` is false: they
 * exist, stopped with their engine) and started, 8 at a time. Returns how many are running. A restarted
 * dockerd refuses to start some of its old containers for a while (HTTP 500): those are counted, not fatal.
 */
async function startContainers(engine: DockerEngine, count: number, create = true): Promise<number> {
  let next = 0;
  let running = 0;
  const worker = async () => {
    while (next < count) {
      const name = `agent-bench-${String(next++).padStart(4, '0')}`;
      if (create) {
        const created = await engineCall(engine.socketPath, 'POST', `/containers/create?name=${name}`, {
          Image: TEST_IMAGE,
          Cmd: ['sleep', '1000000'],
          HostConfig: { NetworkMode: 'none' },
        });
        if (created !== 201) throw new Error(`create ${name}: HTTP ${created}`);
      }
      const started = await engineCall(engine.socketPath, 'POST', `/containers/${name}/start`);
      if (started === 204) running++;
      else if (create) throw new Error(`start ${name}: HTTP ${started}`);
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
  return running;
}

/** SIGTERM to dockerd, as a service manager stops it; its directory stays for the restart. */
async function stopDockerd(engine: DockerEngine): Promise<void> {
  const pid = Number(readFileSync(join(engine.dir, 'docker.pid'), 'utf8').trim());
  process.kill(pid, 'SIGTERM');
  const deadline = Date.now() + 120_000;
  for (;;) {
    try {
      process.kill(pid, 0);
    } catch {
      return;
    }
    if (Date.now() > deadline) throw new Error(`dockerd (pid ${pid}) did not stop within 120 s`);
    await sleep(200);
  }
}

function startDockerd(engine: DockerEngine): Promise<void> {
  return new Promise((resolve, reject) => {
    // With many containers to clean up after the stop, dockerd takes minutes to answer again.
    const env = { ...process.env, PULSE_DOCKER_START_TIMEOUT: '600' };
    execFile(
      'bash',
      [join(ROOT, 'scripts/docker-engine.sh'), 'start', engine.dir],
      { timeout: 660_000, env },
      (err, _o, e) => (err ? reject(new Error(`docker-engine.sh start failed: ${e}`)) : resolve()),
    );
  });
}

async function untilState(agent: RunningAgent, state: string, timeoutMs: number): Promise<AgentStatus> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const status = await Promise.race([agentStatus(agent.origin, 'docker'), agent.proc.exited]);
    if (status.states.docker === state) return status;
    if (Date.now() > deadline)
      throw new Error(
        `the Docker module did not become ${state} (it is ${status.states.docker}) in ${timeoutMs} ms`,
      );
    await sleep(200);
  }
}

/** Printed as each phase ends, so that a later phase's failure leaves the earlier figures. */
const phaseLine = (rss: number, anon: number, file: number) =>
  `${rss.toFixed(1)} MiB (anon ${anon.toFixed(1)} / file ${file.toFixed(1)})`;

export interface DockerModuleFigures {
  containers: number;
  reporting: Subject;
  /** RSS while the engine is away and the module dropped: median of the samples after `settleSeconds`. */
  released: { rssMiB: number; anonMiB: number; fileMiB: number; samples: number; settleSeconds: number };
  reloaded: Subject;
}

/** Runs the three phases with `executable`; the engine and its containers are removed afterwards. */
export async function runDockerModule(opts: {
  executable: string;
  containers: number;
  plan: Plan;
  server: Service;
  token: string;
  floorPid: number;
  floorMem: Memory[];
  scratch: string;
  /** How long RSS is sampled while the engine is away. */
  awaySeconds: number;
}): Promise<DockerModuleFigures> {
  const { plan, floorPid } = opts;
  const engine = await startDockerEngine();
  if (!engine) throw new Error('no Docker engine here (dockerd needs root): BENCH_AGENT_DOCKER cannot run');
  try {
    console.log(`starting ${opts.containers} containers on ${engine.socketPath}`);
    await startContainers(engine, opts.containers);
    const agent = await startAgentProcess(
      'agent (single executable, Docker module)',
      { cmd: opts.executable, args: [] },
      opts.server,
      opts.token,
      plan,
      opts.scratch,
      { module: 'docker', env: { DOCKER_HOST: `unix://${engine.socketPath}` } },
    );
    try {
      console.log('phase 1: reporting');
      const one = await measureWindow(agent, floorPid, plan);
      opts.floorMem.push(...one.window.floor);
      const reporting = subjectOf('reporting', 'agent', 'cycle', one.window, plan.cycles, {
        containers: opts.containers,
      });
      console.log(
        `  steady RSS ${phaseLine(reporting.steadyRssMiB, reporting.steadyAnonMiB, reporting.steadyFileMiB)}`,
      );

      console.log('phase 2: engine stopped');
      await stopDockerd(engine);
      await untilState(agent, 'unavailable', 120_000);
      // The first half of the time lets V8 notice that the heap went idle; the second half is sampled.
      const settleSeconds = opts.awaySeconds / 2;
      await sleep(settleSeconds * 1000);
      const away: Memory[] = [];
      for (let t = 0; t < settleSeconds; t++) {
        away.push(memory(agent.proc.pid));
        opts.floorMem.push(memory(floorPid));
        await sleep(1000);
      }
      const released = {
        rssMiB: median(away.map((m) => m.rss)),
        anonMiB: median(away.map((m) => m.anon)),
        fileMiB: median(away.map((m) => m.file)),
        samples: away.length,
        settleSeconds,
      };
      console.log(`  steady RSS ${phaseLine(released.rssMiB, released.anonMiB, released.fileMiB)}`);

      console.log('phase 3: engine started again');
      await startDockerd(engine);
      const running = await startContainers(engine, opts.containers, false);
      console.log(`  ${running} of ${opts.containers} containers running again`);
      await untilState(agent, 'running', 600_000);
      const three = await measureWindow(agent, floorPid, plan);
      opts.floorMem.push(...three.window.floor);
      const reloaded = subjectOf('reloaded', 'agent', 'cycle', three.window, plan.cycles, {
        containers: opts.containers,
        running,
      });
      console.log(
        `  steady RSS ${phaseLine(reloaded.steadyRssMiB, reloaded.steadyAnonMiB, reloaded.steadyFileMiB)}`,
      );
      return { containers: opts.containers, reporting, released, reloaded };
    } finally {
      await agent.stop();
    }
  } finally {
    await engine.stop();
  }
}
