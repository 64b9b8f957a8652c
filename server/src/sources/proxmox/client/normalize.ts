// Turns what a user typed (host, fingerprint, token name) into the canonical forms the clients use.
import type { ProxmoxCredentials, ProxmoxProduct } from './types.ts';

const DEFAULT_PORT: Record<ProxmoxProduct, number> = { pve: 8006, pbs: 8007, pmg: 8006 };

export function defaultPort(product: ProxmoxProduct): number {
  return DEFAULT_PORT[product];
}

/**
 * `192.168.1.10` → `https://192.168.1.10:8006` (8007 for PBS). An explicit scheme or port is kept; a missing
 * port always gets the product's default, so a reverse proxy on 443 must be written as `host:443`.
 * User info is dropped so a URL with a password never becomes the endpoint name shown in errors.
 */
export function normalizeBaseUrl(product: ProxmoxProduct, input: string): string {
  let rest = input.trim();
  if (rest === '') throw new Error('Proxmox host is empty');
  let scheme = 'https';
  const schemeMatch = /^([a-z][a-z0-9+.-]*):\/\//i.exec(rest);
  if (schemeMatch?.[1]) {
    scheme = schemeMatch[1].toLowerCase();
    rest = rest.slice(schemeMatch[0].length);
  }
  if (scheme !== 'https' && scheme !== 'http')
    throw new Error(`Unsupported scheme "${scheme}" in "${input}"`);
  const pathStart = rest.search(/[/?#]/);
  let authority = pathStart === -1 ? rest : rest.slice(0, pathStart);
  let path = pathStart === -1 ? '' : rest.slice(pathStart).replace(/[?#].*$/, '');
  const at = authority.lastIndexOf('@');
  if (at !== -1) authority = authority.slice(at + 1);
  const { host, port } = splitAuthority(authority);
  if (host === '' || host === '[]') throw new Error(`No host in "${input}"`);
  path = path
    .replace(/\/+$/, '')
    .replace(/\/api2\/json$/i, '')
    .replace(/\/+$/, '');
  return `${scheme}://${host}:${port ?? defaultPort(product)}${path}`;
}

function splitAuthority(authority: string): { host: string; port: number | undefined } {
  const bracketed = /^(\[[^\]]*\])(?::(\d+))?$/.exec(authority);
  if (bracketed?.[1]) return { host: bracketed[1].toLowerCase(), port: parsePort(bracketed[2]) };
  const colons = authority.split(':').length - 1;
  // Two or more colons without brackets can only be a bare IPv6 address.
  if (colons > 1) return { host: `[${authority.toLowerCase()}]`, port: undefined };
  const [host = '', port] = authority.split(':');
  return { host: host.toLowerCase(), port: parsePort(port) };
}

function parsePort(text: string | undefined): number | undefined {
  if (text === undefined || text === '') return undefined;
  const port = Number(text);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error(`Invalid port "${text}"`);
  return port;
}

/** `AA:BB:cc dd…` → `aabbccdd…`, the form compared against the leaf certificate's SHA-256. */
export function normalizeFingerprint(input: string): string {
  return input.replace(/[\s:-]/g, '').toLowerCase();
}

export function isValidFingerprint(input: string): boolean {
  return /^[0-9a-f]{64}$/.test(normalizeFingerprint(input));
}

/** The colon-separated upper-case form the Proxmox GUI shows. */
export function formatFingerprint(hex: string): string {
  return (normalizeFingerprint(hex).match(/../g) ?? []).join(':').toUpperCase();
}

export type AuthMethod =
  | { type: 'token'; tokenId: string; secret: string }
  | { type: 'password'; user: string; password: string };

/** Picks token auth when a token secret is present, password login otherwise; throws when neither fits. */
export function resolveAuth(credentials: ProxmoxCredentials): AuthMethod {
  const { user, password, tokenName, tokenValue } = credentials;
  if (tokenValue) {
    if (!tokenName) throw new Error('An API token secret was given without a token name');
    return { type: 'token', tokenId: parseTokenId(tokenName, user), secret: tokenValue };
  }
  if (tokenName) throw new Error('An API token name was given without its secret');
  if (!user || !password)
    throw new Error('Give either an API token (name and secret) or a user and password');
  if (!user.includes('@')) throw new Error(`User "${user}" needs a realm, e.g. ${user}@pam or ${user}@pbs`);
  return { type: 'password', user, password };
}

/** `user@realm!id` is used as is; a bare `id` is joined to `user`, which must then carry its realm. */
export function parseTokenId(tokenName: string, user?: string): string {
  const name = tokenName.trim();
  const bang = name.indexOf('!');
  if (bang !== -1) {
    const owner = name.slice(0, bang);
    const id = name.slice(bang + 1);
    if (!owner.includes('@') || id === '') {
      throw new Error(`Token name "${name}" must look like user@realm!tokenid`);
    }
    return name;
  }
  if (!user) throw new Error(`Token name "${name}" has no user: write it as user@realm!${name}`);
  if (!user.includes('@')) throw new Error(`User "${user}" needs a realm, e.g. ${user}@pam!${name}`);
  if (name === '') throw new Error('Token name is empty');
  return `${user}!${name}`;
}
