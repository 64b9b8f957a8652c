// Synthetic Docker hosts that report like the agent's Docker module: a DockerReport per host with N
// containers, grown from the recorded 5-container fixture (each container copied with its own id and
// name), its own agent id, hostname and machine id, and a fresh timestamp on every report. Bodies are
// rendered once per host and only the timestamp is filled in per report.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { DockerReport } from '@pulse/shared';

const FIXTURE = new URL('../../test/fixtures/docker-report.json', import.meta.url);
const STAMP = '@@timestamp@@';

function hex(seed: string, length: number): string {
  let out = '';
  for (let i = 0; out.length < length; i++) out += createHash('sha256').update(`${seed}#${i}`).digest('hex');
  return out.slice(0, length);
}

function uuid(seed: string): string {
  const h = hex(seed, 32);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

function readFixture(): DockerReport {
  // A recorded report, so it satisfies the schema; the bench re-validates what it builds from it.
  return JSON.parse(readFileSync(FIXTURE, 'utf8')) as DockerReport;
}

/**
 * The report of Docker host `index` with `containers` containers: the fixture's five repeated in turn,
 * each copy with a unique 64-hex id and a name such as `web-017`. Images, volumes, networks and the
 * storage usage are the fixture's. `timestamp` is the report time.
 */
export function dockerReport(
  index: number,
  containers: number,
  timestamp: string,
  seed = 'pulse-bench',
): DockerReport {
  const base = readFixture();
  const templates = base.containers;
  if (templates.length === 0) throw new Error('docker fixture has no containers');
  const name = `dock-bench-${String(index).padStart(3, '0')}`;
  return {
    ...base,
    agent: { ...base.agent, id: uuid(`${seed}:docker-agent:${index}`), intervalSeconds: 30 },
    host: { ...base.host, hostname: name, name, machineId: hex(`${seed}:docker-machine:${index}`, 32) },
    containers: Array.from({ length: containers }, (_, i) => {
      const t = templates[i % templates.length] ?? templates[0];
      if (!t) throw new Error('unreachable: empty template list');
      return {
        ...t,
        id: hex(`${seed}:container:${index}:${i}`, 64),
        name: `${t.name}-${String(i).padStart(3, '0')}`,
      };
    }),
    timestamp,
  };
}

export interface DockerFleetHost {
  hostname: string;
  agentId: string;
  /** The host's next report as JSON, stamped `now`. */
  next(now: number): string;
}

class TemplateDockerHost implements DockerFleetHost {
  readonly hostname: string;
  readonly agentId: string;
  private readonly head: string;
  private readonly tail: string;

  constructor(index: number, containers: number, seed: string, machineId: string | undefined) {
    const report = dockerReport(index, containers, STAMP, seed);
    if (machineId) report.host.machineId = machineId;
    this.hostname = report.host.hostname;
    this.agentId = report.agent.id;
    const json = JSON.stringify(report);
    const at = json.indexOf(`"${STAMP}"`);
    if (at < 0) throw new Error('docker fleet template: no timestamp marker');
    this.head = json.slice(0, at);
    this.tail = json.slice(at + STAMP.length + 2);
  }

  next(now: number): string {
    return `${this.head}"${new Date(now).toISOString()}"${this.tail}`;
  }
}

/**
 * `size` Docker hosts with `containers` containers each; the same seed gives the same identities.
 * `machineIdOf(index)`, when it answers, puts that Docker host on an existing machine (a host agent's), as
 * when the agent runs its host and Docker modules on one server; the server then links the two.
 */
export function createDockerFleet(
  size: number,
  containers: number,
  seed = 'pulse-bench',
  machineIdOf: (index: number) => string | undefined = () => undefined,
): DockerFleetHost[] {
  return Array.from(
    { length: size },
    (_, index) => new TemplateDockerHost(index, containers, seed, machineIdOf(index)),
  );
}
