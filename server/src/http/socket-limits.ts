// Socket-level limits of the HTTP server: how long a client may take to send a request, how long an
// idle connection stays open, and how many connections one address may hold at once.
import { Server, type ServerOptions } from 'node:http';
import type { Socket } from 'node:net';
import type { Logger } from '@pulse/shared';
import { answerClientErrors } from './client-error.ts';

export interface SocketLimits {
  /** From the first byte of a request to the end of its headers. */
  headersTimeoutMs: number;
  /** From the first byte of a request to the end of its body; a client still sending is cut off. */
  requestTimeoutMs: number;
  /** How long a kept-alive connection may sit between requests. */
  keepAliveTimeoutMs: number;
  /**
   * A socket with no traffic either way for this long is closed: a backstop for a client that stopped
   * reading its answer. It must outlast the slowest handler, which may wait on several Proxmox calls.
   */
  idleTimeoutMs: number;
  /** How often Node sweeps for expired header and request timeouts; a cut-off lands up to this late. */
  checkIntervalMs: number;
  /** Concurrent sockets one remote address may hold; 0 turns the cap off. */
  maxConnectionsPerIp: number;
}

/**
 * The largest body an agent sends is a container report of up to 2 MiB on the wire: about 66 s at
 * 256 kbit/s. 120 s for the whole request leaves that link room for retransmits, while a client that
 * stalls mid-body frees its socket in two minutes instead of Node's default five. Headers are a few
 * KiB, so 20 s is generous even through a slow proxy. Kept-alive sockets live 65 s: longer than the
 * agents' 30 s report interval, so they reuse one connection, and longer than the 60 s idle timeout
 * of common proxies and load balancers, so the proxy, not us, closes a connection it might reuse.
 * 64 sockets per address is far above what an agent (one or two) or a browser (six) opens. The idle
 * backstop is five minutes: a handler trying each member of an unreachable cluster can stay silent
 * that long.
 */
export const DEFAULT_SOCKET_LIMITS: SocketLimits = {
  headersTimeoutMs: 20_000,
  requestTimeoutMs: 120_000,
  keepAliveTimeoutMs: 65_000,
  idleTimeoutMs: 300_000,
  checkIntervalMs: 5_000,
  maxConnectionsPerIp: 64,
};

/** Node reads the sweep interval only when the server is created: pass this as `serve({ serverOptions })`. */
export function socketServerOptions(limits: SocketLimits): ServerOptions {
  return { connectionsCheckingInterval: limits.checkIntervalMs };
}

/** Tracks open sockets per remote address and closes those past the cap as they are accepted. */
export class ConnectionCap {
  private readonly open = new Map<string, number>();
  /** Addresses already logged as capped; cleared once they drop below it, so a flood logs once. */
  private readonly reported = new Set<string>();
  private readonly max: number;
  private readonly log: Logger | undefined;

  constructor(max: number, log?: Logger) {
    this.max = max;
    this.log = log;
  }

  /** Open sockets of one address, as the cap counts them. */
  count(address: string): number {
    return this.open.get(normalizeAddress(address)) ?? 0;
  }

  admit(socket: Socket): void {
    if (this.max <= 0 || socket.remoteAddress === undefined) return;
    const address = normalizeAddress(socket.remoteAddress);
    const current = this.open.get(address) ?? 0;
    if (current >= this.max) {
      if (!this.reported.has(address)) {
        this.reported.add(address);
        this.log?.warn('connection refused: too many open connections from one address', {
          remote_address: address,
          limit: this.max,
        });
      }
      socket.destroy();
      return;
    }
    this.open.set(address, current + 1);
    socket.once('close', () => this.release(address));
  }

  private release(address: string): void {
    const left = (this.open.get(address) ?? 1) - 1;
    if (left <= 0) this.open.delete(address);
    else this.open.set(address, left);
    if (left < this.max) this.reported.delete(address);
  }
}

/** An IPv4 client on a dual-stack socket shows up as ::ffff:a.b.c.d; it is the same client either way. */
function normalizeAddress(address: string): string {
  return address.startsWith('::ffff:') && address.includes('.') ? address.slice(7) : address;
}

/** Applies the timeouts and the per-address cap to the server `serve()` returned. */
export function applySocketLimits(server: unknown, limits: SocketLimits, log?: Logger): ConnectionCap {
  // serve() is typed to return an HTTP/2 server too; ours is always HTTP/1, and the check says so.
  if (!(server instanceof Server)) throw new Error('socket limits apply to a node:http server only');
  if (limits.headersTimeoutMs > limits.requestTimeoutMs) {
    throw new Error('the headers timeout must not be longer than the request timeout');
  }
  server.headersTimeout = limits.headersTimeoutMs;
  server.requestTimeout = limits.requestTimeoutMs;
  server.keepAliveTimeout = limits.keepAliveTimeoutMs;
  server.timeout = limits.idleTimeoutMs;
  const cap = new ConnectionCap(limits.maxConnectionsPerIp, log);
  // 'connection' fires once per accepted socket, before a byte of it is parsed.
  server.on('connection', (socket: Socket) => cap.admit(socket));
  // The parser's own refusals (400, 408 past the request timeout, 431) in the API's form.
  answerClientErrors(server);
  return cap;
}
