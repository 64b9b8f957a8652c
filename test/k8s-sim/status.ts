// metav1.Status failure bodies, worded as kube-apiserver words them.
import type { ResourceDef } from './discovery.ts';

export interface StatusBody {
  kind: 'Status';
  apiVersion: 'v1';
  metadata: { continue?: string };
  status: 'Failure';
  message: string;
  reason: string;
  details?: { name?: string; group?: string; kind?: string };
  code: number;
}

function status(code: number, reason: string, message: string, details?: StatusBody['details']): StatusBody {
  return {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message,
    reason,
    ...(details ? { details } : {}),
    code,
  };
}

/** Unknown path, group or resource. */
export const pathNotFound = (): StatusBody =>
  status(404, 'NotFound', 'the server could not find the requested resource', {});

/** A named object that does not exist. */
export function objectNotFound(r: ResourceDef, name: string): StatusBody {
  const what = r.group ? `${r.plural}.${r.group}` : r.plural;
  const details = { name, ...(r.group ? { group: r.group } : {}), kind: r.plural };
  return status(404, 'NotFound', `${what} "${name}" not found`, details);
}

export const unauthorized = (): StatusBody => status(401, 'Unauthorized', 'Unauthorized');

/** What RBAC answers when the service account lacks the verb on the resource. */
export function forbidden(user: string, verb: string, r: ResourceDef | undefined, path: string, ns?: string) {
  if (!r) return status(403, 'Forbidden', `forbidden: User "${user}" cannot ${verb} path "${path}"`, {});
  const what = r.group ? `${r.plural}.${r.group}` : r.plural;
  const scope = ns ? `in the namespace "${ns}"` : 'at the cluster scope';
  const message = `${what} is forbidden: User "${user}" cannot ${verb} resource "${r.plural}" in API group "${r.group}" ${scope}`;
  return status(403, 'Forbidden', message, { ...(r.group ? { group: r.group } : {}), kind: r.plural });
}

export function serviceUnavailable(r: ResourceDef | undefined): StatusBody {
  const what = r ? (r.group ? `${r.plural}.${r.group}` : r.plural) : undefined;
  const message = 'the server is currently unable to handle the request';
  return status(503, 'ServiceUnavailable', what ? `${message} (get ${what})` : message, {});
}

export const methodNotAllowed = (): StatusBody =>
  status(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource', {});

export const badRequest = (message: string): StatusBody => status(400, 'BadRequest', message);

export function expired(nextContinue: string): StatusBody {
  const body = status(
    410,
    'Expired',
    'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.',
  );
  body.metadata.continue = nextContinue;
  return body;
}
