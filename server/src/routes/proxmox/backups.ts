// Backups and snapshots: PVE storage backups and vzdump tasks, PBS snapshots, guest snapshots, and one
// combined list across both for the backups page.
import type { PbsBackup, PveStorageBackup } from '@pulse/shared';
import { z } from 'zod';
import type { AppDeps } from '../../deps.ts';
import { parseQuery } from '../../http/body.ts';
import { type RouteSpec, route } from '../route.ts';

export interface UnifiedBackup {
  id: string;
  source: 'pve' | 'pbs';
  /** vm | ct | host */
  type: string;
  vmid: string;
  instance: string;
  node?: string;
  /** Storage (PVE) or datastore (PBS). */
  location: string;
  namespace?: string;
  /** Unix ms. */
  time: number;
  size: number;
  protected: boolean;
  verified: boolean;
  encrypted: boolean;
  notes?: string;
}

const UnifiedQuery = z.object({
  source: z.enum(['pve', 'pbs']).optional(),
  type: z.enum(['vm', 'ct', 'host']).optional(),
  vmid: z
    .string()
    .regex(/^[A-Za-z0-9._-]{1,64}$/, 'must be a guest id or host name')
    .optional(),
  limit: z.coerce.number().int().min(1).max(10_000).default(1_000),
});

const SnapshotQuery = z.object({
  vmid: z.coerce.number().int().min(1).optional(),
  node: z.string().max(100).optional(),
});

function fromPve(b: PveStorageBackup): UnifiedBackup {
  return {
    id: b.id,
    source: 'pve',
    type: b.type === 'qemu' ? 'vm' : b.type === 'lxc' ? 'ct' : 'host',
    vmid: String(b.vmid),
    instance: b.instance,
    node: b.node,
    location: b.storage,
    time: b.time,
    size: b.size,
    protected: b.protected,
    verified: b.verified,
    encrypted: b.encrypted,
    ...(b.notes ? { notes: b.notes } : {}),
  };
}

function fromPbs(b: PbsBackup): UnifiedBackup {
  return {
    id: b.id,
    source: 'pbs',
    type: b.backupType,
    vmid: b.vmid,
    instance: b.instance,
    location: b.datastore,
    namespace: b.namespace,
    time: b.backupTime,
    size: b.size,
    protected: b.protected,
    verified: b.verified,
    encrypted: b.encrypted,
    ...(b.comment ? { notes: b.comment } : {}),
  };
}

export function backupRoutes({ proxmoxLists: lists }: AppDeps): RouteSpec[] {
  const pve = () => ({
    backupTasks: lists.all('backupTasks'),
    storageBackups: lists.all<PveStorageBackup>('storageBackups'),
    guestSnapshots: lists.all('guestSnapshots'),
  });
  const pbs = () => ({ instances: lists.all('pbs'), backups: lists.all<PbsBackup>('pbsBackups') });
  return [
    route('GET', '/api/backups', 'monitoring:read', (c) =>
      c.json({
        backups: { pve: lists.all('storageBackups'), pbs: lists.all('pbsBackups'), pmg: [] },
        pveBackups: pve(),
      }),
    ),
    route('GET', '/api/backups/pve', 'monitoring:read', (c) => c.json(pve())),
    route('GET', '/api/backups/pbs', 'monitoring:read', (c) => c.json(pbs())),
    route('GET', '/api/backups/unified', 'monitoring:read', (c) => {
      const q = parseQuery(UnifiedQuery, c.req.query());
      const all = [
        ...(q.source === 'pbs' ? [] : lists.all<PveStorageBackup>('storageBackups').map(fromPve)),
        ...(q.source === 'pve' ? [] : lists.all<PbsBackup>('pbsBackups').map(fromPbs)),
      ]
        .filter((b) => (q.type ? b.type === q.type : true) && (q.vmid ? b.vmid === q.vmid : true))
        .sort((a, b) => b.time - a.time || a.id.localeCompare(b.id));
      return c.json({ backups: all.slice(0, q.limit), total: all.length });
    }),
    route('GET', '/api/snapshots', 'monitoring:read', (c) => {
      const q = parseQuery(SnapshotQuery, c.req.query());
      const snapshots = lists
        .all<{ id: string; vmid: number; node: string; time: number }>('guestSnapshots')
        .filter((s) => (q.vmid ? s.vmid === q.vmid : true) && (q.node ? s.node === q.node : true))
        .sort((a, b) => b.time - a.time);
      return c.json({ snapshots, total: snapshots.length });
    }),
  ];
}
