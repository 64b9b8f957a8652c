// Admin writes over HTTP against the real server (from source): does its RSS stay flat while an admin
// (or a script) keeps changing metadata, tokens, agent settings, host links and Proxmox connections?
//
// Two phases, each on a fresh server and data directory, with the same number of requests in flight:
//  1. read-only: the same kind of routes answered from memory (GET metadata, tokens, nodes): the baseline;
//  2. admin writes: PUT/DELETE metadata, POST+DELETE tokens, Docker host display name and pending
//     uninstall (agent_settings), host unlink (host_links), Proxmox connection PUT (proxmox_instances).
// Each phase warms up, then samples the server's RSS and the calls made so far every second for
// BENCH_DB_WRITES_SECONDS. Native memory that is only given back when V8 collects its small JS wrappers
// (what @libsql/client's statements were) shows as a sawtooth: RSS climbs with the calls until a major
// GC drops it. So the figures are RSS at start, peak and end, the largest climb from a low (MiB, and
// MiB per 10,000 calls made during it) and the least-squares slope of RSS against calls. The write phase
// minus the read phase is what the database write path costs.
//
// "An hour of admin writes": a person clicking through the UI writes every few seconds (~1,000 an hour);
// a provisioning script that re-applies settings writes about 10 a second, 36,000 an hour. The run prints
// how many such script-hours its calls equal.
//
// Fails only when the run is invalid (a process does not start, a request fails, no call completes);
// never on a size or a time. Samples go to bench/results/db-writes.json.
//
// Environment: BENCH_DB_WRITES_SECONDS (120 per phase), BENCH_DB_WRITES_WARMUP_SECONDS (15),
// BENCH_DB_WRITES_CONCURRENCY (4 requests in flight), BENCH_DB_WRITES_SCRIPT (another server entry point,
// for an A/B run against an older checkout's server/src/main.ts).
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { HEADERS, PATHS } from '@pulse/shared';
import { dockerReport } from './lib/docker-fleet.ts';
import { envInt } from './lib/figures.ts';
import { createFleet } from './lib/fleet.ts';
import { atExit, rssMiB, startPulseServer } from './lib/proc.ts';

const RESULTS = new URL('results/db-writes.json', import.meta.url).pathname;
/** Writes a provisioning script makes in an hour (10 a second): the "hour of admin writes". */
const SCRIPT_HOUR_CALLS = 36_000;
const KEYS = 50;

interface Call {
  method: 'GET' | 'PUT' | 'POST' | 'DELETE';
  path: string;
  body?: unknown;
  /** Status codes that count as success. */
  ok: readonly number[];
  /** Reads what a later call needs (the id of a token just created). */
  after?: (json: unknown) => void;
}

interface Target {
  origin: string;
  token: string;
  hostId: string;
  dockerId: string;
  nodeId: string;
}

/** One round of the write mix: every store the admin routes write through, in turn. */
function writeRound(t: Target, i: number): Call[] {
  const key = i % KEYS;
  let tokenId = '';
  return [
    {
      method: 'PUT',
      path: `/api/hosts/metadata/host-${key}`,
      body: { description: `round ${i}`, tags: ['bench', `t${key}`], notes: [`note ${i}`] },
      ok: [200],
    },
    {
      method: 'PUT',
      path: `/api/docker/metadata/ctr-${key}`,
      body: { customUrl: `https://ctr-${key}.lan/${i}` },
      ok: [200],
    },
    { method: 'DELETE', path: `/api/hosts/metadata/host-${(key + KEYS / 2) % KEYS}`, ok: [204, 404] },
    {
      method: 'POST',
      path: '/api/security/tokens',
      body: { name: `bench ${i}`, scopes: ['monitoring:read'] },
      ok: [201],
      after: (json) => {
        const record = (json as { record?: { id?: unknown } }).record;
        tokenId = typeof record?.id === 'string' ? record.id : '';
      },
    },
    // Built when it runs: the id comes from the POST just before.
    {
      method: 'DELETE',
      get path() {
        return `/api/security/tokens/${tokenId}`;
      },
      ok: [204],
    },
    {
      method: 'PUT',
      path: `/api/agents/docker/hosts/${t.dockerId}/display-name`,
      body: { displayName: `dock ${i}` },
      ok: [200],
    },
    {
      method: 'PUT',
      path: `/api/agents/docker/hosts/${t.dockerId}/pending-uninstall`,
      body: { pendingUninstall: i % 2 === 0 },
      ok: [200],
    },
    { method: 'POST', path: '/api/agents/host/unlink', body: { hostId: t.hostId }, ok: [200] },
    {
      method: 'PUT',
      path: `/api/config/nodes/${t.nodeId}`,
      body: { monitorVMs: i % 2 === 0, guestURL: `https://pve.lan/${i}` },
      ok: [200],
    },
  ];
}

/** The read-only baseline: routes of the same groups, answered from memory. */
function readRound(t: Target, i: number): Call[] {
  const key = i % KEYS;
  return [
    { method: 'GET', path: `/api/hosts/metadata/host-${key}`, ok: [200] },
    { method: 'GET', path: `/api/docker/metadata/ctr-${key}`, ok: [200] },
    { method: 'GET', path: '/api/hosts/metadata', ok: [200] },
    { method: 'GET', path: '/api/security/tokens', ok: [200] },
    { method: 'GET', path: '/api/security/tokens', ok: [200] },
    { method: 'GET', path: '/api/docker/metadata', ok: [200] },
    { method: 'GET', path: `/api/docker/hosts/metadata/${t.dockerId}`, ok: [200] },
    { method: 'GET', path: '/api/agents/host/lookup?hostname=nobody', ok: [200, 404] },
    { method: 'GET', path: '/api/config/nodes', ok: [200] },
  ];
}

async function send(t: Target, call: Call): Promise<void> {
  const res = await fetch(`${t.origin}${call.path}`, {
    method: call.method,
    headers: {
      [HEADERS.apiToken]: t.token,
      ...(call.body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(call.body === undefined ? {} : { body: JSON.stringify(call.body) }),
    signal: AbortSignal.timeout(30_000),
  });
  const text = await res.text();
  if (!call.ok.includes(res.status))
    throw new Error(`${call.method} ${call.path} answered ${res.status}: ${text.slice(0, 300)}`);
  call.after?.(text ? JSON.parse(text) : undefined);
}

/** Gives the server one host agent, one Docker host and one (disabled) Proxmox connection to manage. */
async function prepare(origin: string, token: string): Promise<Target> {
  const partial: Target = { origin, token, hostId: '', dockerId: '', nodeId: '' };
  const host = createFleet(1, 'db-writes')[0];
  if (!host) throw new Error('no fleet host');
  const post = (path: string, body: string) =>
    fetch(`${origin}${path}`, {
      method: 'POST',
      headers: { [HEADERS.apiToken]: token, 'content-type': 'application/json' },
      body,
      signal: AbortSignal.timeout(30_000),
    }).then(async (res) => {
      const text = await res.text();
      if (res.status >= 300) throw new Error(`POST ${path} answered ${res.status}: ${text.slice(0, 300)}`);
      return JSON.parse(text) as unknown;
    });
  await post(PATHS.hostReport, host.next(Date.now()));
  await post(PATHS.dockerReport, JSON.stringify(dockerReport(0, 5, new Date().toISOString(), 'db-writes')));
  const node = (await post(
    '/api/config/nodes',
    JSON.stringify({
      type: 'pve',
      name: 'bench-pve',
      host: 'https://127.0.0.1:1',
      user: 'root@pam',
      password: 'not-used',
      disabled: true,
    }),
  )) as { id?: unknown };
  const state = (await (
    await fetch(`${origin}/api/state`, { headers: { [HEADERS.apiToken]: token } })
  ).json()) as { hosts?: Array<{ id: string }>; dockerHosts?: Array<{ id: string }> };
  const hostId = state.hosts?.[0]?.id;
  const dockerId = state.dockerHosts?.[0]?.id;
  if (!hostId || !dockerId || typeof node.id !== 'string')
    throw new Error('the server did not take the host, the Docker host or the Proxmox connection');
  return { ...partial, hostId, dockerId, nodeId: node.id };
}

/** Calls made so far in a phase, read by the sampler while the loops run. */
interface Counter {
  calls: number;
}

/** Runs rounds from `concurrency` loops until `until`, counting every call made. */
async function drive(
  t: Target,
  round: (t: Target, i: number) => Call[],
  concurrency: number,
  until: number,
  counter: Counter,
): Promise<void> {
  let next = 0;
  const loop = async () => {
    while (Date.now() < until) {
      for (const call of round(t, next++)) {
        await send(t, call);
        counter.calls++;
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, loop));
}

interface Sample {
  /** Seconds since the measured part of the phase began. */
  s: number;
  calls: number;
  rssMiB: number;
}

interface PhaseResult {
  name: string;
  calls: number;
  seconds: number;
  samples: Sample[];
}

async function phase(
  name: string,
  round: (t: Target, i: number) => Call[],
  opts: { seconds: number; warmup: number; concurrency: number; script: string | undefined },
): Promise<PhaseResult> {
  const dataDir = mkdtempSync(join(tmpdir(), 'pulse-bench-dbw-'));
  const forget = atExit(() => rmSync(dataDir, { recursive: true, force: true }));
  const token = randomBytes(24).toString('hex');
  const server = await startPulseServer({ dataDir, token, ...(opts.script ? { script: opts.script } : {}) });
  try {
    const target = await prepare(server.origin, token);
    await drive(target, round, opts.concurrency, Date.now() + opts.warmup * 1_000, { calls: 0 });
    const counter: Counter = { calls: 0 };
    const samples: Sample[] = [];
    const started = Date.now();
    const take = () => {
      const rss = rssMiB(server.pid);
      if (rss !== undefined)
        samples.push({ s: (Date.now() - started) / 1_000, calls: counter.calls, rssMiB: rss });
    };
    take();
    const timer = setInterval(take, 1_000);
    try {
      await drive(target, round, opts.concurrency, started + opts.seconds * 1_000, counter);
    } finally {
      clearInterval(timer);
    }
    take();
    return { name, calls: counter.calls, seconds: (Date.now() - started) / 1_000, samples };
  } finally {
    await server.stop();
    rmSync(dataDir, { recursive: true, force: true });
    forget();
  }
}

/** The largest rise of RSS above an earlier low, and the calls made between the two. */
function largestClimb(samples: readonly Sample[]): { mib: number; calls: number } {
  let low: Sample | undefined;
  let best = { mib: 0, calls: 0 };
  for (const s of samples) {
    if (!low || s.rssMiB < low.rssMiB) low = s;
    else if (s.rssMiB - low.rssMiB > best.mib)
      best = { mib: s.rssMiB - low.rssMiB, calls: s.calls - low.calls };
  }
  return best;
}

/** Least-squares slope of RSS against calls, in MiB per 10,000 calls; undefined under 3 samples. */
function slopePer10k(samples: readonly Sample[]): number | undefined {
  if (samples.length < 3) return undefined;
  const n = samples.length;
  const mx = samples.reduce((a, s) => a + s.calls, 0) / n;
  const my = samples.reduce((a, s) => a + s.rssMiB, 0) / n;
  let sxy = 0;
  let sxx = 0;
  for (const s of samples) {
    sxy += (s.calls - mx) * (s.rssMiB - my);
    sxx += (s.calls - mx) ** 2;
  }
  return sxx > 0 ? (sxy / sxx) * 10_000 : undefined;
}

function fixed(n: number | undefined, digits: number): string {
  return n === undefined || !Number.isFinite(n) ? '-' : n.toFixed(digits);
}

function row(p: PhaseResult): string[] {
  const rss = p.samples.map((s) => s.rssMiB);
  const climb = largestClimb(p.samples);
  return [
    p.name,
    p.calls.toLocaleString('en-US'),
    fixed(p.calls / p.seconds, 0),
    fixed(p.calls / SCRIPT_HOUR_CALLS, 1),
    fixed(rss[0], 1),
    fixed(Math.max(...rss), 1),
    fixed(rss[rss.length - 1], 1),
    fixed(climb.mib, 1),
    fixed(climb.calls > 0 ? (climb.mib / climb.calls) * 10_000 : undefined, 2),
    fixed(slopePer10k(p.samples), 2),
  ];
}

/** A plain table: the first column left-aligned, the others right-aligned. */
function table(head: string[], rows: string[][]): string {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (r: string[]) =>
    r.map((cell, i) => (i === 0 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0))).join('  ');
  return [line(head), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

/** RSS at every tenth of the phase, to see the shape the figures summarise. */
function timeline(p: PhaseResult): string {
  const points = Array.from({ length: 11 }, (_, i) => {
    const s = p.samples[Math.min(p.samples.length - 1, Math.round((i / 10) * (p.samples.length - 1)))];
    return fixed(s?.rssMiB, 0);
  });
  return `${p.name}: ${points.join(' ')}`;
}

export default async function dbWritesBench(): Promise<void> {
  const seconds = envInt('BENCH_DB_WRITES_SECONDS', 120, 10);
  const warmup = envInt('BENCH_DB_WRITES_WARMUP_SECONDS', 15, 0);
  const concurrency = envInt('BENCH_DB_WRITES_CONCURRENCY', 4, 1);
  const script = process.env.BENCH_DB_WRITES_SCRIPT || undefined;
  const opts = { seconds, warmup, concurrency, script };
  console.log(
    `server ${script ?? 'server/src/main.ts'}; per phase ${warmup} s warm-up, then ${seconds} s with ${concurrency} requests in flight; RSS every second`,
  );
  const results = [
    await phase('read-only (baseline)', readRound, opts),
    await phase('admin writes', writeRound, opts),
  ];
  for (const p of results) if (p.calls === 0) throw new Error(`${p.name}: no call completed`);
  console.log(
    `\n${table(
      [
        'phase',
        'calls',
        'calls/s',
        'script-hours',
        'RSS start MiB',
        'peak',
        'end',
        'largest climb MiB',
        'climb MiB/10k calls',
        'slope MiB/10k calls',
      ],
      results.map(row),
    )}`,
  );
  console.log(`\nRSS MiB at every tenth of the phase:\n${results.map(timeline).join('\n')}`);
  console.log(
    `\nscript-hours: calls / ${SCRIPT_HOUR_CALLS.toLocaleString('en-US')} (10 admin writes a second for an hour). Climb: the largest rise above an earlier low (a major GC ends it); slope: least squares of RSS against calls over the phase.`,
  );
  mkdirSync(dirname(RESULTS), { recursive: true });
  writeFileSync(RESULTS, `${JSON.stringify({ seconds, warmup, concurrency, script, results }, null, 2)}\n`);
  console.log(`samples: ${RESULTS}`);
}
