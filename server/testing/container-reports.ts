// Docker and Kubernetes reports for tests, from the fixtures in test/fixtures.
import { readFileSync } from 'node:fs';
import { DockerReport, KubernetesReport } from '@pulse/shared';

function fixture(name: string): unknown {
  return JSON.parse(readFileSync(new URL(`../../test/fixtures/${name}`, import.meta.url), 'utf8'));
}

export function dockerReport(): DockerReport {
  return DockerReport.parse(fixture('docker-report.json'));
}

export function kubernetesReport(): KubernetesReport {
  return KubernetesReport.parse(fixture('kubernetes-report.json'));
}

export interface DockerVariant {
  agentId?: string;
  hostname?: string;
  timestamp?: string;
  /** Replaces the containers with this many copies of the first, each with its own id and name. */
  containers?: number;
}

/** The recorded Docker report as another agent, time or container count would send it. */
export function dockerReportFor(v: DockerVariant): DockerReport {
  const r = dockerReport();
  if (v.agentId !== undefined) r.agent.id = v.agentId;
  if (v.hostname !== undefined) {
    r.host.hostname = v.hostname;
    r.host.machineId = `${v.hostname}-machine`;
  }
  if (v.timestamp !== undefined) r.timestamp = v.timestamp;
  const template = r.containers[0];
  if (v.containers !== undefined && template) {
    r.containers = Array.from({ length: v.containers }, (_, i) => ({
      ...structuredClone(template),
      id: `${i.toString(16).padStart(8, '0')}${'c'.repeat(56)}`,
      name: `copy-${i}`,
    }));
  }
  return r;
}

/** The recorded cluster report under another cluster id and time. */
export function kubernetesReportFor(v: { clusterId?: string; timestamp?: string }): KubernetesReport {
  const r = kubernetesReport();
  if (v.clusterId !== undefined) {
    r.cluster.id = v.clusterId;
    r.cluster.name = v.clusterId;
  }
  if (v.timestamp !== undefined) r.timestamp = v.timestamp;
  return r;
}
