// Public surface of @pulse/shared: wire schemas, scopes and protocol constants.
export * from './log.ts';
export * from './protocol.ts';
export * from './schemas/docker-report.ts';
export * from './schemas/docker-state.ts';
export * from './schemas/error.ts';
export * from './schemas/host-metadata.ts';
export * from './schemas/host-report.ts';
export * from './schemas/host-state.ts';
export * from './schemas/kubernetes-report.ts';
export * from './schemas/kubernetes-state.ts';
export * from './schemas/proxmox-config.ts';
export * from './schemas/resource.ts';
export * from './schemas/state-response.ts';
export * from './schemas/system.ts';
export * from './schemas/tokens.ts';
export * from './scopes.ts';
