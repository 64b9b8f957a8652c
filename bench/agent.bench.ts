// Agent footprint: the real pulse-agent reporting to the real server at a fixed interval, against two
// baselines measured in the same run: an idle Node process of the same binary (the RSS floor) and Debian's
// prometheus-node-exporter scraped at the same interval (CPU per scrape). For each subject: steady
// (median) and max RSS over the measured cycles, and CPU time per cycle from /proc/<pid>/stat. Prints the
// figures and their ratios and writes bench/results/agent.json. It measures and reports; it fails only
// when something does not run (a subject does not start, a report is not delivered, a scrape fails),
// never on the figures.
//
// Subjects run one after the other; the idle Node process runs alongside all of them. The agent's window
// is exactly N reports the server accepted (its /status reportsSent); node_exporter's is N scrapes made by
// this process. RSS is sampled once per cycle, half an interval after the cycle's start.
//
// Environment: BENCH_AGENT_CYCLES (measured cycles per subject, default 100), BENCH_AGENT_WARMUP (cycles
// skipped first, default 5), BENCH_AGENT_INTERVAL (seconds, at least 1, default 1),
// BENCH_AGENT_EXECUTABLE (the single executable to measure; default dist/pulse-agent-linux-<arch> when it
// exists, 'off' to skip), BENCH_NODE_EXPORTER (path of the node_exporter binary),
// BENCH_AGENT_CPU_PROF=<dir> (run the source agent with --cpu-prof; its CPU figures then include the
// profiler). Each single executable's page cache is dropped before it starts (lib/agent-measure.ts
// evictPageCache), so that a just-built file measures like one started after a boot.
//
// Two more modes, each with the floor and the server as above, without node_exporter:
// - BENCH_AGENT_LEVERS=1 (or a comma list of words from the levers' names): the single executable built
//   once per lever (V8 flags, code cache, startup snapshot, lazy chunks or one bundle, malloc settings in
//   its environment; lib/agent-levers.ts), each measured like the agent line; writes agent-levers.json.
// - BENCH_AGENT_DOCKER=N: the single executable with the Docker module only, against a real dockerd with N
//   containers: reporting, engine stopped (module dropped), engine back (module loaded anew); interval 5 s,
//   12 cycles, 2 warm-up unless set; BENCH_AGENT_DOCKER_AWAY (seconds the engine stays away, 60). Needs
//   root (lib/agent-docker-module.ts); writes agent-docker.json.

import { spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import {
  accessSync,
  constants,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { availableParallelism, cpus, tmpdir } from 'node:os';
import { delimiter, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type DockerModuleFigures, runDockerModule } from './lib/agent-docker-module.ts';
import { LEVERS, type LeverResult, leverTable, runLevers } from './lib/agent-levers.ts';
import {
  busyCores,
  type CpuTimes,
  cpuTimes,
  evictPageCache,
  fixed,
  type Memory,
  measureAgent,
  memory,
  type Plan,
  type Subject,
  subjectOf,
  table,
  ticksPerSecond,
  type Window,
} from './lib/agent-measure.ts';
import { envInt, median } from './lib/figures.ts';
import {
  atExit,
  cleanEnv,
  freePort,
  machineBusySeconds,
  startProcess,
  startPulseServer,
  waitForHttp,
} from './lib/proc.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const RESULTS = join(ROOT, 'bench', 'results', 'agent.json');
const RESULTS_LEVERS = join(ROOT, 'bench', 'results', 'agent-levers.json');
const RESULTS_DOCKER = join(ROOT, 'bench', 'results', 'agent-docker.json');
const AGENT_CLI = join(ROOT, 'agent', 'src', 'cli.ts');
const INSTALL_SCRIPT = join(ROOT, 'scripts', 'install-node-exporter.sh');
const NODE_EXPORTER = 'prometheus-node-exporter';

/** The aims; printed for information only, they do not decide the exit code. */
const AIM = { rssOfFloor: 1.25, cpuOfNodeExporter: 1 };

/** What Prometheus 2.x sends when it scrapes a target. */
const SCRAPE_HEADERS = {
  accept:
    'application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,' +
    'text/plain;version=0.0.4;q=0.5,*/*;q=0.1',
  'accept-encoding': 'gzip',
  'user-agent': 'Prometheus/2.45.3',
};

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, Math.max(0, ms)));

// ---- processes -----------------------------------------------------------------------------------------

function findOnPath(name: string): string | undefined {
  for (const dir of [...(process.env.PATH ?? '').split(delimiter), '/usr/sbin', '/usr/bin']) {
    if (!dir) continue;
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not there, or not executable: try the next directory
    }
  }
  return undefined;
}

/** The node_exporter binary; runs scripts/install-node-exporter.sh first when it is missing and we are root. */
function nodeExporterBinary(): string {
  const configured = process.env.BENCH_NODE_EXPORTER;
  if (configured) return resolve(configured);
  const found = findOnPath(NODE_EXPORTER);
  if (found) return found;
  if (process.getuid?.() !== 0)
    throw new Error(
      `${NODE_EXPORTER} is not installed: run 'sudo sh scripts/install-node-exporter.sh' ` +
        '(or set BENCH_NODE_EXPORTER to a node_exporter binary)',
    );
  console.log(`${NODE_EXPORTER} not found: running scripts/install-node-exporter.sh`);
  const run = spawnSync('sh', [INSTALL_SCRIPT], {
    stdio: ['ignore', 'inherit', 'inherit'],
    timeout: 600_000,
  });
  if (run.status !== 0)
    throw new Error(
      `scripts/install-node-exporter.sh failed (status ${run.status}, ${run.error ?? 'no error'})`,
    );
  const installed = findOnPath(NODE_EXPORTER);
  if (!installed) throw new Error(`${NODE_EXPORTER} is still missing after scripts/install-node-exporter.sh`);
  return installed;
}

function versionOf(cmd: string, args: string[]): string {
  const run = spawnSync(cmd, args, { encoding: 'utf8', timeout: 10_000 });
  return `${run.stdout ?? ''}${run.stderr ?? ''}`.trim().split('\n')[0] ?? 'unknown';
}

/** The single executable built for this machine, unless BENCH_AGENT_EXECUTABLE says otherwise. */
function agentExecutable(): string | undefined {
  const configured = process.env.BENCH_AGENT_EXECUTABLE;
  if (configured === 'off') return undefined;
  if (configured) return resolve(configured);
  if (process.platform !== 'linux') return undefined;
  const arch = process.arch === 'x64' ? 'amd64' : process.arch;
  const path = join(ROOT, 'dist', `pulse-agent-linux-${arch}`);
  try {
    accessSync(path, constants.X_OK);
    return path;
  } catch {
    return undefined;
  }
}

/** Newest modification time of the agent's and shared package's source files, ms. */
function newestSourceMtime(): number {
  let newest = 0;
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts'))
        newest = Math.max(newest, statSync(path).mtimeMs);
    }
  };
  walk(join(ROOT, 'agent', 'src'));
  walk(join(ROOT, 'shared', 'src'));
  return newest;
}

function sha256Of(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

interface Scrape {
  bytes: number;
  samples: number;
  ms: number;
}

async function scrape(url: string): Promise<Scrape> {
  const started = performance.now();
  const res = await fetch(url, { headers: SCRAPE_HEADERS, signal: AbortSignal.timeout(10_000) });
  const text = await res.text();
  if (!res.ok) throw new Error(`node_exporter /metrics answered ${res.status}: ${text.slice(0, 200)}`);
  let samples = 0;
  for (const line of text.split('\n')) if (line !== '' && !line.startsWith('#')) samples += 1;
  return { bytes: Buffer.byteLength(text), samples, ms: performance.now() - started };
}

async function measureNodeExporter(
  binary: string,
  floorPid: number,
  plan: Plan,
): Promise<{ window: Window; scrapes: Scrape[] }> {
  const port = await freePort();
  const exporter = startProcess(
    'node_exporter',
    binary,
    [`--web.listen-address=127.0.0.1:${port}`, '--log.level=warn'],
    cleanEnv(),
  );
  const url = `http://127.0.0.1:${port}/metrics`;
  try {
    await waitForHttp(exporter, url);
    // Scrape k starts at start + k × interval, as Prometheus schedules them; RSS is read half-way between.
    const start = performance.now();
    let k = 0;
    const next = () =>
      Promise.race([sleep(start + k * plan.intervalMs - performance.now()), exporter.exited]);
    for (; k < plan.warmup; k++) {
      await next();
      await scrape(url);
    }
    const cpuStart = cpuTimes(exporter.pid);
    const machineStart = machineBusySeconds();
    const t0 = performance.now();
    const scrapes: Scrape[] = [];
    const mem = {
      rss: [] as number[],
      anon: [] as number[],
      file: [] as number[],
      floor: [] as Memory[],
      cpu: [] as number[],
    };
    for (let i = 0; i < plan.cycles; i++, k++) {
      await next();
      scrapes.push(await Promise.race([scrape(url), exporter.exited]));
      await Promise.race([sleep(start + (k + 0.5) * plan.intervalMs - performance.now()), exporter.exited]);
      const m = memory(exporter.pid);
      mem.rss.push(m.rss);
      mem.anon.push(m.anon);
      mem.file.push(m.file);
      mem.floor.push(memory(floorPid));
      const c = cpuTimes(exporter.pid);
      mem.cpu.push(c.self + c.children);
    }
    // Half an interval after the last scrape started, as the agent's window ends right after a cycle.
    const cpuEnd = cpuTimes(exporter.pid);
    const seconds = (performance.now() - t0) / 1000;
    const machineCores = busyCores(machineStart, seconds);
    return { window: { ...mem, cpuStart, cpuEnd, seconds, machineCores }, scrapes };
  } finally {
    await exporter.stop();
  }
}

export default async function agentBench(): Promise<void> {
  if (process.platform !== 'linux') throw new Error('the agent footprint bench reads /proc: run it on Linux');
  const leverFilter = process.env.BENCH_AGENT_LEVERS;
  const dockerContainers = process.env.BENCH_AGENT_DOCKER ? envInt('BENCH_AGENT_DOCKER', 200, 1) : undefined;
  const mode = leverFilter ? 'levers' : dockerContainers !== undefined ? 'docker' : 'footprint';
  // The Docker module collects for about a second at 200 containers: it gets the Docker bench's 5 s interval.
  const docker = mode === 'docker';
  const plan: Plan = {
    cycles: envInt('BENCH_AGENT_CYCLES', docker ? 12 : 100, 1),
    warmup: envInt('BENCH_AGENT_WARMUP', docker ? 2 : 5, 1),
    intervalMs: envInt('BENCH_AGENT_INTERVAL', docker ? 5 : 1, 1) * 1000,
  };
  const cpuProfDir = process.env.BENCH_AGENT_CPU_PROF ? resolve(process.env.BENCH_AGENT_CPU_PROF) : undefined;
  const exporterBinary = mode === 'footprint' ? nodeExporterBinary() : undefined;
  const exporterVersion = exporterBinary ? versionOf(exporterBinary, ['--version']) : undefined;
  const executable = agentExecutable();
  if (mode === 'docker' && !executable)
    throw new Error('BENCH_AGENT_DOCKER measures the single executable: build it with npm run build:agent');
  const staleExecutable =
    executable !== undefined && statSync(executable).mtimeMs < newestSourceMtime() ? executable : undefined;

  const cpuModel = cpus()[0]?.model ?? 'unknown CPU';
  const cores = availableParallelism();
  const runs = mode === 'levers' ? leverCount(leverFilter) : mode === 'docker' ? 2 : executable ? 3 : 2;
  const minutes = ((plan.cycles + plan.warmup) * plan.intervalMs * runs) / 60_000;
  console.log(
    mode === 'levers'
      ? 'Agent footprint: levers (the single executable built once per lever)'
      : mode === 'docker'
        ? `Agent footprint: the Docker module at ${dockerContainers} containers, engine lost and back`
        : 'Agent footprint',
  );
  console.log(
    `node ${process.version}, ${cores} cores (${cpuModel}), ${process.platform}/${process.arch}, ` +
      'loopback 127.0.0.1',
  );
  console.log(
    `interval ${plan.intervalMs / 1000} s, ${plan.warmup} warm-up + ${plan.cycles} measured cycles per subject, ` +
      `subjects one after the other (about ${minutes.toFixed(1)} min${mode === 'footprint' ? '' : ' plus builds and setup'})`,
  );
  if (exporterBinary) console.log(`baseline: ${exporterVersion} (${exporterBinary}), default collectors`);
  console.log(
    "note: each single executable's page cache is dropped before it starts (see evictPageCache): a just-built " +
      'file otherwise maps up to ~30 MiB more of itself than after a boot',
  );
  if (executable) console.log(`single executable: ${relative(process.cwd(), executable)}`);
  else console.log('single executable: none (build it with npm run build:agent -- linux-amd64)');
  if (staleExecutable)
    console.log(
      `note: ${relative(process.cwd(), staleExecutable)} is older than the agent's source; ` +
        'rebuild it to measure the current code',
    );
  if (cpuProfDir)
    console.log(`note: the source agent runs with --cpu-prof; its CPU figure includes the profiler`);

  const scratch = mkdtempSync(join(tmpdir(), 'pulse-bench-agent-'));
  const removeScratch = () => rmSync(scratch, { recursive: true, force: true });
  const forgetScratch = atExit(removeScratch);
  const subjects: Subject[] = [];
  let floorWindow: { mem: Memory[]; cpuStart: CpuTimes; cpuEnd: CpuTimes; seconds: number } | undefined;
  const procs: Array<{ stop(): Promise<void> }> = [];
  let agentVersion = 'unknown';
  let levers: LeverResult[] = [];
  let dockerFigures: DockerModuleFigures | undefined;
  try {
    // The floor: an idle Node process of the same binary, alive for the whole run.
    const floor = startProcess('floor', process.execPath, ['-e', 'setInterval(() => {}, 1000)'], cleanEnv());
    procs.push(floor);
    const floorMem: Memory[] = [];

    const token = randomBytes(32).toString('hex');
    const server = await startPulseServer({
      dataDir: mkdtempSync(join(scratch, 'server-data-')),
      token: token,
    });
    procs.push(server);
    // The floor has settled by now (the server took longer to start than it did).
    const floorT0 = performance.now();
    const floorCpuStart = cpuTimes(floor.pid);

    if (mode === 'levers') {
      const filters = leverFilter === '1' || leverFilter === 'all' ? [] : (leverFilter ?? '').split(',');
      levers = await runLevers({ plan, filters, server, token, floorPid: floor.pid, floorMem, scratch });
      for (const l of levers) if (l.subject) subjects.push(l.subject);
    } else if (mode === 'docker' && executable) {
      evictPageCache(executable);
      dockerFigures = await runDockerModule({
        executable,
        containers: dockerContainers ?? 200,
        plan,
        server,
        token,
        floorPid: floor.pid,
        floorMem,
        scratch,
        awaySeconds: envInt('BENCH_AGENT_DOCKER_AWAY', 60, 2),
      });
      subjects.push(dockerFigures.reporting, dockerFigures.reloaded);
    }

    const agents: Array<{ name: string; cmd: string; args: string[] }> = [
      {
        name: 'agent (node + source)',
        cmd: process.execPath,
        args: [...(cpuProfDir ? ['--cpu-prof', `--cpu-prof-dir=${cpuProfDir}`] : []), AGENT_CLI],
      },
    ];
    if (executable) agents.push({ name: 'agent (single executable)', cmd: executable, args: [] });
    for (const a of mode === 'footprint' ? agents : []) {
      console.log(`running: ${a.name}`);
      // What ran: the executable's hash, or the source's newest change; checked again afterwards, because
      // a build or an edit during the window would make the figures belong to neither version.
      const isSource = a.cmd === process.execPath;
      const sha256 = isSource ? undefined : sha256Of(a.cmd);
      const changedAt = () => (isSource ? newestSourceMtime() : statSync(a.cmd).mtimeMs);
      const before = changedAt();
      if (!isSource) evictPageCache(a.cmd);
      const { window, version, reports } = await measureAgent(
        a.name,
        a,
        server,
        token,
        floor.pid,
        plan,
        scratch,
      );
      agentVersion = version;
      floorMem.push(...window.floor);
      const changed = changedAt() !== before;
      if (changed)
        console.log(
          `note: ${isSource ? "the agent's source" : relative(process.cwd(), a.cmd)} changed while ` +
            `'${a.name}' was measured; its figures are for the version that was running`,
        );
      subjects.push(
        subjectOf(a.name, 'agent', 'cycle', window, plan.cycles, {
          version,
          command: [relative(ROOT, a.cmd) || a.cmd, ...a.args.map((x) => relative(ROOT, x) || x)].join(' '),
          reportsSent: reports.reportsSent,
          reportsDropped: reports.reportsDropped,
          sha256,
          changedDuringRun: changed,
        }),
      );
    }
    await server.stop();

    if (exporterBinary) {
      console.log('running: node_exporter');
      const { window, scrapes } = await measureNodeExporter(exporterBinary, floor.pid, plan);
      floorMem.push(...window.floor);
      const scrapeMs = scrapes.map((s) => s.ms);
      subjects.push(
        subjectOf('node_exporter', 'node_exporter', 'scrape', window, plan.cycles, {
          version: exporterVersion,
          scrapeBytes: median(scrapes.map((s) => s.bytes)),
          scrapeSamples: median(scrapes.map((s) => s.samples)),
          scrapeMsMedian: median(scrapeMs),
          scrapeMsMax: Math.max(...scrapeMs),
        }),
      );
    }

    floorWindow = {
      mem: floorMem,
      cpuStart: floorCpuStart,
      cpuEnd: cpuTimes(floor.pid),
      seconds: (performance.now() - floorT0) / 1000,
    };
    await floor.stop();
  } finally {
    await Promise.all(procs.map((p) => p.stop()));
    forgetScratch();
    removeScratch();
  }

  // The floor's memory is sampled with every subject's; its CPU is over the whole run, per interval.
  const floorIntervals = (floorWindow.seconds * 1000) / plan.intervalMs;
  const floorRss = floorWindow.mem.map((m) => m.rss);
  const floor: Subject = {
    name: 'bare Node (floor)',
    kind: 'floor',
    unit: 'interval',
    steadyRssMiB: median(floorRss),
    maxRssMiB: Math.max(...floorRss),
    steadyAnonMiB: median(floorWindow.mem.map((m) => m.anon)),
    steadyFileMiB: median(floorWindow.mem.map((m) => m.file)),
    cpuMsPerCycle: ((floorWindow.cpuEnd.self - floorWindow.cpuStart.self) * 1000) / floorIntervals,
    childCpuMsPerCycle: 0,
    cycles: floorRss.length,
    windowSeconds: floorWindow.seconds,
    machineCores: undefined,
    cpuMsByCycle: [],
    busiestCycleMs: Number.NaN,
    cpuMsPerCycleHalves: [Number.NaN, Number.NaN],
    detail: { command: 'node -e "setInterval(() => {}, 1000)"', samples: floorRss.length },
  };
  const exporter = subjects.find((s) => s.kind === 'node_exporter');
  const exporterCpu = exporter ? exporter.cpuMsPerCycle + exporter.childCpuMsPerCycle : Number.NaN;
  for (const s of subjects) {
    if (s.kind !== 'agent') continue;
    s.rssOfFloor = s.steadyRssMiB / floor.steadyRssMiB;
    s.cpuOfNodeExporter =
      exporterCpu > 0 ? (s.cpuMsPerCycle + s.childCpuMsPerCycle) / exporterCpu : undefined;
  }
  const all = [floor, ...subjects];
  const machine = { node: process.version, platform: process.platform, arch: process.arch, cores, cpuModel };
  const busy = () =>
    console.log(
      `machine busy during the windows (all processes, of ${cores} cores): ` +
        subjects.map((s) => `${s.name.trim()} ${fixed(s.machineCores, 2)}`).join(', '),
    );

  if (mode === 'levers') {
    console.log(`\n${table([floor])}\n`);
    console.log(leverTable(levers, floor.steadyRssMiB));
    console.log(
      'Δ: against the executable as it was before (one bundle, semi-space 1 + optimize-for-size); ' +
        `steady RSS: median of ${plan.cycles} samples; CPU: per delivered report, ±${(1000 / ticksPerSecond() / plan.cycles).toFixed(2)} ms`,
    );
    busy();
    writeResults(RESULTS_LEVERS, {
      bench: 'agent-levers',
      date: new Date().toISOString(),
      machine,
      plan,
      floor,
      levers,
    });
    return;
  }
  if (mode === 'docker' && dockerFigures) {
    const d = dockerFigures;
    const mib = (n: number) => `${n.toFixed(1)} MiB`;
    const rows = [
      [
        'bare Node (floor)',
        mib(floor.steadyRssMiB),
        `${mib(floor.steadyAnonMiB)} / ${mib(floor.steadyFileMiB)}`,
        '-',
        '-',
      ],
      ...[
        [`reporting, ${d.containers} containers`, d.reporting],
        [`engine back, module loaded anew`, d.reloaded],
      ].map(([name, s]) => {
        const x = s as Subject;
        return [
          String(name),
          mib(x.steadyRssMiB),
          `${mib(x.steadyAnonMiB)} / ${mib(x.steadyFileMiB)}`,
          `${(x.steadyRssMiB / floor.steadyRssMiB).toFixed(2)}×`,
          `${(x.cpuMsPerCycle + x.childCpuMsPerCycle).toFixed(1)} ms per report`,
        ];
      }),
      [
        `engine stopped, module dropped (${d.released.samples} s)`,
        mib(d.released.rssMiB),
        `${mib(d.released.anonMiB)} / ${mib(d.released.fileMiB)}`,
        `${(d.released.rssMiB / floor.steadyRssMiB).toFixed(2)}×`,
        '-',
      ],
    ];
    console.log(
      `\n${plainTable(['phase', 'steady RSS', 'anon / file', 'RSS / floor', 'agent CPU'], rows)}\n`,
    );
    console.log(
      `Docker module: the single executable with --enable-docker only, ${plan.intervalMs / 1000} s interval, ` +
        `${plan.cycles} reports per window; while the engine is away, RSS is the median of the last ` +
        `${d.released.samples} s after ${d.released.settleSeconds} s of settling`,
    );
    busy();
    writeResults(RESULTS_DOCKER, {
      bench: 'agent-docker',
      date: new Date().toISOString(),
      machine,
      plan,
      floor,
      docker: d,
    });
    return;
  }

  console.log(`\n${table(all)}\n`);
  console.log(
    `steady RSS: median of ${plan.cycles} samples (VmRSS, one per cycle, half an interval in); ` +
      'anon/file: RssAnon (heap, stacks, code) / RssFile (mapped binary, libraries)',
  );
  console.log(
    `CPU: utime + stime (+ tools it ran) from /proc/<pid>/stat over ${plan.cycles} cycles, ` +
      `clock tick ${(1000 / ticksPerSecond()).toFixed(0)} ms, so ±${(1000 / ticksPerSecond() / plan.cycles).toFixed(2)} ms per cycle`,
  );
  for (const s of subjects)
    console.log(
      `${s.name}: CPU ms per ${s.unit} ${fixed(s.cpuMsPerCycleHalves[0], 2)} in the first half of the window, ` +
        `${fixed(s.cpuMsPerCycleHalves[1], 2)} in the second; busiest ${s.unit} ${fixed(s.busiestCycleMs, 0)} ms`,
    );
  console.log(
    `machine busy during the windows (all processes, of ${cores} cores): ` +
      subjects.map((s) => `${s.name} ${fixed(s.machineCores, 2)}`).join(', '),
  );
  for (const s of subjects)
    if ((s.machineCores ?? 0) >= 0.25)
      console.log(
        `note: the machine was busy with ${fixed(s.machineCores, 2)} cores during '${s.name}': other work ` +
          'ran at the same time, so its CPU figure may be inflated; run again on a quiet machine',
      );
  for (const s of subjects) {
    const expected = (plan.cycles * plan.intervalMs) / 1000;
    if (s.windowSeconds > expected * 1.1 + 1)
      console.log(
        `note: ${s.name} took ${s.windowSeconds.toFixed(1)} s for ${plan.cycles} cycles (expected ~${expected} s)`,
      );
  }
  for (const s of subjects) {
    if (s.kind !== 'agent') continue;
    // Judged on the ratios as printed (two decimals), so that 1.00× never reads as below 1×.
    const printed = (n: number | undefined) =>
      n === undefined ? Number.POSITIVE_INFINITY : Number(n.toFixed(2));
    const rssMet = printed(s.rssOfFloor) <= AIM.rssOfFloor;
    const cpuMet = printed(s.cpuOfNodeExporter) < AIM.cpuOfNodeExporter;
    console.log(
      `${s.name}: RSS ${fixed(s.rssOfFloor, 2)}× the floor (aim <= ${AIM.rssOfFloor}×: ${rssMet ? 'met' : 'not met'}), ` +
        `CPU ${fixed(s.cpuOfNodeExporter, 2)}× node_exporter's per scrape (aim < 1×: ${cpuMet ? 'met' : 'not met'}) ` +
        '(informative)',
    );
  }

  const results = {
    bench: 'agent',
    date: new Date().toISOString(),
    machine,
    setup: {
      intervalSeconds: plan.intervalMs / 1000,
      cycles: plan.cycles,
      warmupCycles: plan.warmup,
      clockTicksPerSecond: ticksPerSecond(),
      agentVersion,
      nodeExporter: exporterVersion,
      singleExecutable: executable ? relative(ROOT, executable) : undefined,
      singleExecutableOlderThanSource: staleExecutable !== undefined,
      cpuProfile: cpuProfDir !== undefined,
    },
    aims: AIM,
    subjects: all.map((s) => ({
      ...s,
      cpuMsPerCycleTotal: s.cpuMsPerCycle + s.childCpuMsPerCycle,
    })),
  };
  writeResults(RESULTS, results);
}

function writeResults(path: string, results: unknown): void {
  mkdirSync(join(ROOT, 'bench', 'results'), { recursive: true });
  writeFileSync(
    path,
    `${JSON.stringify(results, (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? null : v), 2)}\n`,
  );
  console.log(`results written to ${relative(process.cwd(), path)}`);
}

function leverCount(filter: string | undefined): number {
  const filters = !filter || filter === '1' || filter === 'all' ? [] : filter.split(',');
  return LEVERS.filter((l) => filters.length === 0 || filters.some((f) => l.name.includes(f))).length;
}

function plainTable(head: string[], rows: string[][]): string {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const fmt = (row: string[]) =>
    row.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join('  ');
  return [fmt(head), fmt(widths.map((w) => '-'.repeat(w))), ...rows.map(fmt)].join('\n');
}
