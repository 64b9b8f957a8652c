// Server configuration, read from the environment once at start and passed down.
import { DEFAULT_PORT, LOG_LEVELS } from '@pulse/shared';
import { z } from 'zod';
import type { MetricsRetention } from './history/tiers.ts';
import { DEFAULT_SOCKET_LIMITS, type SocketLimits } from './http/socket-limits.ts';
import type { AgentLimits } from './sources/agents/agent-limits.ts';

const tokenList = z
  .string()
  .optional()
  .transform((s) =>
    (s ?? '')
      .split(',')
      .map((t) => t.trim())
      .filter((t) => t.length > 0),
  );

const EnvSchema = z.object({
  // 0 asks the OS for a free port (tests); the chosen one is logged.
  PORT: z.coerce.number().int().min(0).max(65535).default(DEFAULT_PORT),
  BIND_ADDRESS: z.string().min(1).default('0.0.0.0'),
  PULSE_DATA_DIR: z.string().min(1).default('./data'),
  API_TOKENS: tokenList,
  API_TOKEN: tokenList,
  LOG_LEVEL: z.enum(LOG_LEVELS).default('info'),
  // Proxmox poll cadence in seconds, and how many PVE cycles pass between backup reads.
  PVE_POLLING_INTERVAL: z.coerce.number().int().min(5).max(3600).default(10),
  PBS_POLLING_INTERVAL: z.coerce.number().int().min(10).max(3600).default(60),
  PMG_POLLING_INTERVAL: z.coerce.number().int().min(10).max(3600).default(60),
  BACKUP_POLLING_CYCLES: z.coerce.number().int().min(1).max(1000).default(10),
  // Metrics history retention per tier (the seeds' metricsRetention* system settings).
  METRICS_RETENTION_RAW_HOURS: z.coerce.number().int().min(1).max(168).default(2),
  METRICS_RETENTION_MINUTE_HOURS: z.coerce
    .number()
    .int()
    .min(1)
    .max(24 * 90)
    .default(24),
  METRICS_RETENTION_HOURLY_DAYS: z.coerce.number().int().min(1).max(365).default(7),
  METRICS_RETENTION_DAILY_DAYS: z.coerce.number().int().min(1).max(3650).default(90),
  // Slow-client limits (see http/socket-limits.ts): open sockets per client address (0 = no cap; raise
  // it behind a reverse proxy, where every client shares the proxy's address) and the time a client
  // may take to send one whole request. The floor stays above the 20 s headers timeout.
  PULSE_MAX_CONNECTIONS_PER_IP: z.coerce.number().int().min(0).max(100_000).default(64),
  PULSE_REQUEST_TIMEOUT_SECONDS: z.coerce.number().int().min(30).max(3600).default(120),
  // What one API token may create: host agents and Kubernetes clusters, and containers per Docker host.
  PULSE_MAX_HOSTS_PER_TOKEN: z.coerce.number().int().min(1).max(1_000_000).default(1000),
  PULSE_MAX_CONTAINERS_PER_HOST: z.coerce.number().int().min(1).max(1_000_000).default(1000),
});

export interface ServerConfig {
  port: number;
  bindAddress: string;
  dataDir: string;
  /** Raw tokens from API_TOKEN and API_TOKENS, merged without duplicates. */
  envTokens: string[];
  logLevel: z.infer<typeof EnvSchema>['LOG_LEVEL'];
  pollIntervals: { pveMs: number; pbsMs: number; pmgMs: number; backupEveryCycles: number };
  metricsRetention: MetricsRetention;
  socketLimits: SocketLimits;
  agentLimits: AgentLimits;
}

export function parseConfig(env: Record<string, string | undefined>): ServerConfig {
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new Error(`invalid configuration: ${problems}`);
  }
  const e = parsed.data;
  return {
    port: e.PORT,
    bindAddress: e.BIND_ADDRESS,
    dataDir: e.PULSE_DATA_DIR,
    envTokens: [...new Set([...e.API_TOKENS, ...e.API_TOKEN])],
    logLevel: e.LOG_LEVEL,
    pollIntervals: {
      pveMs: e.PVE_POLLING_INTERVAL * 1000,
      pbsMs: e.PBS_POLLING_INTERVAL * 1000,
      pmgMs: e.PMG_POLLING_INTERVAL * 1000,
      backupEveryCycles: e.BACKUP_POLLING_CYCLES,
    },
    metricsRetention: {
      rawHours: e.METRICS_RETENTION_RAW_HOURS,
      minuteHours: e.METRICS_RETENTION_MINUTE_HOURS,
      hourlyDays: e.METRICS_RETENTION_HOURLY_DAYS,
      dailyDays: e.METRICS_RETENTION_DAILY_DAYS,
    },
    socketLimits: {
      ...DEFAULT_SOCKET_LIMITS,
      maxConnectionsPerIp: e.PULSE_MAX_CONNECTIONS_PER_IP,
      requestTimeoutMs: e.PULSE_REQUEST_TIMEOUT_SECONDS * 1000,
    },
    agentLimits: {
      maxHostsPerToken: e.PULSE_MAX_HOSTS_PER_TOKEN,
      maxContainersPerHost: e.PULSE_MAX_CONTAINERS_PER_HOST,
    },
  };
}
