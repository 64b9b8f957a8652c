// Swarm state for the report: the node's own view from /info, and (on a manager) services, tasks, nodes.
import type {
  DockerConfig,
  DockerSecret,
  DockerService,
  DockerServicePort,
  DockerSwarmInfo,
  DockerSwarmNode,
  DockerTask,
} from '@pulse/shared';
import { bool, count, obj, objList, rfc3339, str, strMap, type View } from './json.ts';

type SwarmView = View<'NodeID' | 'LocalNodeState' | 'ControlAvailable' | 'Error' | 'Cluster'>;

/** The node's Swarm state; undefined when the engine has none to tell (no Swarm block, Podman). */
export function swarmInfo(swarm: unknown): DockerSwarmInfo | undefined {
  const s = obj<SwarmView>(swarm);
  const localState = str(s?.LocalNodeState);
  if (s === undefined || localState === undefined) return undefined;
  const control = bool(s.ControlAvailable);
  const active = localState === 'active';
  const cluster = obj<View<'ID' | 'Spec'>>(s.Cluster);
  return {
    nodeId: str(s.NodeID),
    nodeRole: active ? (control === true ? 'manager' : 'worker') : undefined,
    localState,
    controlAvailable: control,
    clusterId: str(cluster?.ID),
    clusterName: str(obj<View<'Name'>>(cluster?.Spec)?.Name),
    scope: active ? 'swarm' : 'local',
    error: str(s.Error),
  };
}

/** Whether this engine can answer the Swarm lists: only a manager can. */
export function isSwarmManager(swarm: unknown): boolean {
  return bool(obj<SwarmView>(swarm)?.ControlAvailable) === true;
}

type SpecView = View<'Name' | 'Labels' | 'TaskTemplate' | 'Mode' | 'EndpointSpec'>;

function servicePorts(ports: unknown): DockerServicePort[] {
  return objList<View<'Name' | 'Protocol' | 'TargetPort' | 'PublishedPort' | 'PublishMode'>>(ports).map(
    (p) => ({
      name: str(p.Name),
      protocol: str(p.Protocol),
      targetPort: port(p.TargetPort),
      publishedPort: port(p.PublishedPort),
      publishMode: str(p.PublishMode),
    }),
  );
}

function port(value: unknown): number | undefined {
  const n = count(value);
  return n !== undefined && n <= 65_535 ? n : undefined;
}

/** `/services?status=true`: ServiceStatus carries the task counts (API 1.41+). */
export function services(list: unknown): DockerService[] {
  type ServiceView = View<'ID' | 'Spec' | 'Endpoint' | 'ServiceStatus' | 'UpdateStatus'> &
    View<'CreatedAt' | 'UpdatedAt'>;
  return objList<ServiceView>(list).flatMap((s) => {
    const id = str(s.ID);
    if (id === undefined) return [];
    const spec = obj<SpecView>(s.Spec);
    const labels = strMap(spec?.Labels);
    const mode = obj<View<string>>(spec?.Mode);
    const modeName = mode === undefined ? undefined : Object.keys(mode)[0];
    const replicas = count(obj<View<'Replicas'>>(mode?.Replicated)?.Replicas);
    const status = obj<View<'RunningTasks' | 'DesiredTasks' | 'CompletedTasks'>>(s.ServiceStatus);
    const update = obj<View<'State' | 'Message' | 'CompletedAt'>>(s.UpdateStatus);
    const ports = servicePorts(
      obj<View<'Ports'>>(s.Endpoint)?.Ports ?? obj<View<'Ports'>>(spec?.EndpointSpec)?.Ports,
    );
    const image = str(
      obj<View<'Image'>>(obj<View<'ContainerSpec'>>(spec?.TaskTemplate)?.ContainerSpec)?.Image,
    );
    return [
      {
        id,
        name: str(spec?.Name) ?? id,
        stack: labels?.['com.docker.stack.namespace'],
        image,
        // Replicated, Global, ReplicatedJob, GlobalJob as the CLI prints them.
        mode: modeName?.replace(/([a-z])([A-Z])/g, '$1-$2').toLowerCase(),
        desiredTasks: count(status?.DesiredTasks) ?? replicas,
        runningTasks: count(status?.RunningTasks),
        completedTasks: count(status?.CompletedTasks),
        labels,
        endpointPorts: ports.length > 0 ? ports.slice(0, 1024) : undefined,
        updateStatus:
          update === undefined
            ? undefined
            : {
                state: str(update.State),
                message: str(update.Message),
                completedAt: rfc3339(update.CompletedAt),
              },
        createdAt: rfc3339(s.CreatedAt),
        updatedAt: rfc3339(s.UpdatedAt),
      },
    ];
  });
}

/** Task states after which the task will not run again: their status time is when it ended. */
const ENDED = new Set(['complete', 'failed', 'shutdown', 'rejected', 'orphaned', 'remove']);

/**
 * `/tasks`, with service and node names looked up. The container name is derived the way dockerd names a
 * task's container (`service.slot.taskId`, a global service's `service.nodeId.taskId`). A task has no start
 * time of its own: Status.Timestamp is its last state change, so it is startedAt while running and
 * completedAt once ended.
 */
export function tasks(
  list: unknown,
  serviceNames: ReadonlyMap<string, string>,
  nodeNames: ReadonlyMap<string, string>,
): DockerTask[] {
  type TaskView = View<'ID' | 'ServiceID' | 'Slot' | 'NodeID' | 'DesiredState' | 'Status'> &
    View<'CreatedAt' | 'UpdatedAt'>;
  return objList<TaskView>(list).flatMap((t) => {
    const id = str(t.ID);
    if (id === undefined) return [];
    const serviceId = str(t.ServiceID);
    const nodeId = str(t.NodeID);
    const slot = count(t.Slot);
    const serviceName = serviceId === undefined ? undefined : serviceNames.get(serviceId);
    const status = obj<View<'State' | 'Err' | 'Message' | 'Timestamp' | 'ContainerStatus'>>(t.Status);
    const state = str(status?.State);
    const at = rfc3339(status?.Timestamp);
    const containerId = str(obj<View<'ContainerID'>>(status?.ContainerStatus)?.ContainerID);
    const slotOrNode = slot !== undefined && slot > 0 ? String(slot) : nodeId;
    return [
      {
        id,
        serviceId,
        serviceName,
        slot,
        nodeId,
        nodeName: nodeId === undefined ? undefined : nodeNames.get(nodeId),
        desiredState: str(t.DesiredState),
        currentState: state,
        error: str(status?.Err),
        message: str(status?.Message),
        containerId,
        containerName:
          containerId !== undefined && serviceName !== undefined && slotOrNode !== undefined
            ? `${serviceName}.${slotOrNode}.${id}`
            : undefined,
        createdAt: rfc3339(t.CreatedAt),
        updatedAt: rfc3339(t.UpdatedAt),
        startedAt: state === 'running' ? at : undefined,
        completedAt: state !== undefined && ENDED.has(state) ? at : undefined,
      },
    ];
  });
}

export function nodes(list: unknown): DockerSwarmNode[] {
  type NodeView = View<
    'ID' | 'Spec' | 'Description' | 'Status' | 'ManagerStatus' | 'CreatedAt' | 'UpdatedAt'
  >;
  return objList<NodeView>(list).flatMap((n) => {
    const id = str(n.ID);
    if (id === undefined) return [];
    const spec = obj<View<'Role' | 'Availability' | 'Labels'>>(n.Spec);
    const desc = obj<View<'Hostname' | 'Platform' | 'Resources' | 'Engine'>>(n.Description);
    const platform = obj<View<'OS' | 'Architecture'>>(desc?.Platform);
    const resources = obj<View<'NanoCPUs' | 'MemoryBytes'>>(desc?.Resources);
    const engine = obj<View<'EngineVersion' | 'Labels'>>(desc?.Engine);
    const status = obj<View<'State' | 'Message' | 'Addr'>>(n.Status);
    const manager = obj<View<'Leader' | 'Reachability' | 'Addr'>>(n.ManagerStatus);
    return [
      {
        id,
        hostname: str(desc?.Hostname),
        role: str(spec?.Role),
        availability: str(spec?.Availability),
        state: str(status?.State),
        message: str(status?.Message),
        address: str(status?.Addr),
        managerReachability: str(manager?.Reachability),
        managerAddress: str(manager?.Addr),
        leader: bool(manager?.Leader),
        engineVersion: str(engine?.EngineVersion),
        os: str(platform?.OS),
        architecture: str(platform?.Architecture),
        nanoCpus: count(resources?.NanoCPUs),
        memoryBytes: count(resources?.MemoryBytes),
        labels: strMap(spec?.Labels),
        engineLabels: strMap(engine?.Labels),
        createdAt: rfc3339(n.CreatedAt),
        updatedAt: rfc3339(n.UpdatedAt),
      },
    ];
  });
}

type SwarmObjectView = View<'ID' | 'Spec' | 'CreatedAt' | 'UpdatedAt'>;
type SwarmObjectSpec = View<'Name' | 'Labels' | 'Driver' | 'Templating'>;

/** Secret metadata only: the list never carries a secret's value, and `Spec.Data` is not read. */
export function secrets(list: unknown): DockerSecret[] {
  return objList<SwarmObjectView>(list).flatMap((s) => {
    const spec = obj<SwarmObjectSpec>(s.Spec);
    const base = swarmObject(s, spec);
    return base === undefined ? [] : [{ ...base, driverName: str(obj<View<'Name'>>(spec?.Driver)?.Name) }];
  });
}

/** Config metadata only: `Spec.Data` (the payload, which the list does carry) is never read. */
export function configs(list: unknown): DockerConfig[] {
  return objList<SwarmObjectView>(list).flatMap((c) => {
    const base = swarmObject(c, obj<SwarmObjectSpec>(c.Spec));
    return base === undefined ? [] : [base];
  });
}

function swarmObject(o: SwarmObjectView, spec: SwarmObjectSpec | undefined): DockerConfig | undefined {
  const id = str(o.ID);
  if (id === undefined) return undefined;
  return {
    id,
    name: str(spec?.Name) ?? id,
    labels: strMap(spec?.Labels),
    templatingDriver: str(obj<View<'Name'>>(spec?.Templating)?.Name),
    createdAt: rfc3339(o.CreatedAt),
    updatedAt: rfc3339(o.UpdatedAt),
  };
}
