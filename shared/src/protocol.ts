// Paths, headers, limits and intervals that the agent and the server must agree on.

export const DEFAULT_PORT = 7655;

export const PATHS = {
  hostReport: '/api/agents/host/report',
  hostReportAlias: '/api/agents/agent/report',
  dockerReport: '/api/agents/docker/report',
  kubernetesReport: '/api/agents/kubernetes/report',
} as const;

export const HEADERS = {
  apiToken: 'X-API-Token',
  requestId: 'X-Request-ID',
  setupToken: 'X-Setup-Token',
} as const;

export const LIMITS = {
  /** Host report: compressed (or plain) bytes on the wire. */
  hostReportWireBytes: 256 * 1024,
  /** Host report: bytes after gzip decoding. */
  hostReportDecodedBytes: 1.5 * 1024 * 1024,
  /** Any other JSON body the API accepts. */
  defaultBodyBytes: 64 * 1024,
} as const;

export const HOST_DEFAULT_INTERVAL_SECONDS = 30;

/** Docker hosts and Kubernetes clusters are offline after clamp(interval × 4, 30 s, 10 min). */
export function containerAgentOfflineAfterMs(intervalSeconds: number | undefined): number {
  const interval = intervalSeconds && intervalSeconds > 0 ? intervalSeconds : HOST_DEFAULT_INTERVAL_SECONDS;
  return Math.min(Math.max(interval * 4 * 1000, 30_000), 600_000);
}

/** A host agent is offline after clamp(interval × 6, 60 s, 10 min) without a report. */
export function hostOfflineAfterMs(intervalSeconds: number | undefined): number {
  const interval = intervalSeconds && intervalSeconds > 0 ? intervalSeconds : HOST_DEFAULT_INTERVAL_SECONDS;
  return Math.min(Math.max(interval * 6 * 1000, 60_000), 600_000);
}

/** Docker and Kubernetes reports: 2 MiB on the wire, 10 MiB decoded. */
export const CONTAINER_REPORT_LIMITS = {
  wireBytes: 2 * 1024 * 1024,
  decodedBytes: 10 * 1024 * 1024,
} as const;

/**
 * Length caps for report strings. Every string a report carries has one, so a single field cannot grow
 * the live state (and every answer that projects it) past what a real agent sends. The agent cuts its
 * own strings to the same numbers, so its reports always fit.
 */
export const STRING_LIMITS = {
  /** RFC 1035: a full DNS name is at most 253 characters. */
  hostname: 253,
  /** Names, ids, labels, versions, states: anything a person reads as one token. */
  name: 256,
  /** Free text: messages, errors, commands, env entries. */
  text: 4096,
} as const;
