// Host agent routes: report ingest (and its alias), lookup, removal, re-enrolment.
import { HostLookupQuery, HostReport, LIMITS, PATHS } from '@pulse/shared';
import type { Handler } from 'hono';
import type { AppDeps } from '../../deps.ts';
import { parseQuery } from '../../http/body.ts';
import type { AppEnv } from '../../http/context.ts';
import { ApiError } from '../../http/errors.ts';
import { readReport, type TolerantList, withWarnings } from '../../http/tolerant-parse.ts';
import { WarningLog } from '../../http/warning-log.ts';
import { pathParam, type RouteSpec, route } from '../route.ts';

const reportLimits = {
  maxWireBytes: LIMITS.hostReportWireBytes,
  maxDecodedBytes: LIMITS.hostReportDecodedBytes,
  tooLarge: 'report_too_large' as const,
};

/** Lists whose items stand alone: a malformed one is dropped with a warning instead of failing the report. */
const HOST_REPORT_LISTS: TolerantList[] = [
  { path: ['disks'], noun: 'disk' },
  { path: ['diskIO'], noun: 'disk I/O entry' },
  { path: ['network'], noun: 'network interface' },
  { path: ['sensors', 'smart'], noun: 'SMART disk' },
  { path: ['sensors', 'custom'], noun: 'custom sensor' },
  { path: ['sensors', 'gpu'], noun: 'GPU' },
  { path: ['availabilityResults'], noun: 'availability result' },
];

export function hostAgentRoutes({ hostAgents, hostLinks, log }: AppDeps): RouteSpec[] {
  const dropped = new WarningLog(log);
  const report: Handler<AppEnv> = async (c) => {
    const { data: body, warnings } = await readReport(c.req, HostReport, reportLimits, HOST_REPORT_LISTS);
    const { applied, ...answer } = await hostAgents.ingest(body, c.get('token'));
    log.debug('host report', { agentId: answer.agentId, sequenceId: body.sequenceId, applied });
    dropped.note(`host:${answer.agentId}`, warnings);
    return c.json(withWarnings(answer, warnings));
  };

  const lookup: Handler<AppEnv> = (c) => {
    const query = parseQuery(HostLookupQuery, c.req.query());
    const host = hostAgents.lookup(query);
    if (!host) {
      throw new ApiError(
        'agent_not_found',
        `No host agent matches ${query.id ? `id '${query.id}'` : `hostname '${query.hostname}'`}`,
      );
    }
    return c.json({
      success: true as const,
      host: {
        id: host.id,
        agentId: host.agentId,
        hostname: host.hostname,
        displayName: host.displayName,
        status: host.status,
        connected: host.status === 'online',
        lastSeen: host.lastSeen,
        agentVersion: host.agentVersion,
      },
    });
  };

  return [
    route('POST', PATHS.hostReport, 'agent:report', report),
    route('POST', PATHS.hostReportAlias, 'agent:report', report),
    route('GET', '/api/agents/host/lookup', 'agent:report', lookup),
    route('GET', '/api/agents/agent/lookup', 'agent:report', lookup),
    route('DELETE', '/api/agents/host/:id', 'agent:manage', async (c) => {
      const id = pathParam(c, 'id');
      if (!(await hostAgents.remove(id))) throw new ApiError('not_found', `No host agent with id '${id}'`);
      await hostLinks.forget(id);
      return c.json({
        success: true,
        id,
        message: 'Host removed; it may not report again for 24 hours unless re-enrolment is allowed',
      });
    }),
    route('POST', '/api/agents/host/:id/allow-reenroll', 'agent:manage', async (c) => {
      const id = pathParam(c, 'id');
      if (!(await hostAgents.allowReenroll(id)))
        throw new ApiError('not_found', `Host '${id}' is not blocked from reporting`);
      return c.json({ success: true, id });
    }),
  ];
}
