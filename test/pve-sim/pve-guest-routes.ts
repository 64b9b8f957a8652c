// PVE guest endpoints: qemu/lxc lists, status, agent, interfaces, snapshots, start/stop and migrate.
import { createHash } from 'node:crypto';
import { guestMeminfo } from './metrics.ts';
import type { Guest, GuestType, ProxmoxModel } from './model.ts';
import { migrate, setGuestStatus } from './mutations.ts';
import { guestListEntry, guestStatus, isOnline } from './pve-render.ts';
import { bit, fail, ok, type Reply, type Route, route } from './reply.ts';

export interface PveContext {
  model: ProxmoxModel;
  /** The node whose endpoint answers. */
  local: string;
  /** Colon-form certificate fingerprints by node, as /nodes prints them. */
  fingerprints: Record<string, string>;
}

const guestOr = (
  ctx: PveContext,
  node: string,
  type: GuestType,
  vmid: string,
  fn: (g: Guest) => Reply,
): Reply => {
  const g = ctx.model.pve.guests.find((x) => x.vmid === Number(vmid));
  if (!g || g.node !== node || g.type !== type) {
    const dir = type === 'qemu' ? 'qemu-server' : 'lxc';
    return fail(500, `Configuration file 'nodes/${node}/${dir}/${vmid}.conf' does not exist`);
  }
  return fn(g);
};

/** /proc/meminfo as a Linux guest prints it: the name, the value right-aligned, "kB". */
function meminfoText(m: ProxmoxModel, g: Guest, t: number): string {
  const info = guestMeminfo(m, g, t);
  const lines: [string, number][] = [
    ['MemTotal', info.memTotal],
    ['MemFree', info.memFree],
    ['MemAvailable', info.memAvailable],
    ['Buffers', Math.round(info.cached * 0.05)],
    ['Cached', Math.round(info.cached * 0.95)],
    ['SwapCached', 0],
    ['SwapTotal', 0],
    ['SwapFree', 0],
  ];
  return lines.map(([k, v]) => `${`${k}:`.padEnd(16)}${String(v).padStart(8)} kB\n`).join('');
}

/** agent/file-read: only /proc/meminfo exists in the simulated guests; PVE wraps it as `{ content }`. */
function fileRead(m: ProxmoxModel, g: Guest, t: number, file: string | null): Reply {
  if (file === null || file === '') return fail(400, 'Parameter verification failed.');
  if (g.status !== 'running') return fail(500, `VM ${g.vmid} is not running`);
  if (!g.agent) return fail(500, 'QEMU guest agent is not running');
  if (file !== '/proc/meminfo') {
    return fail(
      500,
      `can't open file - failed to open file '${file}' (mode: 'r'): No such file or directory`,
    );
  }
  const content = meminfoText(m, g, t);
  return ok({ content, 'bytes-read': content.length });
}

function agentReply(g: Guest, command: string): Reply {
  if (g.status !== 'running') return fail(500, `VM ${g.vmid} is not running`);
  if (!g.agent) return fail(500, 'QEMU guest agent is not running');
  const mac = g.mac.toLowerCase();
  const results: Record<string, unknown> = {
    info: {
      version: '9.2.0',
      supported_commands: [
        'guest-info',
        'guest-get-fsinfo',
        'guest-get-osinfo',
        'guest-network-get-interfaces',
        'guest-file-open',
        'guest-file-read',
        'guest-file-close',
      ].map((name) => ({ name, enabled: true, 'success-response': true })),
    },
    'get-osinfo': {
      id: g.os.id,
      name: g.os.name,
      'pretty-name': `${g.os.name} ${g.os.version}`,
      version: g.os.version,
      'version-id': g.os.version.split(' ')[0],
      'kernel-release': g.os.kernel,
      'kernel-version': '#1 SMP PREEMPT_DYNAMIC',
      machine: 'x86_64',
    },
    'get-fsinfo': [
      {
        name: 'sda1',
        mountpoint: '/',
        type: 'ext4',
        'total-bytes': g.maxdisk - 1024 ** 3,
        'used-bytes': Math.round(g.maxdisk * 0.41),
        disk: [
          {
            'bus-type': 'scsi',
            bus: 0,
            target: 0,
            unit: 0,
            serial: `0QEMU_QEMU_HARDDISK_drive-scsi0`,
            dev: '/dev/sda1',
            'pci-controller': { domain: 0, bus: 9, slot: 1, function: 0 },
          },
        ],
      },
      {
        name: 'sda15',
        mountpoint: '/boot/efi',
        type: 'vfat',
        'total-bytes': 129_718_272,
        'used-bytes': 12_288_000,
        disk: [],
      },
    ],
    'network-get-interfaces': [
      {
        name: 'lo',
        'hardware-address': '00:00:00:00:00:00',
        'ip-addresses': [
          { 'ip-address': '127.0.0.1', 'ip-address-type': 'ipv4', prefix: 8 },
          { 'ip-address': '::1', 'ip-address-type': 'ipv6', prefix: 128 },
        ],
        statistics: {
          'rx-bytes': 1200,
          'tx-bytes': 1200,
          'rx-packets': 12,
          'tx-packets': 12,
          'rx-errs': 0,
          'tx-errs': 0,
          'rx-dropped': 0,
          'tx-dropped': 0,
        },
      },
      {
        name: 'eth0',
        'hardware-address': mac,
        'ip-addresses': [
          { 'ip-address': g.ip, 'ip-address-type': 'ipv4', prefix: 24 },
          {
            'ip-address': `fe80::be24:11ff:fe${mac.slice(12, 14)}:${mac.slice(15, 17)}${mac.slice(-2)}`,
            'ip-address-type': 'ipv6',
            prefix: 64,
          },
        ],
        statistics: {
          'rx-bytes': 81_234_567,
          'tx-bytes': 12_345_678,
          'rx-packets': 91_000,
          'tx-packets': 40_000,
          'rx-errs': 0,
          'tx-errs': 0,
          'rx-dropped': 3,
          'tx-dropped': 0,
        },
      },
    ],
  };
  return ok({ result: results[command] });
}

function snapshots(g: Guest): Reply {
  const list: Record<string, unknown>[] = g.snapshots.map((s) => ({
    name: s.name,
    description: s.description,
    snaptime: s.snaptime,
    ...(s.parent ? { parent: s.parent } : {}),
    ...(g.type === 'qemu' && s.vmstate ? { vmstate: 1 } : {}),
  }));
  const last = g.snapshots.at(-1);
  const digest = createHash('sha1').update(`${g.vmid}:${g.snapshots.length}`).digest('hex');
  list.push({
    name: 'current',
    description: 'You are here!',
    digest,
    running: bit(g.status === 'running'),
    ...(last ? { parent: last.name } : {}),
  });
  return ok(list);
}

/** A slice of the guest's config file as /config prints it (strings and numbers, `digest` first). */
function guestConfig(g: Guest): Record<string, string | number> {
  const digest = createHash('sha1').update(`${g.vmid}:${g.name}:${g.node}`).digest('hex');
  const common = {
    digest,
    cores: g.maxcpu,
    memory: Math.round(g.maxmem / 1024 ** 2),
    ...(g.tags ? { tags: g.tags } : {}),
  };
  if (g.type === 'lxc') {
    return {
      ...common,
      hostname: g.name,
      ostype: g.os.id,
      arch: 'amd64',
      rootfs: `local-lvm:vm-${g.vmid}-disk-0,size=8G`,
    };
  }
  return {
    ...common,
    name: g.name,
    ostype: 'l26',
    agent: g.agent ? '1' : '0',
    scsi0: `ceph-vm:vm-${g.vmid}-disk-0,size=${Math.round(g.maxdisk / 1024 ** 3)}G`,
    net0: `virtio=${g.mac},bridge=vmbr0`,
  };
}

export function guestRoutes(ctx: PveContext, type: GuestType): Route[] {
  const m = ctx.model;
  const t = () => m.clock.now();
  const routes: Route[] = [
    route('GET', `/nodes/{node}/${type}`, (_r, p) =>
      ok(
        m.pve.guests
          .filter((g) => g.node === p.node && g.type === type)
          .map((g) => guestListEntry(m, g, t())),
      ),
    ),
    route('GET', `/nodes/{node}/${type}/{vmid}/status/current`, (_r, p) =>
      guestOr(ctx, p.node ?? '', type, p.vmid ?? '', (g) => ok(guestStatus(m, g, t()))),
    ),
    route('GET', `/nodes/{node}/${type}/{vmid}/config`, (_r, p) =>
      guestOr(ctx, p.node ?? '', type, p.vmid ?? '', (g) => ok(guestConfig(g))),
    ),
    route('GET', `/nodes/{node}/${type}/{vmid}/snapshot`, (_r, p) =>
      guestOr(ctx, p.node ?? '', type, p.vmid ?? '', snapshots),
    ),
    route('POST', `/nodes/{node}/${type}/{vmid}/migrate`, (r, p) =>
      guestOr(ctx, p.node ?? '', type, p.vmid ?? '', (g) => {
        const target = r.body.target ?? '';
        if (!m.pve.nodes.some((n) => n.name === target)) return fail(400, `no such cluster node '${target}'`);
        if (!isOnline(m, target)) return fail(500, `target node '${target}' is not online`);
        return ok(migrate(m, g.vmid, target));
      }),
    ),
  ];
  for (const action of ['start', 'stop', 'shutdown']) {
    routes.push(
      route('POST', `/nodes/{node}/${type}/{vmid}/status/${action}`, (_r, p) =>
        guestOr(ctx, p.node ?? '', type, p.vmid ?? '', (g) =>
          ok(setGuestStatus(m, g.vmid, action === 'start' ? 'running' : 'stopped')),
        ),
      ),
    );
  }
  if (type === 'qemu') {
    for (const cmd of ['info', 'get-fsinfo', 'get-osinfo', 'network-get-interfaces']) {
      routes.push(
        route('GET', `/nodes/{node}/qemu/{vmid}/agent/${cmd}`, (_r, p) =>
          guestOr(ctx, p.node ?? '', type, p.vmid ?? '', (g) => agentReply(g, cmd)),
        ),
      );
    }
    routes.push(
      route('GET', '/nodes/{node}/qemu/{vmid}/agent/file-read', (r, p) =>
        guestOr(ctx, p.node ?? '', type, p.vmid ?? '', (g) => fileRead(m, g, t(), r.query.get('file'))),
      ),
    );
  } else {
    routes.push(
      route('GET', '/nodes/{node}/lxc/{vmid}/interfaces', (_r, p) =>
        guestOr(ctx, p.node ?? '', type, p.vmid ?? '', (g) => {
          if (g.status !== 'running') return fail(500, `CT ${g.vmid} not running`);
          const hw = g.mac.toLowerCase();
          return ok([
            {
              name: 'lo',
              hwaddr: '00:00:00:00:00:00',
              'hardware-address': '00:00:00:00:00:00',
              inet: '127.0.0.1/8',
              inet6: '::1/128',
              'ip-addresses': [{ 'ip-address': '127.0.0.1', 'ip-address-type': 'inet', prefix: 8 }],
            },
            {
              name: 'eth0',
              hwaddr: hw,
              'hardware-address': hw,
              inet: `${g.ip}/24`,
              'ip-addresses': [{ 'ip-address': g.ip, 'ip-address-type': 'inet', prefix: 24 }],
            },
          ]);
        }),
      ),
    );
  }
  return routes;
}
