// Bodies and answers of /api/config/nodes: configured Proxmox VE, Backup Server and Mail Gateway connections.
import { z } from 'zod';

export const PROXMOX_TYPES = ['pve', 'pbs', 'pmg'] as const;
export const ProxmoxType = z.enum(PROXMOX_TYPES);
export type ProxmoxType = z.infer<typeof ProxmoxType>;

const HOST_PATTERN = /^(https?:\/\/)?(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+)(:\d{1,5})?(\/[^\s]*)?$/;

const Host = z
  .string()
  .trim()
  .min(1, 'must not be empty')
  .max(255)
  .refine((h) => HOST_PATTERN.test(h), 'must be a host name, an IP address or an https:// URL');

/** SHA-256 of the server's leaf certificate: 64 hex digits, colons allowed. */
const Fingerprint = z
  .string()
  .trim()
  .transform((s) => s.replace(/[:\s]/g, '').toLowerCase())
  .refine((s) => s === '' || /^[0-9a-f]{64}$/.test(s), 'must be a SHA-256 fingerprint (64 hex digits)');

const UserAtRealm = z
  .string()
  .trim()
  .regex(/^[^@\s!]+@[^@\s!]+$/, "must be 'user@realm' (for example root@pam)");

/** Options every type understands plus the per-product monitor switches; absent means the default. */
const Toggles = {
  monitorVMs: z.boolean().optional(),
  monitorContainers: z.boolean().optional(),
  monitorStorage: z.boolean().optional(),
  monitorBackups: z.boolean().optional(),
  monitorPhysicalDisks: z.boolean().optional(),
  physicalDiskPollingMinutes: z.number().int().min(1).max(1440).optional(),
  temperatureMonitoringEnabled: z.boolean().optional(),
  disableCeph: z.boolean().optional(),
  monitorDatastores: z.boolean().optional(),
  monitorSyncJobs: z.boolean().optional(),
  monitorVerifyJobs: z.boolean().optional(),
  monitorPruneJobs: z.boolean().optional(),
  monitorGarbageJobs: z.boolean().optional(),
  monitorMailStats: z.boolean().optional(),
  monitorQueues: z.boolean().optional(),
  monitorQuarantine: z.boolean().optional(),
  monitorDomainStats: z.boolean().optional(),
  disabled: z.boolean().optional(),
};

export const NodeToggles = z.object(Toggles);
export type NodeToggles = z.infer<typeof NodeToggles>;

const Fields = {
  type: ProxmoxType,
  name: z.string().trim().min(1, 'must not be empty').max(100),
  host: Host,
  guestURL: z.string().trim().max(255).optional(),
  user: UserAtRealm.optional(),
  password: z.string().min(1, 'must not be empty').max(1024).optional(),
  tokenName: z
    .string()
    .trim()
    .min(1, 'must not be empty')
    .max(200)
    .regex(/^([^@\s!]+@[^@\s!]+!)?[A-Za-z0-9][A-Za-z0-9._-]*$/, "must be 'user@realm!tokenid' or a token id")
    .optional(),
  tokenValue: z.string().min(1, 'must not be empty').max(1024).optional(),
  verifySSL: z.boolean().optional(),
  fingerprint: Fingerprint.optional(),
  ...Toggles,
};

interface AuthFields {
  user?: string | undefined;
  password?: string | undefined;
  tokenName?: string | undefined;
  tokenValue?: string | undefined;
}

/** Password or token, never half of one; a bare token id needs `user`. */
function checkAuth(v: AuthFields, ctx: z.RefinementCtx, requireSome: boolean): void {
  const hasToken = v.tokenName !== undefined || v.tokenValue !== undefined;
  if (hasToken) {
    if (v.tokenName === undefined)
      ctx.addIssue({ code: 'custom', path: ['tokenName'], message: 'is required with tokenValue' });
    if (v.tokenValue === undefined)
      ctx.addIssue({ code: 'custom', path: ['tokenValue'], message: 'is required with tokenName' });
    if (v.tokenName !== undefined && !v.tokenName.includes('!') && v.user === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['user'],
        message: "is required when tokenName is a bare token id (or use 'user@realm!tokenid')",
      });
    }
    return;
  }
  if (v.password !== undefined && v.user === undefined) {
    ctx.addIssue({ code: 'custom', path: ['user'], message: 'is required with password' });
  }
  if (requireSome && v.password === undefined) {
    ctx.addIssue({
      code: 'custom',
      path: ['password'],
      message: 'give user and password, or tokenName and tokenValue',
    });
  }
}

export const NodeConfigRequest = z.strictObject(Fields).superRefine((v, ctx) => checkAuth(v, ctx, true));
export type NodeConfigRequest = z.infer<typeof NodeConfigRequest>;

/** PUT: every field optional; secrets left out keep their stored value. */
export const NodeConfigUpdate = z
  .strictObject({
    ...Fields,
    type: ProxmoxType.optional(),
    name: Fields.name.optional(),
    host: Host.optional(),
  })
  .superRefine((v, ctx) => checkAuth(v, ctx, false));
export type NodeConfigUpdate = z.infer<typeof NodeConfigUpdate>;

/** test-connection and test-config take the same body as a new node; the name may be left out. */
export const NodeTestRequest = z
  .strictObject({ ...Fields, name: Fields.name.optional() })
  .superRefine((v, ctx) => checkAuth(v, ctx, true));
export type NodeTestRequest = z.infer<typeof NodeTestRequest>;

export const ClusterEndpoint = z.object({
  nodeName: z.string(),
  host: z.string(),
  ip: z.string().optional(),
  online: z.boolean(),
  fingerprint: z.string().optional(),
});
export type ClusterEndpoint = z.infer<typeof ClusterEndpoint>;

/** What GET answers: secrets are never included, only whether they are set. */
export const NodeConfigView = z.object({
  id: z.string(),
  type: ProxmoxType,
  name: z.string(),
  host: z.string(),
  guestURL: z.string().optional(),
  user: z.string().optional(),
  tokenName: z.string().optional(),
  hasPassword: z.boolean(),
  hasToken: z.boolean(),
  verifySSL: z.boolean(),
  fingerprint: z.string().optional(),
  ...Toggles,
  isCluster: z.boolean(),
  clusterName: z.string().optional(),
  clusterEndpoints: z.array(ClusterEndpoint),
  status: z.enum(['connected', 'disconnected', 'pending', 'disabled']),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type NodeConfigView = z.infer<typeof NodeConfigView>;
