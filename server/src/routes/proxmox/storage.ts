// GET /api/storage/ and /api/storage/{id}: Proxmox storage with per-node and cluster totals.
import type { ProxmoxStorage } from '@pulse/shared';
import type { AppDeps } from '../../deps.ts';
import { ApiError } from '../../http/errors.ts';
import { pathParam, type RouteSpec, route } from '../route.ts';

interface Totals {
  total: number;
  used: number;
  free: number;
  usage: number;
  count: number;
}

function totals(list: readonly ProxmoxStorage[]): Totals {
  const t = { total: 0, used: 0, free: 0, usage: 0, count: list.length };
  for (const s of list) {
    if (!s.enabled || !s.active) continue;
    t.total += s.total;
    t.used += s.used;
    t.free += s.free;
  }
  t.usage = t.total > 0 ? Number(((t.used / t.total) * 100).toFixed(2)) : 0;
  return t;
}

export function storageRoutes({ state }: AppDeps): RouteSpec[] {
  const list = () => state.storage.list().sort((a, b) => a.id.localeCompare(b.id));
  // strict:false routing serves /api/storage and /api/storage/ alike.
  const handler: Parameters<typeof route>[3] = (c) => {
    const storage = list();
    const byNode: Record<string, Totals> = {};
    for (const node of new Set(storage.filter((s) => !s.shared).map((s) => s.node))) {
      byNode[node] = totals(storage.filter((s) => !s.shared && s.node === node));
    }
    return c.json({
      storage,
      summary: { all: totals(storage), shared: totals(storage.filter((s) => s.shared)), byNode },
      cephClusters: state.cephClusters.list(),
    });
  };
  return [
    route('GET', '/api/storage', 'monitoring:read', handler),
    route('GET', '/api/storage/:id', 'monitoring:read', (c) => {
      const id = pathParam(c, 'id');
      const found = state.storage.get(id);
      if (!found) throw new ApiError('not_found', `No storage with id '${id}'`);
      return c.json(found);
    }),
  ];
}
