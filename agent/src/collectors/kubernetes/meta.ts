// What every reported object carries (uid, name, namespace, createdAt, labels) and the owner it reports.
import type { V1ObjectMeta, V1OwnerReference } from '@kubernetes/client-node';
import { boundedMap } from '../../report/text-limits.ts';

export function rfc3339(value: unknown): string | undefined {
  const date =
    value instanceof Date
      ? new Date(value.getTime())
      : typeof value === 'string'
        ? new Date(value)
        : undefined;
  if (date === undefined || Number.isNaN(date.getTime())) return undefined;
  return date.toISOString();
}

export function clusterScopedMeta(meta: V1ObjectMeta | undefined) {
  return {
    uid: meta?.uid ?? '',
    name: meta?.name ?? '',
    createdAt: rfc3339(meta?.creationTimestamp),
    labels: boundedMap(meta?.labels),
  };
}

export function namespacedMeta(meta: V1ObjectMeta | undefined) {
  return { ...clusterScopedMeta(meta), namespace: meta?.namespace ?? '' };
}

/** The controller among the owners, else the first owner: what `kubectl describe` shows as "Controlled By". */
export function owner(meta: V1ObjectMeta | undefined): { ownerKind?: string; ownerName?: string } {
  const refs: V1OwnerReference[] = meta?.ownerReferences ?? [];
  const ref = refs.find((r) => r.controller) ?? refs[0];
  return ref ? { ownerKind: ref.kind, ownerName: ref.name } : {};
}
