// Version, nodes (one NotReady and tainted unreachable), namespaces and services of the fixture cluster.
import { createHash } from 'node:crypto';
import { ago, DAY, MINUTE, meta, uid } from './fixture-kit.ts';
import { NODE_IPS } from './fixtures-pods.ts';
import type { Condition, KubeObject, Node, VersionInfo } from './types.ts';

export const VERSION: VersionInfo = {
  major: '1',
  minor: '31',
  gitVersion: 'v1.31.4',
  gitCommit: '3f1c8a9e2b7d4c6f0a5e8b1d9c2f7a4e6b0d3c85',
  gitTreeState: 'clean',
  buildDate: '2024-12-10T11:37:43Z',
  goVersion: 'go1.22.9',
  compiler: 'gc',
  platform: 'linux/amd64',
};

interface NodeIn {
  name: keyof typeof NODE_IPS;
  controlPlane?: boolean;
  arch: 'amd64' | 'arm64';
  cpu: number;
  memoryKi: number;
  podCIDR: string;
  osImage: string;
  kernel: string;
  /** Seconds since the kubelet last posted status; over 40 s the node controller marks it unreachable. */
  silentFor?: number;
}

const PRESSURE: Array<[string, string, string]> = [
  ['MemoryPressure', 'KubeletHasSufficientMemory', 'kubelet has sufficient memory available'],
  ['DiskPressure', 'KubeletHasNoDiskPressure', 'kubelet has no disk pressure'],
  ['PIDPressure', 'KubeletHasSufficientPID', 'kubelet has sufficient PID available'],
];

function node(now: number, n: NodeIn): Node {
  const hash = (s: string) => createHash('md5').update(`${n.name}/${s}`).digest('hex');
  const lost = n.silentFor !== undefined;
  const heartbeat = ago(now, n.silentFor ?? 23);
  const since = ago(now, 39 * DAY);
  const unknown = (type: string): Condition => ({
    type,
    status: 'Unknown',
    lastHeartbeatTime: heartbeat,
    lastTransitionTime: ago(now, (n.silentFor ?? 0) - 40),
    reason: 'NodeStatusUnknown',
    message: 'Kubelet stopped posting node status.',
  });
  const conditions: Condition[] = lost
    ? [...PRESSURE.map(([type]) => unknown(type)), unknown('Ready')]
    : [
        ...PRESSURE.map(
          ([type, reason, message]): Condition => ({
            type,
            status: 'False',
            lastHeartbeatTime: heartbeat,
            lastTransitionTime: since,
            reason,
            message,
          }),
        ),
        {
          type: 'Ready',
          status: 'True',
          lastHeartbeatTime: heartbeat,
          lastTransitionTime: since,
          reason: 'KubeletReady',
          message: 'kubelet is posting ready status',
        },
      ];
  const taintAt = ago(now, (n.silentFor ?? 0) - 40);
  const taints = [
    ...(n.controlPlane ? [{ key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' }] : []),
    ...(lost
      ? ['NoSchedule', 'NoExecute'].map((effect) => ({
          key: 'node.kubernetes.io/unreachable',
          effect,
          timeAdded: taintAt,
        }))
      : []),
  ];
  const capacity = {
    cpu: String(n.cpu),
    'ephemeral-storage': '102626232Ki',
    'hugepages-1Gi': '0',
    'hugepages-2Mi': '0',
    memory: `${n.memoryKi}Ki`,
    pods: '110',
  };
  return {
    metadata: meta('Node', n.name, undefined, ago(now, 41 * DAY), {
      labels: {
        'beta.kubernetes.io/arch': n.arch,
        'beta.kubernetes.io/os': 'linux',
        'kubernetes.io/arch': n.arch,
        'kubernetes.io/hostname': n.name,
        'kubernetes.io/os': 'linux',
        ...(n.controlPlane
          ? {
              'node-role.kubernetes.io/control-plane': '',
              'node.kubernetes.io/exclude-from-external-load-balancers': '',
            }
          : {}),
      },
      annotations: {
        'kubeadm.alpha.kubernetes.io/cri-socket': 'unix:///var/run/containerd/containerd.sock',
        'node.alpha.kubernetes.io/ttl': '0',
        'volumes.kubernetes.io/controller-managed-attach-detach': 'true',
      },
    }),
    spec: { podCIDR: n.podCIDR, podCIDRs: [n.podCIDR], ...(taints.length > 0 ? { taints } : {}) },
    status: {
      capacity,
      allocatable: { ...capacity, 'ephemeral-storage': '94580335255', memory: `${n.memoryKi - 102_400}Ki` },
      conditions,
      addresses: [
        { type: 'InternalIP', address: NODE_IPS[n.name] },
        { type: 'Hostname', address: n.name },
      ],
      daemonEndpoints: { kubeletEndpoint: { Port: 10250 } },
      nodeInfo: {
        machineID: hash('machine'),
        systemUUID: uid('SystemUUID', undefined, n.name),
        bootID: uid('Boot', undefined, n.name),
        kernelVersion: n.kernel,
        osImage: n.osImage,
        containerRuntimeVersion: 'containerd://1.7.24',
        kubeletVersion: VERSION.gitVersion,
        kubeProxyVersion: VERSION.gitVersion,
        operatingSystem: 'linux',
        architecture: n.arch,
      },
    },
  };
}

export function fixtureNodes(now: number): Node[] {
  const debian = {
    osImage: 'Debian GNU/Linux 12 (bookworm)',
    kernel: '6.1.0-28-amd64',
    arch: 'amd64',
  } as const;
  return [
    node(now, {
      name: 'k8s-cp-1',
      controlPlane: true,
      cpu: 4,
      memoryKi: 16_318_412,
      podCIDR: '10.244.0.0/24',
      ...debian,
    }),
    node(now, { name: 'k8s-w-1', cpu: 8, memoryKi: 32_774_940, podCIDR: '10.244.1.0/24', ...debian }),
    node(now, {
      name: 'k8s-w-2',
      arch: 'arm64',
      cpu: 4,
      memoryKi: 7_998_356,
      podCIDR: '10.244.2.0/24',
      osImage: 'Debian GNU/Linux 12 (bookworm)',
      kernel: '6.6.62+rpt-rpi-v8',
      silentFor: 48 * MINUTE,
    }),
  ];
}

export function fixtureNamespaces(now: number): KubeObject[] {
  return (['default', 'kube-system', 'media', 'monitoring'] as const).map((name, i) => ({
    metadata: meta('Namespace', name, undefined, ago(now, (41 - i * 7) * DAY), {
      labels: { 'kubernetes.io/metadata.name': name },
    }),
    spec: { finalizers: ['kubernetes'] },
    status: { phase: 'Active' },
  }));
}

interface ServiceIn {
  name: string;
  namespace: string;
  type?: 'ClusterIP' | 'NodePort' | 'LoadBalancer';
  clusterIP: string;
  ports: Array<{
    name?: string;
    port: number;
    targetPort?: number | string;
    protocol?: string;
    nodePort?: number;
  }>;
  selector?: Record<string, string>;
  labels?: Record<string, string>;
  lbIP?: string;
  age: number;
}

function service(now: number, s: ServiceIn): KubeObject {
  return {
    metadata: meta('Service', s.name, s.namespace, ago(now, s.age), s.labels ? { labels: s.labels } : {}),
    spec: {
      ports: s.ports.map((p) => ({ protocol: 'TCP', targetPort: p.port, ...p })),
      ...(s.selector ? { selector: s.selector } : {}),
      clusterIP: s.clusterIP,
      clusterIPs: [s.clusterIP],
      type: s.type ?? 'ClusterIP',
      sessionAffinity: 'None',
      ...(s.type && s.type !== 'ClusterIP' ? { externalTrafficPolicy: 'Cluster' } : {}),
      ipFamilies: ['IPv4'],
      ipFamilyPolicy: 'SingleStack',
      internalTrafficPolicy: 'Cluster',
      ...(s.type === 'LoadBalancer' ? { allocateLoadBalancerNodePorts: true } : {}),
    },
    status: { loadBalancer: s.lbIP ? { ingress: [{ ip: s.lbIP, ipMode: 'VIP' }] } : {} },
  };
}

export function fixtureServices(now: number): KubeObject[] {
  return [
    service(now, {
      name: 'kubernetes',
      namespace: 'default',
      clusterIP: '10.96.0.1',
      ports: [{ name: 'https', port: 443, targetPort: 6443 }],
      labels: { component: 'apiserver', provider: 'kubernetes' },
      age: 41 * DAY,
    }),
    service(now, {
      name: 'kube-dns',
      namespace: 'kube-system',
      clusterIP: '10.96.0.10',
      ports: [
        { name: 'dns', port: 53, protocol: 'UDP' },
        { name: 'dns-tcp', port: 53 },
        { name: 'metrics', port: 9153 },
      ],
      selector: { 'k8s-app': 'kube-dns' },
      labels: { 'k8s-app': 'kube-dns', 'kubernetes.io/name': 'CoreDNS' },
      age: 41 * DAY,
    }),
    service(now, {
      name: 'jellyfin',
      namespace: 'media',
      type: 'LoadBalancer',
      clusterIP: '10.96.142.17',
      ports: [{ name: 'http', port: 8096, nodePort: 31596 }],
      selector: { app: 'jellyfin' },
      lbIP: '192.168.10.240',
      age: 30 * DAY,
    }),
    service(now, {
      name: 'sonarr',
      namespace: 'media',
      clusterIP: '10.96.88.203',
      ports: [{ name: 'http', port: 8989 }],
      selector: { app: 'sonarr' },
      age: 30 * DAY,
    }),
    service(now, {
      name: 'homepage',
      namespace: 'default',
      type: 'NodePort',
      clusterIP: '10.96.201.5',
      ports: [{ name: 'http', port: 3000, nodePort: 30080 }],
      selector: { app: 'homepage' },
      age: 9 * DAY,
    }),
    service(now, {
      name: 'prometheus',
      namespace: 'monitoring',
      clusterIP: 'None',
      ports: [{ name: 'web', port: 9090 }],
      selector: { app: 'prometheus' },
      age: 20 * DAY,
    }),
  ];
}
