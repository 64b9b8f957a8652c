// POST /api/agents/host/link and /unlink (and the /api/agents/agent/ aliases): an admin says which
// Proxmox node an agent host is, overriding (or stopping) the name-and-address inference.
import { HostLinkRequest, HostUnlinkRequest, LIMITS } from '@pulse/shared';
import type { Handler } from 'hono';
import type { AppDeps } from '../../deps.ts';
import { readJson } from '../../http/body.ts';
import type { AppEnv } from '../../http/context.ts';
import { ApiError } from '../../http/errors.ts';
import { type RouteSpec, route } from '../route.ts';

const limits = { maxWireBytes: LIMITS.defaultBodyBytes, maxDecodedBytes: LIMITS.defaultBodyBytes };

export function hostLinkRoutes({ state, hostLinks }: AppDeps): RouteSpec[] {
  const link: Handler<AppEnv> = async (c) => {
    const body = await readJson(c.req, HostLinkRequest, limits);
    if (!state.hosts.get(body.hostId))
      throw new ApiError('not_found', `No host agent with id '${body.hostId}'`);
    if (!state.nodes.get(body.nodeId))
      throw new ApiError('not_found', `No Proxmox node with id '${body.nodeId}'`);
    await hostLinks.link(body.hostId, body.nodeId);
    return c.json({ success: true, hostId: body.hostId, nodeId: body.nodeId });
  };
  const unlink: Handler<AppEnv> = async (c) => {
    const body = await readJson(c.req, HostUnlinkRequest, limits);
    if (!state.hosts.get(body.hostId))
      throw new ApiError('not_found', `No host agent with id '${body.hostId}'`);
    await hostLinks.unlink(body.hostId);
    return c.json({
      success: true,
      hostId: body.hostId,
      message: 'Unlinked; it will not be linked again automatically',
    });
  };
  return [
    route('POST', '/api/agents/host/link', 'agent:manage', link),
    route('POST', '/api/agents/agent/link', 'agent:manage', link),
    route('POST', '/api/agents/host/unlink', 'agent:manage', unlink),
    route('POST', '/api/agents/agent/unlink', 'agent:manage', unlink),
  ];
}
