// Authorization headers per product and the shared, reusable login ticket for password auth.
import type { ProxmoxProduct } from './types.ts';

const TOKEN_SCHEME: Record<ProxmoxProduct, { prefix: string; separator: string }> = {
  pve: { prefix: 'PVEAPIToken', separator: '=' },
  pbs: { prefix: 'PBSAPIToken', separator: ':' },
  pmg: { prefix: 'PMGAPIToken', separator: ':' },
};

const COOKIE_NAME: Record<ProxmoxProduct, string> = {
  pve: 'PVEAuthCookie',
  pbs: 'PBSAuthCookie',
  pmg: 'PMGAuthCookie',
};

/** `PVEAPIToken=user@realm!id=secret`; PBS and PMG separate the secret with a colon instead. */
export function tokenAuthorization(product: ProxmoxProduct, tokenId: string, secret: string): string {
  const { prefix, separator } = TOKEN_SCHEME[product];
  return `${prefix}=${tokenId}${separator}${secret}`;
}

export function ticketCookie(product: ProxmoxProduct, ticket: string): string {
  return `${COOKIE_NAME[product]}=${ticket}`;
}

export interface Ticket {
  ticket: string;
  csrf: string;
  obtainedAt: number;
}

/** Proxmox tickets live 2 h; renew a little early so a call never carries one that expires on the way. */
export const TICKET_LIFETIME_MS = 2 * 60 * 60 * 1000 - 5 * 60 * 1000;

/** Holds one ticket; concurrent callers that find none (or an expired one) all wait on the same login. */
export class TicketSession {
  readonly #login: () => Promise<{ ticket: string; csrf: string }>;
  readonly #now: () => number;
  readonly #lifetimeMs: number;
  #current: Ticket | undefined;
  #pending: Promise<Ticket> | undefined;

  constructor(login: () => Promise<{ ticket: string; csrf: string }>, now: () => number, lifetimeMs: number) {
    this.#login = login;
    this.#now = now;
    this.#lifetimeMs = lifetimeMs;
  }

  get(): Promise<Ticket> {
    const current = this.#current;
    if (current && this.#now() - current.obtainedAt < this.#lifetimeMs) return Promise.resolve(current);
    if (!this.#pending) {
      const pending = this.#login().then((fresh) => {
        const ticket = { ...fresh, obtainedAt: this.#now() };
        this.#current = ticket;
        return ticket;
      });
      this.#pending = pending;
      const clear = () => {
        if (this.#pending === pending) this.#pending = undefined;
      };
      pending.then(clear, clear);
    }
    return this.#pending;
  }

  /** Forgets `stale` after the server refused it; a ticket another caller already renewed is kept. */
  invalidate(stale: Ticket): void {
    if (this.#current === stale) this.#current = undefined;
  }

  /** Every secret the session holds, so error messages can be scrubbed of them. */
  secrets(): string[] {
    return this.#current ? [this.#current.ticket, this.#current.csrf] : [];
  }
}
