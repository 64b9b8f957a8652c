// Public surface of the Proxmox VE / Backup Server / Mail Gateway API clients.
export { TICKET_LIFETIME_MS, tokenAuthorization } from './auth.ts';
export {
  ClusterClient,
  type ClusterClientOptions,
  type ClusterEndpoint,
  type EndpointHealth,
  PROBE_TIMEOUT_MS,
  RATE_LIMIT_BASE_MS,
  RATE_LIMIT_JITTER_MS,
  RATE_LIMIT_RETRY_BUDGET,
  REPROBE_INTERVAL_MS,
} from './cluster-client.ts';
export {
  type ClusterInfo,
  type ConnectionReport,
  type ConnectionStep,
  type StepName,
  testConnection,
} from './diagnose.ts';
export {
  type ClientTuning,
  CONNECT_TIMEOUT_MS,
  DEFAULT_TIMEOUT_MS,
  HEADERS_TIMEOUT_MS,
  ProxmoxClient,
} from './endpoint-client.ts';
export { isGuestAgentError, isTransientFailure, ProxmoxError, type ProxmoxErrorKind } from './errors.ts';
export {
  type AuthMethod,
  defaultPort,
  formatFingerprint,
  isValidFingerprint,
  normalizeBaseUrl,
  normalizeFingerprint,
  parseTokenId,
  resolveAuth,
} from './normalize.ts';
export { type PeerCertificate, readPeerCertificate } from './tls.ts';
export type { EndpointOptions, ProxmoxApi, ProxmoxCredentials, ProxmoxProduct, Query } from './types.ts';
