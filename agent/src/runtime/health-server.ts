// Local health endpoints: /healthz, /readyz (503 until the first report is delivered), /status, /metrics.
import { createServer, type Server } from 'node:http';
import type { ListenAddress } from '../config/parse.ts';
import type { ModuleRegistry } from './module-status.ts';

export interface HealthSnapshot {
  version: string;
  ready: boolean;
  startedAt: number;
  agentId: string;
  hostname: string;
  reportsSent: number;
  reportsBuffered: number;
  reportsDropped: number;
  lastSuccessAt: number | undefined;
  lastError: string | undefined;
}

function label(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

export function prometheusText(s: HealthSnapshot, modules: ModuleRegistry): string {
  const list = modules.list();
  const enabled = (name: string) => String(list.some((m) => m.name === name && m.enabled));
  const lines = [
    '# HELP pulse_agent_info Agent build and enabled modules.',
    '# TYPE pulse_agent_info gauge',
    `pulse_agent_info{version="${label(s.version)}",host_enabled="${enabled('host')}",docker_enabled="${enabled('docker')}",kubernetes_enabled="${enabled('kubernetes')}"} 1`,
    '# HELP pulse_agent_up The agent process is running.',
    '# TYPE pulse_agent_up gauge',
    'pulse_agent_up 1',
    '# HELP pulse_agent_module_enabled Whether a module is enabled.',
    '# TYPE pulse_agent_module_enabled gauge',
    ...list.map((m) => `pulse_agent_module_enabled{module="${m.name}"} ${m.enabled ? 1 : 0}`),
    '# HELP pulse_agent_module_ready Whether a module is running.',
    '# TYPE pulse_agent_module_ready gauge',
    ...list.map((m) => `pulse_agent_module_ready{module="${m.name}"} ${m.state === 'running' ? 1 : 0}`),
    '# HELP pulse_agent_reports_sent_total Reports the server accepted.',
    '# TYPE pulse_agent_reports_sent_total counter',
    `pulse_agent_reports_sent_total ${s.reportsSent}`,
    '# HELP pulse_agent_reports_buffered Reports waiting for delivery.',
    '# TYPE pulse_agent_reports_buffered gauge',
    `pulse_agent_reports_buffered ${s.reportsBuffered}`,
    '# HELP pulse_agent_reports_dropped_total Reports given up (buffer full, refused token, rejected).',
    '# TYPE pulse_agent_reports_dropped_total counter',
    `pulse_agent_reports_dropped_total ${s.reportsDropped}`,
  ];
  return `${lines.join('\n')}\n`;
}

export function startHealthServer(
  addr: ListenAddress,
  snapshot: () => HealthSnapshot,
  modules: ModuleRegistry,
): Promise<Server> {
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    const json = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET' });
      res.end();
      return;
    }
    const s = snapshot();
    if (path === '/healthz') {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end('ok\n');
    } else if (path === '/readyz') {
      json(s.ready ? 200 : 503, { ready: s.ready, lastSuccessAt: s.lastSuccessAt, lastError: s.lastError });
    } else if (path === '/status') {
      json(200, { ...s, modules: modules.list() });
    } else if (path === '/metrics') {
      res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' });
      res.end(prometheusText(s, modules));
    } else {
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end('not found\n');
    }
  });
  server.requestTimeout = 10_000;
  server.keepAliveTimeout = 30_000;
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(addr.port, addr.host, () => {
      server.off('error', reject);
      resolve(server);
    });
  });
}
