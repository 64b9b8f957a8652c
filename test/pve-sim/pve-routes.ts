// PVE cluster, node and guest endpoints as one endpoint (node) of the cluster answers them.
import type { AuthResult } from './auth.ts';
import { nodeUsage } from './metrics.ts';
import { guestRoutes, type PveContext } from './pve-guest-routes.ts';
import { pveNodeRoutes } from './pve-node-routes.ts';
import { guestResource, nodeResource, nodeStorages, storageResource } from './pve-render.ts';
import { bit, dispatch, fail, ok, type Reply, type Request, type Route, route } from './reply.ts';

export type { PveContext } from './pve-guest-routes.ts';

export function pveRoutes(ctx: PveContext): Route[] {
  const m = ctx.model;
  const t = () => m.clock.now();
  const p = m.pve;
  return [
    route('GET', '/version', () => ok({ ...p.version, console: 'xtermjs' })),
    route('GET', '/cluster/status', () => {
      const online = p.nodes.filter((n) => n.online).length;
      return ok([
        {
          type: 'cluster',
          id: 'cluster',
          name: p.clusterName,
          nodes: p.nodes.length,
          quorate: bit(online * 2 > p.nodes.length),
          version: p.nodes.length + 1,
        },
        ...p.nodes.map((n) => ({
          type: 'node',
          id: `node/${n.name}`,
          name: n.name,
          nodeid: n.nodeid,
          ip: n.ip,
          online: bit(n.online),
          local: bit(n.name === ctx.local),
          level: '',
        })),
      ]);
    }),
    route('GET', '/cluster/resources', (r) => {
      const type = r.query.get('type');
      const out: Record<string, unknown>[] = [];
      if (!type || type === 'node') out.push(...p.nodes.map((n) => nodeResource(m, n, t())));
      if (!type || type === 'vm') out.push(...p.guests.map((g) => guestResource(m, g, t())));
      if (!type || type === 'storage') {
        for (const n of p.nodes)
          out.push(...nodeStorages(m, n.name).map((s) => storageResource(m, s, n.name)));
      }
      if (type && !['node', 'vm', 'storage', 'sdn'].includes(type)) {
        return fail(
          400,
          `Parameter verification failed. type: value '${type}' does not have a value in the enumeration 'vm, storage, node, sdn'`,
        );
      }
      return ok(out);
    }),
    route('GET', '/nodes', () =>
      ok(
        p.nodes.map((n) => ({
          ...nodeResource(m, n, t()),
          ...(n.online ? { ssl_fingerprint: ctx.fingerprints[n.name] } : {}),
        })),
      ),
    ),
    route('GET', '/nodes/{node}/status', (_r, q) => {
      const n = p.nodes.find((x) => x.name === q.node);
      if (!n) return fail(500, 'node not found');
      const u = nodeUsage(m, n, t());
      return ok({
        cpu: u.cpu,
        wait: u.wait,
        uptime: u.uptime,
        loadavg: u.loadavg,
        idle: 0,
        kversion: 'Linux 6.17.2-1-pve #1 SMP PREEMPT_DYNAMIC PMX 6.17.2-1 (2025-11-05T09:12Z) x86_64',
        pveversion: `pve-manager/${p.version.version}/${p.version.repoid}`,
        cpuinfo: {
          model: n.cpuModel,
          sockets: n.sockets,
          cores: n.maxcpu / 2,
          cpus: n.maxcpu,
          mhz: '3799.998',
          hvm: '1',
          user_hz: 100,
          flags: 'fpu vme de pse tsc msr pae mce cx8 apic sep mtrr pge mca cmov svm',
        },
        memory: { total: n.maxmem, used: u.mem, free: n.maxmem - u.mem, available: n.maxmem - u.mem },
        swap: { total: n.swapTotal, used: u.swap, free: n.swapTotal - u.swap },
        rootfs: {
          total: n.rootfsTotal,
          used: n.rootfsUsed,
          free: n.rootfsTotal - n.rootfsUsed,
          avail: n.rootfsTotal - n.rootfsUsed,
        },
        ksm: { shared: 0 },
        'current-kernel': {
          sysname: 'Linux',
          release: '6.17.2-1-pve',
          version: '#1 SMP PREEMPT_DYNAMIC PMX 6.17.2-1 (2025-11-05T09:12Z)',
          machine: 'x86_64',
        },
        'boot-info': { mode: 'efi', secureboot: 0 },
      });
    }),
    ...guestRoutes(ctx, 'qemu'),
    ...guestRoutes(ctx, 'lxc'),
    ...pveNodeRoutes(m),
  ];
}

/** Privilege PVE would name in a 403 for this path. */
function missingPrivilege(path: string): string {
  const vm = /^\/nodes\/[^/]+\/(?:qemu|lxc)\/(\d+)/.exec(path);
  if (vm) return `/vms/${vm[1]}, VM.Audit`;
  const st = /^\/nodes\/[^/]+\/storage\/([^/]+)/.exec(path);
  if (st) return `/storage/${st[1]}, Datastore.Audit`;
  const node = /^\/nodes\/([^/]+)/.exec(path);
  return node ? `/nodes/${node[1]}, Sys.Audit` : '/, Sys.Audit';
}

/** Answers one authenticated request the way the endpoint of ctx.local would. */
export function handlePve(ctx: PveContext, routes: Route[], req: Request, auth: AuthResult): Reply {
  if (auth.limited && req.path !== '/version')
    return fail(403, `Permission check failed (${missingPrivilege(req.path)})`);
  const target = /^\/nodes\/([^/]+)\//.exec(req.path)?.[1];
  if (target !== undefined && target !== ctx.local) {
    const n = ctx.model.pve.nodes.find((x) => x.name === target);
    if (!n)
      return fail(
        500,
        `hostname lookup '${target}' failed - failed to get address info for: ${target}: Name or service not known`,
      );
    if (!n.online) return fail(595, 'No route to host');
  }
  return dispatch(routes, req) ?? fail(501, `Method '${req.method} ${req.path}' not implemented`);
}
