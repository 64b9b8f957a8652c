// The slice of the Proxmox HTTP client the collectors use.
export type { ProxmoxApi, Query } from '../client/types.ts';
