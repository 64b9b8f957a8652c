// Controllers of the fixture cluster: deployments and their replicasets, a statefulset, a daemonset
// short one ready pod (its node is unreachable), a failed and a complete job, and the cronjob.
import { ago, cond, DAY, HOUR, meta, type Owner } from './fixture-kit.ts';
import { nightlyAge, nightlyJobName } from './fixtures-pods.ts';
import type { Condition, Deployment, KubeObject } from './types.ts';

type Containers = Array<{ name: string; image: string }>;

const template = (labels: Record<string, string>, containers: Containers, restartPolicy = 'Always') => ({
  metadata: { labels },
  spec: {
    containers: containers.map((c) => ({ ...c, resources: {}, imagePullPolicy: 'IfNotPresent' })),
    restartPolicy,
    terminationGracePeriodSeconds: 30,
    dnsPolicy: 'ClusterFirst',
    schedulerName: 'default-scheduler',
  },
});

/** Deployment conditions carry lastUpdateTime and no lastProbeTime. */
function dc(type: string, ok: boolean, at: string, reason: string, message: string): Condition {
  const { lastProbeTime: _probe, ...c } = cond(type, ok, at, reason, message);
  return { ...c, lastUpdateTime: at };
}

interface DeployIn {
  name: string;
  namespace: string;
  hash: string;
  replicas: number;
  ready: number;
  age: number;
  containers: Containers;
  /** A previous revision's replicaset, scaled to zero. */
  oldHash?: string;
}

function deployment(now: number, d: DeployIn): [Deployment, ...KubeObject[]] {
  const app: Record<string, string> = d.name === 'coredns' ? { 'k8s-app': 'kube-dns' } : { app: d.name };
  const created = ago(now, d.age);
  const revision = d.oldHash ? 2 : 1;
  const minAvailable = d.replicas - Math.floor(d.replicas * 0.25);
  const available = d.ready >= minAvailable;
  const rsName = `${d.name}-${d.hash}`;
  const status: Deployment['status'] = {
    observedGeneration: revision,
    replicas: d.replicas,
    updatedReplicas: d.replicas,
    ...(d.ready > 0 ? { readyReplicas: d.ready, availableReplicas: d.ready } : {}),
    ...(d.ready < d.replicas ? { unavailableReplicas: d.replicas - d.ready } : {}),
    conditions: [
      available
        ? dc('Available', true, created, 'MinimumReplicasAvailable', 'Deployment has minimum availability.')
        : dc(
            'Available',
            false,
            ago(now, HOUR),
            'MinimumReplicasUnavailable',
            'Deployment does not have minimum availability.',
          ),
      d.ready === d.replicas
        ? dc(
            'Progressing',
            true,
            created,
            'NewReplicaSetAvailable',
            `ReplicaSet "${rsName}" has successfully progressed.`,
          )
        : dc(
            'Progressing',
            false,
            ago(now, HOUR),
            'ProgressDeadlineExceeded',
            `ReplicaSet "${rsName}" has timed out progressing.`,
          ),
    ],
  };
  const owner: Owner = { apiVersion: 'apps/v1', kind: 'Deployment', name: d.name };
  const rs = (hash: string, replicas: number, ready: number, rev: number): KubeObject => ({
    metadata: meta(
      'ReplicaSet',
      `${d.name}-${hash}`,
      d.namespace,
      ago(now, rev === revision && d.oldHash ? 4 * DAY : d.age),
      {
        labels: { ...app, 'pod-template-hash': hash },
        annotations: {
          'deployment.kubernetes.io/desired-replicas': String(d.replicas),
          'deployment.kubernetes.io/max-replicas': String(d.replicas + Math.ceil(d.replicas * 0.25)),
          'deployment.kubernetes.io/revision': String(rev),
        },
        owner,
        generation: rev === revision ? 1 : 2,
      },
    ),
    spec: {
      replicas,
      selector: { matchLabels: { ...app, 'pod-template-hash': hash } },
      template: template({ ...app, 'pod-template-hash': hash }, d.containers),
    },
    status: {
      replicas,
      ...(replicas > 0 ? { fullyLabeledReplicas: replicas } : {}),
      ...(ready > 0 ? { readyReplicas: ready, availableReplicas: ready } : {}),
      observedGeneration: rev === revision ? 1 : 2,
    },
  });
  const deploy: Deployment = {
    metadata: meta('Deployment', d.name, d.namespace, created, {
      labels: app,
      annotations: { 'deployment.kubernetes.io/revision': String(revision) },
      generation: revision,
    }),
    spec: {
      replicas: d.replicas,
      selector: { matchLabels: app },
      template: template(app, d.containers),
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '25%', maxSurge: '25%' } },
      revisionHistoryLimit: 10,
      progressDeadlineSeconds: 600,
    },
    status,
  };
  return [deploy, rs(d.hash, d.replicas, d.ready, revision), ...(d.oldHash ? [rs(d.oldHash, 0, 0, 1)] : [])];
}

export function fixtureDeployments(now: number): { deployments: Deployment[]; replicasets: KubeObject[] } {
  const all = [
    deployment(now, {
      name: 'coredns',
      namespace: 'kube-system',
      hash: '7c65d6cfc9',
      replicas: 2,
      ready: 2,
      age: 41 * DAY,
      containers: [{ name: 'coredns', image: 'registry.k8s.io/coredns/coredns:v1.11.3' }],
    }),
    deployment(now, {
      name: 'jellyfin',
      namespace: 'media',
      hash: '5d8f7b9c4b',
      replicas: 1,
      ready: 1,
      age: 30 * DAY,
      containers: [{ name: 'jellyfin', image: 'jellyfin/jellyfin:10.10.3' }],
    }),
    deployment(now, {
      name: 'sonarr',
      namespace: 'media',
      hash: '6c9f8d7b5d',
      replicas: 1,
      ready: 0,
      age: 30 * DAY,
      containers: [{ name: 'sonarr', image: 'lscr.io/linuxserver/sonarr:4.0.11' }],
    }),
    deployment(now, {
      name: 'homepage',
      namespace: 'default',
      hash: '7b8c9d6f5',
      oldHash: '6f9d8c7b4',
      replicas: 3,
      ready: 1,
      age: 9 * DAY,
      containers: [{ name: 'homepage', image: 'ghcr.io/gethomepage/homepage:v0.9.13' }],
    }),
  ];
  return { deployments: all.map(([d]) => d), replicasets: all.flatMap(([, ...rs]) => rs) };
}

export function fixtureStatefulSets(now: number): KubeObject[] {
  const labels = { app: 'prometheus' };
  return [
    {
      metadata: meta('StatefulSet', 'prometheus', 'monitoring', ago(now, 20 * DAY), {
        labels,
        generation: 1,
      }),
      spec: {
        replicas: 1,
        selector: { matchLabels: labels },
        template: template(labels, [{ name: 'prometheus', image: 'quay.io/prometheus/prometheus:v2.55.1' }]),
        serviceName: 'prometheus',
        podManagementPolicy: 'OrderedReady',
        updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 0 } },
        revisionHistoryLimit: 10,
        persistentVolumeClaimRetentionPolicy: { whenDeleted: 'Retain', whenScaled: 'Retain' },
      },
      status: {
        observedGeneration: 1,
        replicas: 1,
        readyReplicas: 1,
        currentReplicas: 1,
        updatedReplicas: 1,
        currentRevision: 'prometheus-5c7d9f8b6d',
        updateRevision: 'prometheus-5c7d9f8b6d',
        collisionCount: 0,
        availableReplicas: 1,
      },
    },
  ];
}

export function fixtureDaemonSets(now: number): KubeObject[] {
  const labels = { 'k8s-app': 'kube-proxy' };
  return [
    {
      metadata: meta('DaemonSet', 'kube-proxy', 'kube-system', ago(now, 41 * DAY), { labels, generation: 1 }),
      spec: {
        selector: { matchLabels: labels },
        template: template(labels, [{ name: 'kube-proxy', image: 'registry.k8s.io/kube-proxy:v1.31.4' }]),
        updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1, maxSurge: 0 } },
        revisionHistoryLimit: 10,
      },
      status: {
        currentNumberScheduled: 3,
        numberMisscheduled: 0,
        desiredNumberScheduled: 3,
        numberReady: 2,
        observedGeneration: 1,
        updatedNumberScheduled: 3,
        numberAvailable: 2,
        numberUnavailable: 1,
      },
    },
  ];
}

export function fixtureJobs(now: number): { jobs: KubeObject[]; cronjobs: KubeObject[] } {
  const nightly = nightlyJobName(now);
  const ran = ago(now, nightlyAge(now));
  const failedAt = ago(now, nightlyAge(now) - 42);
  const restic = [{ name: 'restic', image: 'restic/restic:0.17.3' }];
  const cronOwner: Owner = { apiVersion: 'batch/v1', kind: 'CronJob', name: 'backup-nightly' };
  const jobSpec = (name: string, containers: Containers) => ({
    parallelism: 1,
    completions: 1,
    backoffLimit: 0,
    completionMode: 'NonIndexed',
    suspend: false,
    podReplacementPolicy: 'TerminatingOrFailed',
    selector: { matchLabels: { 'batch.kubernetes.io/job-name': name } },
    template: template({ 'batch.kubernetes.io/job-name': name, 'job-name': name }, containers, 'Never'),
  });
  const limit = 'Job has reached the specified backoff limit';
  const jobs: KubeObject[] = [
    {
      metadata: meta('Job', nightly, 'default', ran, { owner: cronOwner, generation: 1 }),
      spec: jobSpec(nightly, restic),
      status: {
        conditions: [
          {
            ...cond('FailureTarget', true, failedAt, 'BackoffLimitExceeded', limit),
            lastProbeTime: failedAt,
          },
          { ...cond('Failed', true, failedAt, 'BackoffLimitExceeded', limit), lastProbeTime: failedAt },
        ],
        startTime: ran,
        failed: 1,
        terminating: 0,
        ready: 0,
        uncountedTerminatedPods: {},
      },
    },
    {
      metadata: meta('Job', 'db-migrate', 'default', ago(now, 6 * DAY), { generation: 1 }),
      spec: jobSpec('db-migrate', [{ name: 'migrate', image: 'migrate/migrate:v4.18.1' }]),
      status: {
        conditions: [
          { ...cond('Complete', true, ago(now, 6 * DAY - 19)), lastProbeTime: ago(now, 6 * DAY - 19) },
        ],
        startTime: ago(now, 6 * DAY),
        completionTime: ago(now, 6 * DAY - 19),
        succeeded: 1,
        terminating: 0,
        ready: 0,
        uncountedTerminatedPods: {},
      },
    },
  ];
  const cronjobs: KubeObject[] = [
    {
      metadata: meta('CronJob', 'backup-nightly', 'default', ago(now, 25 * DAY), { generation: 1 }),
      spec: {
        schedule: '0 3 * * *',
        concurrencyPolicy: 'Forbid',
        suspend: false,
        jobTemplate: { metadata: {}, spec: { backoffLimit: 0, template: template({}, restic, 'Never') } },
        successfulJobsHistoryLimit: 3,
        failedJobsHistoryLimit: 1,
      },
      status: { lastScheduleTime: ran, lastSuccessfulTime: ago(now, nightlyAge(now) + DAY - 40) },
    },
  ];
  return { jobs, cronjobs };
}
