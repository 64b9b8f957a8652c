// Namespaces, services and events as the report carries them, and which events make the cut.
import type { CoreV1Event, V1Namespace, V1Service } from '@kubernetes/client-node';
import type { KubeEvent, KubeNamespace, KubeService, KubeServicePort } from '@pulse/shared';
import { boundedMap, longText, shortText } from '../../report/text-limits.ts';
import { clusterScopedMeta, namespacedMeta, rfc3339 } from './meta.ts';

/** The schema's bound on lists inside an item (ports, addresses). */
const MAX_LIST = 1024;

export function toKubeNamespace(ns: V1Namespace): KubeNamespace {
  return { ...clusterScopedMeta(ns.metadata), phase: ns.status?.phase };
}

/** spec.externalIPs plus the load balancer's addresses: what `kubectl get svc` shows as EXTERNAL-IP. */
function externalAddresses(svc: V1Service): string[] | undefined {
  const ingress = (svc.status?.loadBalancer?.ingress ?? []).map((i) => i.ip ?? i.hostname);
  const all = [...(svc.spec?.externalIPs ?? []), ...ingress].filter((a): a is string => Boolean(a));
  return all.length > 0 ? [...new Set(all)].slice(0, MAX_LIST) : undefined;
}

export function toKubeService(svc: V1Service): KubeService {
  const ports: KubeServicePort[] | undefined = svc.spec?.ports?.slice(0, MAX_LIST).map((p) => ({
    name: p.name,
    protocol: p.protocol,
    port: p.port,
    // An int or a named container port on the wire; the schema keeps it as text.
    targetPort: p.targetPort === undefined ? undefined : String(p.targetPort),
    nodePort: p.nodePort,
  }));
  return {
    ...namespacedMeta(svc.metadata),
    type: svc.spec?.type,
    clusterIp: svc.spec?.clusterIP,
    externalIps: externalAddresses(svc),
    ports,
    selector: boundedMap(svc.spec?.selector),
  };
}

/**
 * Events recorded through events.k8s.io (the scheduler's) have no first/lastTimestamp or count; their
 * times are eventTime and series.lastObservedTime and their count is series.count.
 */
export function toKubeEvent(e: CoreV1Event): KubeEvent {
  const eventTime = rfc3339(e.eventTime);
  return {
    uid: e.metadata?.uid,
    name: e.metadata?.name,
    namespace: e.metadata?.namespace,
    type: e.type,
    reason: shortText(e.reason),
    message: longText(e.message),
    // Required by the API, but a stand-in that leaves it out (or writes null) must not throw away the cycle.
    involvedKind: e.involvedObject?.kind,
    involvedName: e.involvedObject?.name,
    count: e.count ?? e.series?.count,
    firstSeen: rfc3339(e.firstTimestamp) ?? eventTime,
    lastSeen: rfc3339(e.lastTimestamp) ?? rfc3339(e.series?.lastObservedTime) ?? eventTime,
    eventTime,
  };
}

/** Warnings first, then the most recently seen; at most `max`. */
export function selectEvents(events: KubeEvent[], max: number): KubeEvent[] {
  const rank = (e: KubeEvent) => (e.type === 'Warning' ? 0 : 1);
  const seen = (e: KubeEvent) => e.lastSeen ?? e.eventTime ?? '';
  return [...events]
    .sort((a, b) => rank(a) - rank(b) || (seen(a) < seen(b) ? 1 : seen(a) > seen(b) ? -1 : 0))
    .slice(0, max);
}
