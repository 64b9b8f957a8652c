// Management routes shared by Docker hosts and Kubernetes clusters: remove (hide/force), allow
// re-enrolment, unhide, pending uninstall, display name.
import type { Scope } from '@pulse/shared';
import { LIMITS } from '@pulse/shared';
import { z } from 'zod';
import { type BodySource, parseJson, parseQuery, readBody, readJson } from '../../http/body.ts';
import { ApiError, validationError } from '../../http/errors.ts';
import type { AgentFleet, FleetEntity } from '../../sources/agents/agent-fleet.ts';
import { pathParam, type RouteSpec, route } from '../route.ts';

const limits = { maxWireBytes: LIMITS.defaultBodyBytes, maxDecodedBytes: LIMITS.defaultBodyBytes };

const flag = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');
const RemoveQuery = z.object({ hide: flag.optional(), force: flag.optional() });
const DisplayNameBody = z.strictObject({ displayName: z.string().trim().max(200) });
const PendingBody = z.strictObject({ pendingUninstall: z.boolean().default(true) });

/** An empty body means "mark it"; a body, when sent, must be valid. */
async function pendingBody(req: BodySource): Promise<boolean> {
  const raw = await readBody(req, limits);
  if (raw.toString('utf8').trim() === '') return true;
  const parsed = PendingBody.safeParse(parseJson(raw));
  if (!parsed.success) throw validationError(parsed.error);
  return parsed.data.pendingUninstall;
}

export function fleetRoutes<T extends FleetEntity>(
  fleet: AgentFleet<T>,
  base: string,
  scope: Scope,
): RouteSpec[] {
  const noun = fleet.opts.noun;
  const notFound = (id: string) => new ApiError('not_found', `No ${noun} with id '${id}'`);
  return [
    route('DELETE', `${base}/:id`, scope, async (c) => {
      const id = pathParam(c, 'id');
      const q = parseQuery(RemoveQuery, c.req.query());
      const outcome = await fleet.remove(id, { hide: q.hide ?? false, force: q.force ?? false });
      if (outcome === 'not_found') throw notFound(id);
      return c.json({
        success: true,
        id,
        outcome,
        message:
          outcome === 'hidden'
            ? `${noun} hidden; it keeps reporting and PUT ${base}/${id}/unhide shows it again`
            : `${noun} removed; it may not report again for 24 hours unless re-enrolment is allowed`,
      });
    }),
    route('POST', `${base}/:id/allow-reenroll`, scope, async (c) => {
      const id = pathParam(c, 'id');
      if (!(await fleet.allowReenroll(id)))
        throw new ApiError('not_found', `${noun} '${id}' is not blocked from reporting`);
      return c.json({ success: true, id });
    }),
    route('PUT', `${base}/:id/unhide`, scope, async (c) => {
      const id = pathParam(c, 'id');
      const item = await fleet.update(id, { hidden: false });
      if (!item) throw notFound(id);
      return c.json({ success: true, id, hidden: item.hidden });
    }),
    route('PUT', `${base}/:id/pending-uninstall`, scope, async (c) => {
      const id = pathParam(c, 'id');
      const pendingUninstall = await pendingBody(c.req);
      const item = await fleet.update(id, { pendingUninstall });
      if (!item) throw notFound(id);
      return c.json({ success: true, id, pendingUninstall: item.pendingUninstall });
    }),
    route('PUT', `${base}/:id/display-name`, scope, async (c) => {
      const id = pathParam(c, 'id');
      const { displayName } = await readJson(c.req, DisplayNameBody, limits);
      const item = await fleet.update(id, { displayName: displayName || null });
      if (!item) throw notFound(id);
      return c.json({
        success: true,
        id,
        displayName: item.displayName,
        customDisplayName: item.customDisplayName ?? null,
      });
    }),
  ];
}
