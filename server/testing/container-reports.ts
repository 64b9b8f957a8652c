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
