// Configured Proxmox connections: persisted with sealed secrets, kept in memory, announced on change.
import type {
  ClusterEndpoint,
  NodeConfigRequest,
  NodeConfigUpdate,
  NodeToggles,
  ProxmoxType,
} from '@pulse/shared';
import { eq } from 'drizzle-orm';
import type { Clock } from '../../clock.ts';
import type { Db } from '../../db/client.ts';
import { proxmoxInstances } from '../../db/schema/index.ts';
import { ApiError } from '../../http/errors.ts';
import type { SecretBox } from '../../security/secret-box.ts';

export interface ClusterInfo {
  isCluster: boolean;
  name?: string | undefined;
  endpoints: ClusterEndpoint[];
}

export interface ProxmoxInstance {
  id: string;
  type: ProxmoxType;
  name: string;
  host: string;
  guestURL?: string | undefined;
  user?: string | undefined;
  tokenName?: string | undefined;
  hasPassword: boolean;
  hasToken: boolean;
  verifySSL: boolean;
  fingerprint?: string | undefined;
  options: NodeToggles;
  cluster: ClusterInfo;
  createdAt: number;
  updatedAt: number;
}

export interface InstanceSecrets {
  password?: string | undefined;
  tokenValue?: string | undefined;
}

export type InstanceEvent = { kind: 'saved'; instance: ProxmoxInstance } | { kind: 'removed'; id: string };

type Row = typeof proxmoxInstances.$inferSelect;

const TOGGLE_KEYS = [
  'monitorVMs',
  'monitorContainers',
  'monitorStorage',
  'monitorBackups',
  'monitorPhysicalDisks',
  'physicalDiskPollingMinutes',
  'temperatureMonitoringEnabled',
  'disableCeph',
  'monitorDatastores',
  'monitorSyncJobs',
  'monitorVerifyJobs',
  'monitorPruneJobs',
  'monitorGarbageJobs',
  'monitorMailStats',
  'monitorQueues',
  'monitorQuarantine',
  'monitorDomainStats',
  'disabled',
] as const satisfies readonly (keyof NodeToggles)[];

function pickToggles(source: Partial<NodeToggles>, base: NodeToggles = {}): NodeToggles {
  const out: Record<string, unknown> = { ...base };
  for (const key of TOGGLE_KEYS) if (source[key] !== undefined) out[key] = source[key];
  return out as NodeToggles;
}

function slug(name: string): string {
  const s = name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return s.slice(0, 40) || 'node';
}

export class InstanceStore {
  private readonly db: Db;
  private readonly box: SecretBox;
  private readonly clock: Clock;
  private readonly items = new Map<string, ProxmoxInstance>();
  private readonly sealed = new Map<string, string>();
  private readonly listeners = new Set<(event: InstanceEvent) => void>();

  private constructor(db: Db, box: SecretBox, clock: Clock) {
    this.db = db;
    this.box = box;
    this.clock = clock;
  }

  static async load(db: Db, box: SecretBox, clock: Clock): Promise<InstanceStore> {
    const store = new InstanceStore(db, box, clock);
    for (const row of await db.select().from(proxmoxInstances)) store.adopt(row);
    return store;
  }

  onChange(listener: (event: InstanceEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  list(): ProxmoxInstance[] {
    return [...this.items.values()].sort((a, b) => a.createdAt - b.createdAt || a.id.localeCompare(b.id));
  }

  get(id: string): ProxmoxInstance | undefined {
    return this.items.get(id);
  }

  /** The decrypted secrets, for the poller only. */
  secrets(id: string): InstanceSecrets {
    const sealed = this.sealed.get(id);
    if (sealed === undefined) return {};
    return JSON.parse(this.box.open(sealed)) as InstanceSecrets;
  }

  async create(req: NodeConfigRequest): Promise<ProxmoxInstance> {
    this.assertUniqueName(req.type, req.name);
    const now = this.clock.now();
    const id = this.freeId(`${req.type}-${slug(req.name)}`);
    const secrets: InstanceSecrets = req.tokenName
      ? { tokenValue: req.tokenValue }
      : { password: req.password };
    const row: Row = {
      id,
      type: req.type,
      name: req.name,
      host: req.host,
      guestUrl: req.guestURL ?? null,
      user: req.user ?? null,
      tokenName: req.tokenName ?? null,
      secret: this.box.seal(JSON.stringify(secrets)),
      verifySsl: req.verifySSL ?? false,
      fingerprint: req.fingerprint || null,
      options: JSON.stringify(pickToggles(req)),
      cluster: null,
      createdAt: now,
      updatedAt: now,
    };
    await this.db.insert(proxmoxInstances).values(row);
    return this.publish(this.adopt(row));
  }

  async update(id: string, req: NodeConfigUpdate): Promise<ProxmoxInstance> {
    const current = this.require(id);
    const type = req.type ?? current.type;
    if (req.name !== undefined && (req.name !== current.name || type !== current.type)) {
      this.assertUniqueName(type, req.name, id);
    }
    const previous = this.secrets(id);
    const switchingToToken = req.tokenName !== undefined && req.tokenValue !== undefined;
    const switchingToPassword = req.password !== undefined;
    let secrets: InstanceSecrets = previous;
    let tokenName = current.tokenName;
    if (switchingToToken) {
      secrets = { tokenValue: req.tokenValue };
      tokenName = req.tokenName;
    } else if (switchingToPassword) {
      secrets = { password: req.password };
      tokenName = undefined;
    }
    if (!secrets.password && !secrets.tokenValue) {
      throw new ApiError(
        'validation_failed',
        'Invalid body: password: give user and password, or tokenName and tokenValue',
        {
          password: 'give user and password, or tokenName and tokenValue',
        },
      );
    }
    const now = this.clock.now();
    const hostChanged = req.host !== undefined && req.host !== current.host;
    const patch = {
      type,
      name: req.name ?? current.name,
      host: req.host ?? current.host,
      guestUrl: req.guestURL !== undefined ? req.guestURL || null : (current.guestURL ?? null),
      user: req.user ?? current.user ?? null,
      tokenName: tokenName ?? null,
      secret: this.box.seal(JSON.stringify(secrets)),
      verifySsl: req.verifySSL ?? current.verifySSL,
      fingerprint: req.fingerprint !== undefined ? req.fingerprint || null : (current.fingerprint ?? null),
      options: JSON.stringify(pickToggles(req, current.options)),
      // A new address or product means the old discovery no longer describes it.
      cluster: hostChanged || type !== current.type ? null : JSON.stringify(current.cluster),
      updatedAt: now,
    };
    await this.db.update(proxmoxInstances).set(patch).where(eq(proxmoxInstances.id, id));
    return this.publish(this.adopt({ id, createdAt: current.createdAt, ...patch }));
  }

  async setCluster(id: string, cluster: ClusterInfo): Promise<ProxmoxInstance | undefined> {
    const current = this.items.get(id);
    if (!current) return undefined;
    if (JSON.stringify(current.cluster) === JSON.stringify(cluster)) return current;
    const updatedAt = this.clock.now();
    await this.db
      .update(proxmoxInstances)
      .set({ cluster: JSON.stringify(cluster), updatedAt })
      .where(eq(proxmoxInstances.id, id));
    const next = { ...current, cluster, updatedAt };
    this.items.set(id, next);
    return next;
  }

  async remove(id: string): Promise<void> {
    this.require(id);
    await this.db.delete(proxmoxInstances).where(eq(proxmoxInstances.id, id));
    this.items.delete(id);
    this.sealed.delete(id);
    for (const listener of this.listeners) listener({ kind: 'removed', id });
  }

  require(id: string): ProxmoxInstance {
    const found = this.items.get(id);
    if (!found) throw new ApiError('not_found', `No configured node with id '${id}'`);
    return found;
  }

  private publish(instance: ProxmoxInstance): ProxmoxInstance {
    for (const listener of this.listeners) listener({ kind: 'saved', instance });
    return instance;
  }

  private assertUniqueName(type: ProxmoxType, name: string, except?: string): void {
    const clash = [...this.items.values()].find(
      (i) => i.type === type && i.id !== except && i.name.toLowerCase() === name.toLowerCase(),
    );
    if (clash)
      throw new ApiError('conflict', `A ${type} node named '${name}' already exists (id '${clash.id}')`);
  }

  private freeId(base: string): string {
    let id = base;
    for (let n = 2; this.items.has(id); n++) id = `${base}-${n}`;
    return id;
  }

  private adopt(row: Row): ProxmoxInstance {
    const secrets = JSON.parse(this.box.open(row.secret)) as InstanceSecrets;
    const instance: ProxmoxInstance = {
      id: row.id,
      type: row.type as ProxmoxType,
      name: row.name,
      host: row.host,
      guestURL: row.guestUrl ?? undefined,
      user: row.user ?? undefined,
      tokenName: row.tokenName ?? undefined,
      hasPassword: Boolean(secrets.password),
      hasToken: Boolean(secrets.tokenValue),
      verifySSL: row.verifySsl,
      fingerprint: row.fingerprint ?? undefined,
      options: JSON.parse(row.options) as NodeToggles,
      cluster: row.cluster ? (JSON.parse(row.cluster) as ClusterInfo) : { isCluster: false, endpoints: [] },
      createdAt: row.createdAt,
      updatedAt: row.updatedAt,
    };
    this.items.set(row.id, instance);
    this.sealed.set(row.id, row.secret);
    return instance;
  }
}
