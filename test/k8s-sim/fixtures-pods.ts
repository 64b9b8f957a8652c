// Pods of the homelab fixture cluster: healthy ones plus CrashLoopBackOff, Pending/Unschedulable,
// Failed (Error), Init:ImagePullBackOff, a completed job pod and one on the unreachable node.
import { ago, cond, DAY, HOUR, MINUTE, type Owner, pod } from './fixture-kit.ts';
import type { Pod } from './types.ts';

export const NODE_IPS = {
  'k8s-cp-1': '192.168.10.11',
  'k8s-w-1': '192.168.10.21',
  'k8s-w-2': '192.168.10.22',
};

const rs = (name: string): Owner => ({ apiVersion: 'apps/v1', kind: 'ReplicaSet', name });
const ds = (name: string): Owner => ({ apiVersion: 'apps/v1', kind: 'DaemonSet', name });
const job = (name: string): Owner => ({ apiVersion: 'batch/v1', kind: 'Job', name });

/** When the backup-nightly CronJob ("0 3 * * *") last ran: 03:00 UTC at least an hour ago. */
function nightlyAt(now: number): number {
  const today = Math.floor(now / (DAY * 1000)) * DAY * 1000 + 3 * HOUR * 1000;
  return today <= now - HOUR * 1000 ? today : today - DAY * 1000;
}

/** The Job that run made: the CronJob controller suffixes the scheduled time in minutes. */
export const nightlyJobName = (now: number) => `backup-nightly-${Math.floor(nightlyAt(now) / 60_000)}`;
export const nightlyAge = (now: number) => Math.floor((now - nightlyAt(now)) / 1000);

function kubeSystem(now: number): Pod[] {
  const dns = { 'k8s-app': 'kube-dns', 'pod-template-hash': '7c65d6cfc9' };
  const coredns = { name: 'coredns', image: 'registry.k8s.io/coredns/coredns:v1.11.3' };
  const dnsRes = { requests: { cpu: '100m', memory: '70Mi' }, limits: { memory: '170Mi' } };
  const proxy = {
    'k8s-app': 'kube-proxy',
    'controller-revision-hash': '6d4b8c7f9',
    'pod-template-generation': '1',
  };
  const proxyC = { name: 'kube-proxy', image: 'registry.k8s.io/kube-proxy:v1.31.4' };
  const cp = NODE_IPS['k8s-cp-1'];
  const w1 = NODE_IPS['k8s-w-1'];
  const w2 = NODE_IPS['k8s-w-2'];
  const lost = ago(now, 47 * MINUTE);
  return [
    pod(now, {
      name: 'etcd-k8s-cp-1',
      namespace: 'kube-system',
      node: 'k8s-cp-1',
      ip: cp,
      hostIP: cp,
      age: 41 * DAY,
      labels: { component: 'etcd', tier: 'control-plane' },
      owner: { apiVersion: 'v1', kind: 'Node', name: 'k8s-cp-1' },
      containers: [
        { name: 'etcd', image: 'registry.k8s.io/etcd:3.5.15-0', requests: { cpu: '100m', memory: '100Mi' } },
      ],
    }),
    pod(now, {
      name: 'coredns-7c65d6cfc9-4xkzq',
      namespace: 'kube-system',
      node: 'k8s-cp-1',
      ip: '10.244.0.3',
      hostIP: cp,
      age: 41 * DAY,
      labels: dns,
      owner: rs('coredns-7c65d6cfc9'),
      containers: [{ ...coredns, ...dnsRes }],
    }),
    pod(now, {
      name: 'coredns-7c65d6cfc9-p8w2n',
      namespace: 'kube-system',
      node: 'k8s-w-1',
      ip: '10.244.1.4',
      hostIP: w1,
      age: 41 * DAY,
      labels: dns,
      owner: rs('coredns-7c65d6cfc9'),
      containers: [{ ...coredns, ...dnsRes }],
    }),
    ...(
      [
        ['kube-proxy-7kq2d', 'k8s-cp-1', cp],
        ['kube-proxy-m9x4t', 'k8s-w-1', w1],
        ['kube-proxy-zt5hc', 'k8s-w-2', w2],
      ] as const
    ).map(([name, node, ip]) =>
      pod(now, {
        name,
        namespace: 'kube-system',
        node,
        ip,
        hostIP: ip,
        age: 40 * DAY,
        labels: proxy,
        owner: ds('kube-proxy'),
        containers: [proxyC],
        // The node controller marks pods on an unreachable node not ready; the stale kubelet status stays.
        ...(node === 'k8s-w-2'
          ? {
              conditions: [
                cond('Initialized', true, ago(now, 40 * DAY)),
                cond('Ready', false, lost),
                cond('ContainersReady', true, ago(now, 40 * DAY)),
                cond('PodScheduled', true, ago(now, 40 * DAY)),
              ],
            }
          : {}),
      }),
    ),
  ];
}

function apps(now: number): Pod[] {
  const w1 = NODE_IPS['k8s-w-1'];
  const homepage = { app: 'homepage', 'pod-template-hash': '7b8c9d6f5' };
  const homepageC = {
    name: 'homepage',
    image: 'ghcr.io/gethomepage/homepage:v0.9.13',
    requests: { memory: '512Mi' },
  };
  const backoffSince = ago(now, 4 * MINUTE);
  return [
    pod(now, {
      name: 'jellyfin-5d8f7b9c4b-x7t2m',
      namespace: 'media',
      node: 'k8s-w-1',
      ip: '10.244.1.12',
      hostIP: w1,
      age: 12 * DAY,
      labels: { app: 'jellyfin', 'pod-template-hash': '5d8f7b9c4b' },
      owner: rs('jellyfin-5d8f7b9c4b'),
      containers: [
        {
          name: 'jellyfin',
          image: 'jellyfin/jellyfin:10.10.3',
          requests: { cpu: '500m', memory: '1Gi' },
          limits: { memory: '4Gi' },
        },
      ],
    }),
    pod(now, {
      name: 'sonarr-6c9f8d7b5d-qv8rn',
      namespace: 'media',
      node: 'k8s-w-1',
      ip: '10.244.1.17',
      hostIP: w1,
      age: 2 * DAY,
      labels: { app: 'sonarr', 'pod-template-hash': '6c9f8d7b5d' },
      owner: rs('sonarr-6c9f8d7b5d'),
      containers: [
        {
          name: 'sonarr',
          image: 'lscr.io/linuxserver/sonarr:4.0.11',
          ready: false,
          restarts: 14,
          state: {
            waiting: {
              reason: 'CrashLoopBackOff',
              message: 'back-off 5m0s restarting failed container=sonarr pod=sonarr-6c9f8d7b5d-qv8rn_media',
            },
          },
          lastState: {
            terminated: {
              exitCode: 1,
              reason: 'Error',
              startedAt: ago(now, 5 * MINUTE),
              finishedAt: backoffSince,
              containerID: 'containerd://5f1e0c2b9d7a4e3f8b6c1d0a9e8f7b6c5d4e3f2a1b0c9d8e7f6a5b4c3d2e1f0a',
            },
          },
        },
      ],
    }),
    pod(now, {
      name: 'homepage-7b8c9d6f5-2xkfp',
      namespace: 'default',
      node: 'k8s-w-1',
      ip: '10.244.1.21',
      hostIP: w1,
      age: 3 * HOUR,
      labels: homepage,
      owner: rs('homepage-7b8c9d6f5'),
      containers: [homepageC],
    }),
    pod(now, {
      name: 'homepage-7b8c9d6f5-8hmzc',
      namespace: 'default',
      age: 3 * HOUR,
      labels: homepage,
      owner: rs('homepage-7b8c9d6f5'),
      phase: 'Pending',
      unschedulable:
        '0/3 nodes are available: 1 Insufficient memory, 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }, 1 node(s) had untolerated taint {node.kubernetes.io/unreachable: }. preemption: 0/3 nodes are available: 1 No preemption victims found for incoming pod, 2 Preemption is not helpful for scheduling.',
      containers: [homepageC],
    }),
    pod(now, {
      name: 'homepage-7b8c9d6f5-t4wql',
      namespace: 'default',
      node: 'k8s-w-1',
      ip: '10.244.1.22',
      hostIP: w1,
      age: 3 * HOUR,
      labels: homepage,
      owner: rs('homepage-7b8c9d6f5'),
      phase: 'Pending',
      initContainers: [
        {
          name: 'fetch-config',
          image: 'ghcr.io/homelab/config-init:v2',
          ready: false,
          state: {
            waiting: {
              reason: 'ImagePullBackOff',
              message: 'Back-off pulling image "ghcr.io/homelab/config-init:v2"',
            },
          },
        },
      ],
      containers: [{ ...homepageC, ready: false, state: { waiting: { reason: 'PodInitializing' } } }],
    }),
    pod(now, {
      name: `${nightlyJobName(now)}-9zq7w`,
      namespace: 'default',
      node: 'k8s-w-1',
      ip: '10.244.1.25',
      hostIP: w1,
      age: nightlyAge(now),
      labels: { 'batch.kubernetes.io/job-name': nightlyJobName(now), 'job-name': nightlyJobName(now) },
      owner: job(nightlyJobName(now)),
      phase: 'Failed',
      containers: [
        {
          name: 'restic',
          image: 'restic/restic:0.17.3',
          ready: false,
          state: {
            terminated: {
              exitCode: 2,
              reason: 'Error',
              message: 'Fatal: unable to open repository at s3:https://minio.lan/backups: 403 Forbidden',
              startedAt: ago(now, nightlyAge(now) - 3),
              finishedAt: ago(now, nightlyAge(now) - 41),
            },
          },
        },
      ],
    }),
    pod(now, {
      name: 'db-migrate-lx8kd',
      namespace: 'default',
      node: 'k8s-w-1',
      ip: '10.244.1.19',
      hostIP: w1,
      age: 6 * DAY,
      labels: { 'batch.kubernetes.io/job-name': 'db-migrate', 'job-name': 'db-migrate' },
      owner: job('db-migrate'),
      phase: 'Succeeded',
      containers: [
        {
          name: 'migrate',
          image: 'migrate/migrate:v4.18.1',
          ready: false,
          state: { terminated: { exitCode: 0, reason: 'Completed', startedAt: ago(now, 6 * DAY - 2) } },
        },
      ],
    }),
    pod(now, {
      name: 'prometheus-0',
      namespace: 'monitoring',
      node: 'k8s-w-1',
      ip: '10.244.1.30',
      hostIP: w1,
      age: 20 * DAY,
      labels: {
        app: 'prometheus',
        'apps.kubernetes.io/pod-index': '0',
        'statefulset.kubernetes.io/pod-name': 'prometheus-0',
      },
      owner: { apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'prometheus' },
      containers: [
        {
          name: 'prometheus',
          image: 'quay.io/prometheus/prometheus:v2.55.1',
          requests: { cpu: '250m', memory: '1Gi' },
          limits: { memory: '2Gi' },
        },
      ],
    }),
  ];
}

export function fixturePods(now: number): Pod[] {
  return [...kubeSystem(now), ...apps(now)];
}
