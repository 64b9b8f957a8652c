// A synthetic fleet of hosts that report like the agent: a ~2.7 KB host report per host, grown from the
// recorded fixture, with its own identity, a v1 sequence stream, a fresh timestamp and rising counters on
// every report. Bodies are rendered from a per-host template so building one costs a few string joins.
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { HostReport } from '@pulse/shared';

const FIXTURE = new URL('../../test/fixtures/host-report-linux.json', import.meta.url);

/** Seconds between two reports of one host, as the agent's default interval. */
const INTERVAL_SECONDS = 30;

/** Size of every host's `/` filesystem, in bytes. */
const ROOT_TOTAL = 270_553_174_016;

/** A value that changes on every report of a host; `n` counts that host's reports from 1. */
type Slot = (n: number, now: number) => string | number;

export interface FleetHost {
  hostname: string;
  /** The host's machine id: a Docker agent on the same machine reports it too, and the server links them. */
  machineId: string;
  /** The next report of this host as JSON: sequence n+1, timestamp `now`, counters moved on. */
  next(now: number): string;
}

function hex(seed: string, length: number): string {
  return createHash('sha256').update(seed).digest('hex').slice(0, length);
}

function uuid(seed: string): string {
  const h = hex(seed, 32);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

function readFixture(): HostReport {
  // The fixture is a real report, so it satisfies the schema; the bench re-validates what it builds.
  return JSON.parse(readFileSync(FIXTURE, 'utf8')) as HostReport;
}

/**
 * Builds the report of host `index` with slot markers where per-report values go, and the slots that
 * fill them. The fixed part is what a mid-sized Linux server sends: four filesystems, three block
 * devices, three interfaces (one bridge without counters), package updates, a few sensors, tags.
 */
function templateFor(index: number, fleetSeed: string): { report: HostReport; slots: Slot[] } {
  const slots: Slot[] = [];
  const slot = (fill: Slot): string => {
    slots.push(fill);
    return `@@${slots.length - 1}@@`;
  };
  // The markers stand in for numbers too; render() replaces them with the JSON of the slot's value.
  const num = (fill: (n: number, now: number) => number): number => slot(fill) as unknown as number;

  const base = readFixture();
  const name = `bench-${String(index).padStart(3, '0')}`;
  const id = uuid(`${fleetSeed}:agent:${index}`);
  const machineId = hex(`${fleetSeed}:machine:${index}`, 32);
  const spread = 1 + (index % 7);
  const gib = 1024 ** 3;
  const rootUsed = 23_850_999_808 + (index % 200) * gib;

  const report: HostReport = {
    agent: { ...base.agent, id, hostname: name },
    host: {
      ...base.host,
      id,
      hostname: name,
      machineId,
      uptimeSeconds: num((n) => 86_400 * spread + n * INTERVAL_SECONDS),
      loadAverage: [0.42, 0.37, 0.31],
      packageUpdates: {
        supported: true,
        manager: 'apt',
        inventoryHash: hex(`${fleetSeed}:packages:${index % 5}`, 16),
        pendingCount: index % 5,
        checkedAt: '2026-11-22T06:00:00Z',
        rebootRequired: false,
      },
    },
    metrics: {
      cpuUsagePercent: num((n) => Math.round(((n * 7.3 + index) % 100) * 100) / 100),
      memory: {
        ...base.metrics.memory,
        usedBytes: num((n) => 4 * gib + ((n * 1_048_576 * spread) % gib)),
      },
    },
    disks: [
      {
        device: '/dev/vda1',
        mountpoint: '/',
        filesystem: 'ext4',
        type: 'ext4',
        totalBytes: ROOT_TOTAL,
        // Modulo 200 so that a fleet past 229 hosts still has free space left on `/` (the disk holds 251
        // GiB; at index × 1 GiB host 230 reported a negative free size and the server refused it).
        usedBytes: rootUsed,
        freeBytes: ROOT_TOTAL - rootUsed,
        usage: (rootUsed / ROOT_TOTAL) * 100,
      },
      {
        device: '/dev/vda15',
        mountpoint: '/boot/efi',
        filesystem: 'vfat',
        type: 'vfat',
        totalBytes: 129_718_272,
        usedBytes: 6_220_288,
        freeBytes: 123_497_984,
        usage: 4.795195160955252,
      },
      {
        device: '/dev/vdb1',
        mountpoint: '/var/lib/docker',
        filesystem: 'xfs',
        type: 'xfs',
        totalBytes: 536_608_768_000,
        usedBytes: 201_326_592_000,
        freeBytes: 335_282_176_000,
        usage: 37.51780614837826,
      },
      {
        device: '/dev/vdc1',
        mountpoint: '/srv/backup',
        filesystem: 'ext4',
        type: 'ext4',
        totalBytes: 1_073_741_824_000,
        usedBytes: 644_245_094_400,
        freeBytes: 429_496_729_600,
        usage: 60.00000000000001,
      },
    ],
    diskIO: ['vda', 'vdb', 'vdc'].map((device, d) => ({
      device,
      readOps: 16_245 * (d + 1),
      readBytes: num((n) => 594_875_392 * (d + 1) + n * 4_096 * 37 * spread),
      readTimeMs: 6_319,
      writeOps: 1_680 * (d + 1),
      writeBytes: num((n) => 892_215_296 * (d + 1) + n * 4_096 * 211 * spread),
      writeTimeMs: 21_898,
      ioTimeMs: 2_276,
    })),
    network: [
      {
        name: 'eth0',
        mac: `02:fc:00:00:${hex(`${index}`, 2)}:01`,
        addresses: [
          `192.0.2.${(index % 250) + 2}/24`,
          `fd00::${index.toString(16)}/64`,
          'fe80::fc:ff:fe00:1/64',
        ],
        rxBytes: num((n) => 448_413_928 + n * 1_250_000 * spread),
        txBytes: num((n) => 612_268 + n * 310_000 * spread),
        speedMbps: 10_000,
      },
      {
        name: 'eth1',
        mac: `02:fc:00:00:${hex(`${index}`, 2)}:02`,
        addresses: [`10.20.${index % 250}.10/16`],
        rxBytes: num((n) => 9_001_442 + n * 52_000),
        txBytes: num((n) => 7_333_120 + n * 48_000),
        speedMbps: 1_000,
      },
      {
        name: 'docker0',
        mac: '02:42:ac:11:00:01',
        addresses: ['172.17.0.1/16'],
        rxBytes: 0,
        txBytes: 0,
        speedMbps: -1,
      },
    ],
    sensors: {
      temperatureCelsius: { cpu_package: 48.5 + (index % 10), nvme0_composite: 38.9, acpitz: 27.8 },
      fanRpm: { fan1: 1_450 + index },
    },
    tags: ['bench', 'linux', `rack-${index % 8}`, 'env-production', 'team-infra'],
    timestamp: slot((_n, now) => new Date(now).toISOString()),
  };
  return { report, slots };
}

/** One host's report template: text between markers, and which slot fills each gap. */
class TemplateHost implements FleetHost {
  readonly hostname: string;
  readonly machineId: string;
  private readonly texts: string[];
  private readonly order: Slot[];
  private readonly stream: string;
  private n = 0;

  constructor(index: number, fleetSeed: string, stream: string) {
    const { report, slots } = templateFor(index, fleetSeed);
    this.hostname = report.host.hostname;
    this.machineId = report.host.machineId ?? '';
    this.stream = stream;
    const sequence = slots.length;
    slots.push((n) => `v1:${this.stream}:${n}`);
    const json = JSON.stringify({ ...report, sequenceId: `@@${sequence}@@` });
    const pieces = json.split(/"@@(\d+)@@"/);
    this.texts = pieces.filter((_, i) => i % 2 === 0);
    this.order = pieces
      .filter((_, i) => i % 2 === 1)
      .map((k) => {
        const fill = slots[Number(k)];
        if (!fill) throw new Error(`fleet template: unknown slot ${k}`);
        return fill;
      });
  }

  next(now: number): string {
    this.n += 1;
    let out = this.texts[0] ?? '';
    for (let i = 0; i < this.order.length; i++) {
      const fill = this.order[i];
      if (fill) out += JSON.stringify(fill(this.n, now));
      out += this.texts[i + 1] ?? '';
    }
    return out;
  }
}

/**
 * `size` hosts. The same `fleetSeed` gives the same identities (so a second load run reports as the same
 * fleet); every call draws new sequence streams, as agents that restarted would.
 */
export function createFleet(size: number, fleetSeed = 'pulse-bench'): FleetHost[] {
  return Array.from(
    { length: size },
    (_, index) => new TemplateHost(index, fleetSeed, randomBytes(16).toString('hex')),
  );
}
