// /api/config/nodes: add, list, change and remove Proxmox VE / Backup Server / Mail Gateway connections,
// and test them before or after saving.
import {
  LIMITS,
  NodeConfigRequest,
  NodeConfigUpdate,
  type NodeConfigView,
  NodeTestRequest,
} from '@pulse/shared';
import type { AppDeps } from '../../deps.ts';
import { readJson } from '../../http/body.ts';
import { ApiError } from '../../http/errors.ts';
import { normalizeBaseUrl } from '../../sources/proxmox/client/normalize.ts';
import type { ProxmoxInstance } from '../../sources/proxmox/instance-store.ts';
import { pathParam, type RouteSpec, route } from '../route.ts';
import { upstreamError } from './upstream-error.ts';

const limits = { maxWireBytes: LIMITS.defaultBodyBytes, maxDecodedBytes: LIMITS.defaultBodyBytes };

function view(instance: ProxmoxInstance, status: NodeConfigView['status']): NodeConfigView {
  return {
    id: instance.id,
    type: instance.type,
    name: instance.name,
    host: instance.host,
    guestURL: instance.guestURL,
    user: instance.user,
    tokenName: instance.tokenName,
    hasPassword: instance.hasPassword,
    hasToken: instance.hasToken,
    verifySSL: instance.verifySSL,
    fingerprint: instance.fingerprint,
    ...instance.options,
    isCluster: instance.cluster.isCluster,
    clusterName: instance.cluster.name,
    clusterEndpoints: instance.cluster.endpoints,
    status,
    createdAt: new Date(instance.createdAt).toISOString(),
    updatedAt: new Date(instance.updatedAt).toISOString(),
  };
}

function hostProblem(type: NodeConfigRequest['type'], host: string): string | undefined {
  try {
    normalizeBaseUrl(type, host);
    return undefined;
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
}

function assertHost(type: NodeConfigRequest['type'], host: string): void {
  const problem = hostProblem(type, host);
  if (problem) throw new ApiError('validation_failed', `Invalid body: host: ${problem}`, { host: problem });
}

export function nodeConfigRoutes({ instances, proxmox }: AppDeps): RouteSpec[] {
  const show = (i: ProxmoxInstance) => view(i, proxmox.status(i.id));
  return [
    route('GET', '/api/config/nodes', 'settings:read', (c) => c.json(instances.list().map(show))),
    route('POST', '/api/config/nodes', 'settings:write', async (c) => {
      const body = await readJson(c.req, NodeConfigRequest, limits);
      assertHost(body.type, body.host);
      return c.json(show(await instances.create(body)), 201);
    }),
    route('POST', '/api/config/nodes/test-config', 'settings:write', async (c) => {
      const body = await readJson(c.req, NodeTestRequest, limits);
      assertHost(body.type, body.host);
      return c.json({
        success: true,
        message: 'The configuration is valid (nothing was contacted; use test-connection for that)',
        type: body.type,
        baseUrl: normalizeBaseUrl(body.type, body.host),
        auth: body.tokenName ? 'token' : 'password',
      });
    }),
    route('POST', '/api/config/nodes/test-connection', 'settings:write', async (c) => {
      const body = await readJson(c.req, NodeTestRequest, limits);
      assertHost(body.type, body.host);
      const report = await proxmox.testConnection({
        product: body.type,
        baseUrl: body.host,
        verifySSL: body.verifySSL ?? false,
        fingerprint: body.fingerprint || undefined,
        credentials: {
          user: body.user,
          password: body.password,
          tokenName: body.tokenName,
          tokenValue: body.tokenValue,
        },
      });
      return c.json({ success: report.ok, ...report });
    }),
    route('PUT', '/api/config/nodes/:id', 'settings:write', async (c) => {
      const id = pathParam(c, 'id');
      const current = instances.require(id);
      const body = await readJson(c.req, NodeConfigUpdate, limits);
      if (body.host !== undefined || body.type !== undefined) {
        assertHost(body.type ?? current.type, body.host ?? current.host);
      }
      return c.json(show(await instances.update(id, body)));
    }),
    route('DELETE', '/api/config/nodes/:id', 'settings:write', async (c) => {
      await instances.remove(pathParam(c, 'id'));
      return c.body(null, 204);
    }),
    route('POST', '/api/config/nodes/:id/test', 'settings:write', async (c) => {
      const instance = instances.require(pathParam(c, 'id'));
      const report = await proxmox.testSaved(instance.id);
      return c.json({ success: report.ok, ...report });
    }),
    route('POST', '/api/config/nodes/:id/refresh-cluster', 'settings:write', async (c) => {
      const instance = instances.require(pathParam(c, 'id'));
      if (instance.type !== 'pve') {
        throw new ApiError(
          'bad_request',
          `Node '${instance.id}' is a ${instance.type} connection; only pve nodes form clusters`,
        );
      }
      const cluster = await proxmox.refreshCluster(instance.id).catch((err: unknown) => {
        throw upstreamError(err, `Refreshing the cluster of node '${instance.id}'`, instance.host);
      });
      return c.json({ success: true, ...cluster, node: show(instances.require(instance.id)) });
    }),
  ];
}
