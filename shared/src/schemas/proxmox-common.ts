// Shapes shared by the Proxmox VE, Backup Server and Mail Gateway entities.
import { z } from 'zod';

export const ConnectionHealth = z.enum(['healthy', 'degraded', 'error']);
export type ConnectionHealth = z.infer<typeof ConnectionHealth>;

/** Bytes; `usage` is a percent 0–100. */
export const ProxmoxMemory = z.object({
  total: z.number(),
  used: z.number(),
  free: z.number(),
  usage: z.number(),
  /** True when the source reported no usable figure (the numbers are then placeholders). */
  usageUnavailable: z.boolean().optional(),
  balloon: z.number().optional(),
  swapUsed: z.number().optional(),
  swapTotal: z.number().optional(),
});
export type ProxmoxMemory = z.infer<typeof ProxmoxMemory>;

/** Bytes; `usage` is a percent 0–100. */
export const ProxmoxDisk = z.object({
  total: z.number(),
  used: z.number(),
  free: z.number(),
  usage: z.number(),
  /** True when only the size is known (a VM without guest-agent filesystem data). */
  usageUnavailable: z.boolean().optional(),
  mountpoint: z.string().optional(),
  type: z.string().optional(),
  device: z.string().optional(),
});
export type ProxmoxDisk = z.infer<typeof ProxmoxDisk>;
