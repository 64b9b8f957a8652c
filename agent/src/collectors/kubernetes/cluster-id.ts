// The cluster's stable id and a best-effort guess of its distribution, for the report's `cluster`.
import { createHash } from 'node:crypto';

/**
 * hex(sha256(server + "|" + context + "|" + name)), as the Go agent computes it, so a cluster keeps its id
 * across agent versions and implementations. In-cluster there is no context: pass "".
 */
export function clusterId(server: string, context: string, name: string): string {
  return createHash('sha256').update(`${server}|${context}|${name}`).digest('hex');
}

/** Distributions mark their builds in gitVersion: v1.30.4+k3s1, v1.29.8-eks-a737599, v1.30.5-gke.1014001. */
const PROVIDER_MARKS: ReadonlyArray<[mark: string, provider: string]> = [
  ['+k3s', 'k3s'],
  ['+rke2', 'rke2'],
  ['-eks-', 'eks'],
  ['-gke.', 'gke'],
];

export function guessProvider(gitVersion: string | undefined): string | undefined {
  if (!gitVersion) return undefined;
  return PROVIDER_MARKS.find(([mark]) => gitVersion.includes(mark))?.[1];
}
