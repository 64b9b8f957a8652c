// Pending package updates per online node from /nodes/{n}/apt/update (a cached list; no refresh is started).
import type { ProxmoxApi } from './api.ts';
import { asArray } from './read.ts';
import { type CollectError, errorStatus, mapLimit, toCollectError } from './run.ts';

export interface NodeUpdates {
  node: string;
  pending: number;
}

/** A 403 means the token may not read apt data: the count stays unknown and nothing is reported. */
export async function collectUpdates(
  api: ProxmoxApi,
  onlineNodes: readonly string[],
  concurrency: number,
  errors: CollectError[],
): Promise<NodeUpdates[]> {
  const results = await mapLimit(onlineNodes, concurrency, async (node): Promise<NodeUpdates | undefined> => {
    const path = `/nodes/${node}/apt/update`;
    try {
      return { node, pending: asArray(await api.get(path)).length };
    } catch (err) {
      if (errorStatus(err) !== 403) errors.push(toCollectError(path, err));
      return undefined;
    }
  });
  return results.filter((r): r is NodeUpdates => r !== undefined);
}
