// Test-only: serves an app on a loopback port with @hono/node-server, as main.ts does, and talks raw TCP to it.
import { Server } from 'node:http';
import { connect, type Socket } from 'node:net';
import { serve } from '@hono/node-server';
import type { Hono } from 'hono';
import { vi } from 'vitest';
import type { AppEnv } from '../src/http/context.ts';

export interface ServedApp {
  server: Server;
  port: number;
  close(): Promise<void>;
}

export async function serveApp(
  app: Hono<AppEnv>,
  serverOptions: Record<string, unknown> = {},
): Promise<ServedApp> {
  const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1', serverOptions });
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  const address = server.address();
  if (!address || typeof address !== 'object') throw new Error('server is not listening on TCP');
  // serve() is typed for HTTP/2 servers too; without a createServer option it builds a node:http one.
  if (!(server instanceof Server)) throw new Error('expected a node:http server');
  const http = server;
  return {
    server: http,
    port: address.port,
    close: async () => {
      http.closeAllConnections();
      await new Promise<void>((resolve) => http.close(() => resolve()));
    },
  };
}

/** A raw TCP client that keeps everything it received and whether the server closed it. */
export interface RawClient {
  socket: Socket;
  received(): string;
  closed(): boolean;
}

export async function rawClient(port: number): Promise<RawClient> {
  const socket = connect(port, '127.0.0.1');
  let text = '';
  let closed = false;
  socket.setEncoding('utf8');
  socket.on('data', (d: string) => {
    text += d;
  });
  socket.on('error', () => {});
  socket.on('close', () => {
    closed = true;
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('error', reject);
  });
  return { socket, received: () => text, closed: () => closed };
}

/** Polls until the condition holds; generous by default so a loaded machine does not fail a test. */
export async function until(check: () => boolean, timeoutMs = 15_000): Promise<void> {
  await vi.waitFor(
    () => {
      if (!check()) throw new Error('not yet');
    },
    { timeout: timeoutMs, interval: 20 },
  );
}
