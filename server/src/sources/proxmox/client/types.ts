// The shapes shared by the Proxmox VE, Backup Server and Mail Gateway clients.

export type ProxmoxProduct = 'pve' | 'pbs' | 'pmg';

/** Either an API token (tokenName + tokenValue) or a password login (user + password). */
export interface ProxmoxCredentials {
  user?: string;
  password?: string;
  /** `user@realm!id`, or just `id` together with `user`. */
  tokenName?: string;
  tokenValue?: string;
}

export interface EndpointOptions {
  product: ProxmoxProduct;
  /** A host, host:port or URL; normalised by `normalizeBaseUrl`. */
  baseUrl: string;
  credentials: ProxmoxCredentials;
  verifySSL: boolean;
  /** SHA-256 of the leaf certificate; when set it replaces CA verification. */
  fingerprint?: string;
  /** Default overall time for one call (60 s when omitted). */
  timeoutMs?: number;
}

export type Query = Record<string, string | number | boolean | undefined>;

/** What pollers depend on: returns the unwrapped `data` of the /api2/json envelope. */
export interface ProxmoxApi {
  get<T = unknown>(path: string, query?: Query, opts?: { timeoutMs?: number }): Promise<T>;
  post<T = unknown>(path: string, form?: Query): Promise<T>;
}
