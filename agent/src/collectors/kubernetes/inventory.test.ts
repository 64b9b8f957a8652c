import type { CoreV1Event, V1Service } from '@kubernetes/client-node';
import { KubeEvent, KubeService } from '@pulse/shared';
import { describe, expect, it } from 'vitest';
import { selectEvents, toKubeEvent, toKubeService } from './inventory.ts';

describe('toKubeEvent', () => {
  it('maps a core/v1 event with first/lastTimestamp and count', () => {
    const e: CoreV1Event = {
      metadata: { name: 'sonarr.1', namespace: 'media', uid: 'e1' },
      involvedObject: { kind: 'Pod', name: 'sonarr-x' },
      type: 'Warning',
      reason: 'BackOff',
      message: 'Back-off restarting failed container',
      count: 312,
      firstTimestamp: new Date('2026-11-22T10:00:00Z'),
      lastTimestamp: new Date('2026-11-22T10:50:00Z'),
    };
    const out = toKubeEvent(e);
    expect(out).toEqual({
      uid: 'e1',
      name: 'sonarr.1',
      namespace: 'media',
      type: 'Warning',
      reason: 'BackOff',
      message: 'Back-off restarting failed container',
      involvedKind: 'Pod',
      involvedName: 'sonarr-x',
      count: 312,
      firstSeen: '2026-11-22T10:00:00.000Z',
      lastSeen: '2026-11-22T10:50:00.000Z',
    });
    expect(KubeEvent.safeParse(out).success).toBe(true);
  });

  it('reads an events.k8s.io event from eventTime and series, which client-node leaves as strings', () => {
    // What the serializer really hands over for V1MicroTime fields: the wire text, typed as a Date.
    const wire = JSON.parse(
      '{"eventTime":"2026-11-22T10:02:00.330000Z","series":{"count":36,"lastObservedTime":"2026-11-22T10:57:00.330000Z"}}',
    );
    const e: CoreV1Event = {
      metadata: { name: 'homepage.2', namespace: 'default' },
      involvedObject: { kind: 'Pod', name: 'homepage-y' },
      type: 'Warning',
      reason: 'FailedScheduling',
      eventTime: wire.eventTime,
      series: wire.series,
    };
    expect(toKubeEvent(e)).toMatchObject({
      count: 36,
      firstSeen: '2026-11-22T10:02:00.330Z',
      lastSeen: '2026-11-22T10:57:00.330Z',
      eventTime: '2026-11-22T10:02:00.330Z',
    });
  });
});

describe('toKubeEvent on odd events', () => {
  it('an event without involvedObject or timestamps still maps and parses', () => {
    const e: CoreV1Event = JSON.parse('{"metadata":{"name":"x.1","namespace":"default"},"reason":"Odd"}');
    const out = toKubeEvent(e);
    expect(out).toMatchObject({ name: 'x.1', reason: 'Odd' });
    expect(out.involvedKind).toBeUndefined();
    const parsed = KubeEvent.safeParse(JSON.parse(JSON.stringify(out)));
    expect(parsed.success ? [] : parsed.error.issues).toEqual([]);
  });
});

describe('selectEvents', () => {
  const ev = (name: string, type: string, lastSeen: string): KubeEvent => ({ name, type, lastSeen });

  it('puts Warnings first, then the most recent, and keeps at most max', () => {
    const events = [
      ev('n-new', 'Normal', '2026-11-22T10:59:00.000Z'),
      ev('w-old', 'Warning', '2026-11-22T08:00:00.000Z'),
      ev('n-old', 'Normal', '2026-11-22T07:00:00.000Z'),
      ev('w-new', 'Warning', '2026-11-22T10:00:00.000Z'),
    ];
    expect(selectEvents(events, 3).map((e) => e.name)).toEqual(['w-new', 'w-old', 'n-new']);
  });
});

describe('toKubeService', () => {
  it('maps type, cluster IP, ports (targetPort as text), selector and load balancer addresses', () => {
    const svc: V1Service = {
      metadata: { name: 'jellyfin', namespace: 'media', uid: 's1' },
      spec: {
        type: 'LoadBalancer',
        clusterIP: '10.96.142.17',
        externalIPs: ['192.168.10.5'],
        ports: [{ name: 'http', port: 8096, targetPort: 'web', nodePort: 31596, protocol: 'TCP' }],
        selector: { app: 'jellyfin' },
      },
      status: { loadBalancer: { ingress: [{ ip: '192.168.10.240' }, { hostname: 'lb.example' }] } },
    };
    const out = toKubeService(svc);
    expect(out).toMatchObject({
      type: 'LoadBalancer',
      clusterIp: '10.96.142.17',
      externalIps: ['192.168.10.5', '192.168.10.240', 'lb.example'],
      ports: [{ name: 'http', port: 8096, targetPort: 'web', nodePort: 31596, protocol: 'TCP' }],
      selector: { app: 'jellyfin' },
    });
    expect(KubeService.safeParse(out).success).toBe(true);
  });
});
