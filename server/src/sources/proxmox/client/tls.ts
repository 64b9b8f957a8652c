// TLS policy for one endpoint (CA, skip-verify or a pinned leaf fingerprint) and reading what a server presents.
import { createHash } from 'node:crypto';
import { isIP } from 'node:net';
import { TLSSocket, connect as tlsConnect } from 'node:tls';
import { buildConnector, Pool } from 'undici';
import { FingerprintMismatchError } from './errors.ts';
import { formatFingerprint, normalizeFingerprint } from './normalize.ts';

export interface DispatcherOptions {
  verifySSL: boolean;
  fingerprint?: string | undefined;
  connectTimeoutMs: number;
  headersTimeoutMs: number;
  /** Extra CA certificates (PEM) trusted on top of the system store; tests use it. */
  ca?: string | undefined;
}

export function leafFingerprint(socket: TLSSocket): string | undefined {
  const raw = socket.getPeerCertificate().raw;
  return raw ? createHash('sha256').update(raw).digest('hex') : undefined;
}

/**
 * A keep-alive pool for one origin. With a pin the CA chain is ignored and only the leaf's SHA-256 counts; TLS
 * sessions are not cached then, so every new connection shows its certificate again.
 */
export function createDispatcher(origin: string, opts: DispatcherOptions): Pool {
  const common = {
    connections: 20,
    headersTimeout: opts.headersTimeoutMs,
    bodyTimeout: opts.headersTimeoutMs,
    keepAliveTimeout: 30_000,
  };
  if (opts.fingerprint) {
    return new Pool(origin, { ...common, connect: pinnedConnector(opts.fingerprint, opts.connectTimeoutMs) });
  }
  return new Pool(origin, {
    ...common,
    connect: {
      timeout: opts.connectTimeoutMs,
      rejectUnauthorized: opts.verifySSL,
      ...(opts.ca ? { ca: opts.ca } : {}),
    },
  });
}

function pinnedConnector(fingerprint: string, timeoutMs: number): buildConnector.connector {
  const pinned = normalizeFingerprint(fingerprint);
  const base = buildConnector({ rejectUnauthorized: false, maxCachedSessions: 0, timeout: timeoutMs });
  return (options, callback) => {
    base(options, (err, socket) => {
      if (err !== null) {
        callback(err, null);
        return;
      }
      // Plain http:// has nothing to pin; refuse rather than silently drop the check.
      const seen = socket instanceof TLSSocket ? leafFingerprint(socket) : undefined;
      if (seen === pinned) {
        callback(null, socket);
        return;
      }
      socket.destroy();
      callback(
        new FingerprintMismatchError(
          formatFingerprint(pinned),
          seen ? formatFingerprint(seen) : 'no certificate',
        ),
        null,
      );
    });
  };
}

export interface PeerCertificate {
  /** Lower-case hex SHA-256 of the leaf DER, no colons. */
  fingerprint: string;
  /** The same, `AA:BB:…` as the Proxmox GUI shows it. */
  fingerprintColons: string;
  /** Whether the chain verified against the trusted CAs and the host name matched. */
  authorized: boolean;
  authorizationError?: string;
  protocol: string;
  subject?: string;
  issuer?: string;
  validTo?: string;
}

/** Opens a TLS connection without verifying, reads the leaf certificate and closes. */
export function readPeerCertificate(
  host: string,
  port: number,
  opts: { timeoutMs?: number; ca?: string } = {},
): Promise<PeerCertificate> {
  const bare = host.replace(/^\[|\]$/g, '');
  return new Promise((resolve, reject) => {
    const socket = tlsConnect({
      host: bare,
      port,
      rejectUnauthorized: false,
      ...(isIP(bare) === 0 ? { servername: bare } : {}),
      ...(opts.ca ? { ca: opts.ca } : {}),
    });
    socket.setTimeout(opts.timeoutMs ?? 10_000, () => {
      socket.destroy(
        Object.assign(new Error('TLS handshake timed out'), { code: 'ERR_TLS_HANDSHAKE_TIMEOUT' }),
      );
    });
    socket.once('error', reject);
    socket.once('secureConnect', () => {
      const cert = socket.getPeerCertificate();
      const fingerprint = leafFingerprint(socket);
      const authError = socket.authorizationError;
      const authorized = socket.authorized;
      const protocol = socket.getProtocol() ?? 'unknown';
      socket.end();
      socket.destroy();
      if (!fingerprint) {
        reject(Object.assign(new Error('the server presented no certificate'), { code: 'ERR_TLS_NO_CERT' }));
        return;
      }
      resolve({
        fingerprint,
        fingerprintColons: formatFingerprint(fingerprint),
        authorized,
        ...(authError ? { authorizationError: String(authError) } : {}),
        protocol,
        ...(cert.subject?.CN ? { subject: String(cert.subject.CN) } : {}),
        ...(cert.issuer?.CN ? { issuer: String(cert.issuer.CN) } : {}),
        ...(cert.valid_to ? { validTo: cert.valid_to } : {}),
      });
    });
  });
}
