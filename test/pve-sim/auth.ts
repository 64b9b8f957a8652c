// API tokens, ticket login and CSRF exactly as each product checks them, with the products' own failure texts.
import { randomBytes } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { hex8 } from './clock.ts';
import { fail, ok, type Product, type Reply, type Request } from './reply.ts';

export interface TokenCredential {
  /** user@realm!tokenid */
  tokenName: string;
  tokenValue: string;
}

export interface UserCredential {
  /** user@realm */
  user: string;
  password: string;
}

export type AuthKind = 'token' | 'ticket' | 'none';

export interface AuthResult {
  kind: AuthKind;
  /** Set when the request must be refused with this reply. */
  deny?: Reply;
  /** A token or user without audit privileges: data paths answer 403. */
  limited: boolean;
  userid?: string;
}

export interface Auth {
  login(req: Request): Reply;
  check(headers: IncomingHttpHeaders, method: string): AuthResult;
  /** Every ticket issued so far answers 401 from now on. */
  expireTickets(): void;
}

const PREFIX: Record<Product, string> = { pve: 'PVE', pbs: 'PBS', pmg: 'PMG' };
/** PVE separates token id and secret with '=', PBS and PMG with ':'; PBS also accepts a space after the scheme. */
const TOKEN_RE: Record<Product, RegExp> = {
  pve: /^PVEAPIToken=([^\s!]+@[^\s!]+)!([^\s=]+)=(\S+)$/,
  pbs: /^PBSAPIToken[= ]([^\s!]+@[^\s!]+)!([^\s:]+):(\S+)$/,
  pmg: /^PMGAPIToken=([^\s!]+@[^\s!]+)!([^\s:]+):(\S+)$/,
};
const TICKET_LIFETIME = 7200;

function messages(product: Product) {
  return product === 'pbs'
    ? {
        none: 'authentication failed - no authentication credentials provided.',
        bad: 'authentication failed - invalid credentials',
        csrf: 'authentication failed - invalid csrf token',
      }
    : { none: 'No ticket', bad: 'authentication failure', csrf: 'Permission denied - invalid csrf token' };
}

function cookie(headers: IncomingHttpHeaders, name: string): string | undefined {
  for (const part of (headers.cookie ?? '').split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === name) return decodeURIComponent(v.join('='));
  }
  return undefined;
}

export function createAuth(
  product: Product,
  now: () => number,
  users: UserCredential[],
  tokens: (TokenCredential & { limited?: boolean })[],
): Auth {
  const msg = messages(product);
  const tickets = new Map<string, { userid: string; csrf: string; issued: number }>();
  return {
    login(req) {
      const realm = req.body.realm;
      const raw = req.body.username ?? '';
      const userid = realm && !raw.includes('@') ? `${raw}@${realm}` : raw;
      const user = users.find((u) => u.user === userid && u.password === req.body.password);
      if (!user) return fail(401, msg.bad);
      const issued = now();
      const ticket = `${PREFIX[product]}:${userid}:${hex8(issued)}::${randomBytes(48).toString('base64')}`;
      const csrf = `${hex8(issued)}:${randomBytes(32).toString('base64').replace(/=+$/, '')}`;
      tickets.set(ticket, { userid, csrf, issued });
      const data: Record<string, unknown> = { username: userid, ticket, CSRFPreventionToken: csrf };
      if (product === 'pmg') data.role = 'admin';
      if (product === 'pve') data.cap = { nodes: { 'Sys.Audit': 1 }, vms: { 'VM.Audit': 1 } };
      return ok(data);
    },
    check(headers, method) {
      const authz = headers.authorization;
      if (authz) {
        const m = TOKEN_RE[product].exec(authz);
        const t = m && tokens.find((x) => x.tokenName === `${m[1]}!${m[2]}` && x.tokenValue === m[3]);
        if (!t) return { kind: 'token', limited: false, deny: fail(401, msg.bad) };
        return { kind: 'token', limited: t.limited === true, userid: t.tokenName };
      }
      const value = cookie(headers, `${PREFIX[product]}AuthCookie`);
      if (value === undefined) return { kind: 'none', limited: false, deny: fail(401, msg.none) };
      const t = tickets.get(value);
      if (!t || now() - t.issued > TICKET_LIFETIME) {
        return { kind: 'ticket', limited: false, deny: fail(401, msg.bad) };
      }
      if (method !== 'GET' && headers.csrfpreventiontoken !== t.csrf) {
        return { kind: 'ticket', limited: false, deny: fail(401, msg.csrf) };
      }
      return { kind: 'ticket', limited: false, userid: t.userid };
    },
    expireTickets() {
      tickets.clear();
    },
  };
}
