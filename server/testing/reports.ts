// Host reports for tests: the one recorded from a real machine, and variations of it.
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { ErrorEnvelope, HostReport } from '@pulse/shared';

const recorded: unknown = JSON.parse(
  readFileSync(new URL('../../test/fixtures/host-report-linux.json', import.meta.url), 'utf8'),
);

/** The recorded report, parsed with the wire schema (a fresh copy each call). */
export function recordedReport(): HostReport {
  return HostReport.parse(structuredClone(recorded));
}

export interface ReportOverrides {
  hostname?: string;
  machineId?: string;
  agentId?: string;
  timestamp?: string;
  sequenceId?: string;
}

export function reportFor(o: ReportOverrides): HostReport {
  const r = recordedReport();
  if (o.hostname !== undefined) {
    r.host.hostname = o.hostname;
    r.agent.hostname = o.hostname;
  }
  if (o.machineId !== undefined) {
    r.host.machineId = o.machineId;
    r.host.id = o.machineId;
  }
  if (o.agentId !== undefined) r.agent.id = o.agentId;
  if (o.timestamp !== undefined) r.timestamp = o.timestamp;
  // A recorded sequence id would make every copy look like a repeat of the first.
  r.sequenceId = o.sequenceId;
  return r;
}

export function postReport(
  app: { request(path: string, init: RequestInit): Response | Promise<Response> },
  token: string,
  body: unknown,
  opts: { gzip?: boolean; path?: string; headers?: Record<string, string> } = {},
): Promise<Response> {
  const json = typeof body === 'string' ? body : JSON.stringify(body);
  const headers: Record<string, string> = {
    'Content-Type': 'application/json',
    'X-API-Token': token,
    ...opts.headers,
  };
  if (opts.gzip) headers['Content-Encoding'] = 'gzip';
  return Promise.resolve(
    app.request(opts.path ?? '/api/agents/host/report', {
      method: 'POST',
      headers,
      body: opts.gzip ? gzipSync(json) : json,
    }),
  );
}

/** Reads an error answer, checking it has the envelope's shape. */
export async function errorOf(res: Response): Promise<ErrorEnvelope> {
  return ErrorEnvelope.parse(await res.json());
}
