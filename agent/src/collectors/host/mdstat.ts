// Software RAID arrays from /proc/mdstat: level, member health and any rebuild in progress.
import type { RaidArray, RaidDevice } from '@pulse/shared';
import { readText } from './read-text.ts';

interface Member {
  name: string;
  index: number;
  flags: string[];
}

interface Block {
  device: string;
  words: string[];
  detail: string[];
}

const LEVEL = /^(raid\d+|linear|multipath|faulty)$/;
const MEMBER = /^(.+?)\[(\d+)\]((?:\([A-Z]\))*)$/;
const STATE_BY_OPERATION: Record<string, string> = {
  recovery: 'recovering',
  resync: 'resyncing',
  reshape: 'reshaping',
  check: 'checking',
};

/** Splits mdstat into one block per `mdN : …` line and the indented lines under it. */
function blocks(text: string): Block[] {
  const found: Block[] = [];
  for (const line of text.split('\n')) {
    const head = /^(md\S*)\s+:\s+(.*)$/.exec(line);
    if (head?.[1] !== undefined && head[2] !== undefined) {
      found.push({ device: head[1], words: head[2].trim().split(/\s+/), detail: [] });
    } else if (/^\s+\S/.test(line)) found.at(-1)?.detail.push(line.trim());
  }
  return found;
}

/**
 * Arrays in the order mdstat lists them; [] for empty or unrelated text.
 *
 * mdstat shows each member's md descriptor index, not its slot. The kernel numbers members present at
 * assembly by slot, but gives a disk hot-added to a running array the next index from the number of
 * raid disks up. So an index below the raid-disk count is taken as the slot; a hot-added member that a
 * running recovery accounts for is `rebuilding` (in the one missing slot when only one is missing);
 * any other member's slot is reported unknown (-1). `mdadm --detail` knows the real slots.
 * `state` is one word: inactive, recovering/resyncing/reshaping/checking while an operation runs,
 * degraded when a slot is missing, else clean.
 */
export function parseMdstat(text: string): RaidArray[] {
  return blocks(text).flatMap((block) => {
    const array = toArray(block);
    return array === undefined ? [] : [array];
  });
}

function toArray({ device, words, detail }: Block): RaidArray | undefined {
  const [status, ...rest] = words;
  if (status !== 'active' && status !== 'inactive') return undefined;
  const modes = rest.filter((w) => w.startsWith('('));
  const afterModes = rest.slice(modes.length);
  const level = afterModes[0] !== undefined && LEVEL.test(afterModes[0]) ? afterModes[0] : undefined;
  const members: Member[] = [];
  for (const word of level === undefined ? afterModes : afterModes.slice(1)) {
    const m = MEMBER.exec(word);
    if (m?.[1] === undefined || m[2] === undefined) continue;
    members.push({
      name: m[1],
      index: Number(m[2]),
      flags: [...(m[3] ?? '').matchAll(/\(([A-Z])\)/g)].map((f) => f[1] ?? ''),
    });
  }

  const text = detail.join('\n');
  const counts = /\[(\d+)\/(\d+)\]\s+\[([U_]+)\]/.exec(text);
  const progress = /\b(recovery|resync|check|reshape)\s*=\s*([\d.]+)%/.exec(text);
  const waiting = /\b(recovery|resync|check|reshape)\s*=\s*(DELAYED|PENDING)/.exec(text);
  const operation = progress?.[1] ?? waiting?.[1];
  const speed = /\bspeed=(\S+)/.exec(text)?.[1];

  const failed = members.filter((m) => m.flags.includes('F'));
  const spares = members.filter((m) => m.flags.includes('S'));
  const inUse = members.filter((m) => !m.flags.includes('F') && !m.flags.includes('S'));
  const raidDisks = counts?.[1] === undefined ? inUse.length : Number(counts[1]);
  const active = counts?.[2] === undefined ? inUse.length : Number(counts[2]);
  const missingSlots = [...(counts?.[3] ?? '')].flatMap((c, slot) => (c === '_' ? [slot] : []));

  const rebuilding = new Set<Member>();
  if (operation === 'recovery') {
    const hotAdded = inUse.filter((m) => m.index >= raidDisks).sort((a, b) => b.index - a.index);
    for (const m of hotAdded.slice(0, Math.max(0, inUse.length - active))) rebuilding.add(m);
  }
  const rebuildSlot = rebuilding.size === 1 && missingSlots.length === 1 ? (missingSlots[0] ?? -1) : -1;
  const devices: RaidDevice[] = members.map((m) => {
    const path = `/dev/${m.name}`;
    if (m.flags.includes('F')) return { device: path, state: 'faulty', slot: -1 };
    if (m.flags.includes('S')) return { device: path, state: 'spare', slot: -1 };
    if (rebuilding.has(m)) return { device: path, state: 'rebuilding', slot: rebuildSlot };
    return { device: path, state: 'active', slot: m.index < raidDisks ? m.index : -1 };
  });
  devices.sort((a, b) => rank(a) - rank(b));

  let state = 'clean';
  if (status === 'inactive') state = 'inactive';
  else if (operation !== undefined) state = STATE_BY_OPERATION[operation] ?? operation;
  else if (active < raidDisks || missingSlots.length > 0) state = 'degraded';

  return {
    device: `/dev/${device}`,
    name: device,
    level: level ?? 'unknown',
    state,
    // As mdadm --detail counts them: every member listed, failed and spare ones included.
    totalDevices: members.length,
    activeDevices: active,
    workingDevices: members.length - failed.length,
    failedDevices: failed.length,
    spareDevices: spares.length,
    devices,
    rebuildPercent: progress?.[2] === undefined ? 0 : Math.min(100, Number(progress[2])),
    ...(speed === undefined ? {} : { rebuildSpeed: speed }),
    ...(operation === undefined ? {} : { operation }),
  };
}

/** Members in slot order, then rebuilding, spare and faulty ones; slot -1 sorts after real slots. */
function rank(d: RaidDevice): number {
  const group = { active: 0, rebuilding: 1, spare: 2, faulty: 3 }[d.state] ?? 4;
  return group * 1_000_000 + (d.slot < 0 ? 999_999 : d.slot);
}

/** This machine's md arrays; [] where the md driver is not loaded. Only the first MiB is parsed, bounding the work per cycle. */
export function readMdstat(path = '/proc/mdstat'): RaidArray[] {
  const text = readText(path);
  return text === undefined ? [] : parseMdstat(text.slice(0, 1024 * 1024));
}
