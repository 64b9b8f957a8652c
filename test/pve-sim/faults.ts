// Fault switches per endpoint; the product-level calls flip every endpoint of a product at once.
import type { Product } from './reply.ts';

export interface FaultState {
  /** API paths (below /api2/json) answering 500. */
  fail500: RegExp | null;
  /** Delay before every answer. */
  slowMs: number;
  /** API paths answering a 200 HTML page, like a web UI on the wrong port. */
  html: RegExp | null;
  /** Serving the impostor certificate instead of the real one. */
  wrongCert: boolean;
}

export const noFaults = (): FaultState => ({ fail500: null, slowMs: 0, html: null, wrongCert: false });

export interface Faults {
  /** Stops (down) or restarts a PVE node's endpoint; the other nodes report it offline meanwhile. */
  nodeDown(node: string, down: boolean): Promise<void>;
  fail500(product: Product, pathPattern: RegExp | null, node?: string): void;
  slow(product: Product, ms: number, node?: string): void;
  /** All tickets issued so far answer 401; a new login works. */
  expireTickets(product: Product): void;
  wrongCertificate(product: Product, on: boolean, node?: string): Promise<void>;
  html(product: Product, pathPattern: RegExp | null, node?: string): void;
}

export const HTML_PAGE =
  '<!DOCTYPE html>\n<html>\n<head><title>Welcome</title></head>\n<body><h1>It works!</h1><p>This is not the API you are looking for.</p></body>\n</html>\n';
