// Public system answers: /api/health and /api/version.
import { z } from 'zod';

export const HealthResponse = z.object({
  status: z.literal('healthy'),
  timestamp: z.number(),
  uptime: z.number(),
});

export const VersionResponse = z.object({
  version: z.string(),
  build: z.enum(['release', 'development']),
  buildTime: z.string().nullable(),
  runtime: z.literal('node'),
  nodeVersion: z.string(),
  channel: z.string(),
  deploymentType: z.string(),
  isDocker: z.boolean(),
  isDevelopment: z.boolean(),
});
export type VersionResponse = z.infer<typeof VersionResponse>;

export const HostLookupResponse = z.object({
  success: z.literal(true),
  host: z.object({
    id: z.string(),
    agentId: z.string(),
    hostname: z.string(),
    displayName: z.string(),
    status: z.string(),
    connected: z.boolean(),
    lastSeen: z.string(),
    agentVersion: z.string().optional(),
  }),
});

export const HostLookupQuery = z
  .object({ id: z.string().trim().min(1).optional(), hostname: z.string().trim().min(1).optional() })
  .refine((q) => q.id !== undefined || q.hostname !== undefined, {
    message: 'give either id or hostname',
    path: ['id'],
  });
