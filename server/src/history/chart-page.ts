// Which series a charts answer reads: resources grouped as the dashboard reads them, filtered by type,
// ordered by id and cut to one page per group, so a large fleet's other resources are never read.
import {
  CHART_GROUPS,
  CHART_LIMITS,
  type ChartGroup,
  type ChartGroupCount,
  type ChartsMeta,
  type ChartsQuery,
} from '@pulse/shared';
import { storedTypes } from './query.ts';
import type { Series } from './series.ts';

export const GROUP_OF_TYPE: Readonly<Record<string, ChartGroup>> = {
  vm: 'data',
  container: 'data',
  node: 'nodeData',
  storage: 'storageData',
  dockerContainer: 'dockerData',
  dockerHost: 'dockerHostData',
  agent: 'agentData',
};

export interface ChartPage {
  /** The series of the resources on this page, every group together. */
  series: Series[];
  meta: ChartsMeta;
}

type PageQuery = Pick<ChartsQuery, 'maxPoints' | 'limit' | 'page' | 'type'>;

/**
 * The points per series and resources per group an answer uses: what the query says, else the most the
 * point budget allows. A fleet whose every series fits at the minimum gets all of them (as before paging
 * existed, so small installations never see a capped answer); a larger one gets the first page.
 */
function defaults(
  byGroup: ReadonlyMap<ChartGroup, ReadonlyMap<string, readonly Series[]>>,
  q: PageQuery,
): { maxPoints: number; limit: number } {
  let seriesCount = 0;
  let largestGroup = 0;
  for (const resources of byGroup.values()) {
    largestGroup = Math.max(largestGroup, resources.size);
    for (const list of resources.values()) seriesCount += list.length;
  }
  const { pointBudget, minDefaultPoints } = CHART_LIMITS;
  const fitting = Math.floor(pointBudget / Math.max(1, seriesCount));
  const maxPoints = q.maxPoints ?? Math.min(CHART_LIMITS.maxPoints.max, Math.max(minDefaultPoints, fitting));
  const everything = seriesCount * maxPoints <= pointBudget;
  const limit = q.limit ?? (everything ? Math.max(1, largestGroup) : CHART_LIMITS.limit.default);
  return { maxPoints, limit };
}

export function chartPage(all: readonly Series[], q: PageQuery): ChartPage {
  const wanted = q.type ? new Set(q.type.flatMap(storedTypes)) : undefined;
  const byGroup = new Map<ChartGroup, Map<string, Series[]>>(CHART_GROUPS.map((g) => [g, new Map()]));
  for (const s of all) {
    const group = GROUP_OF_TYPE[s.resourceType];
    if (!group || (wanted && !wanted.has(s.resourceType))) continue;
    const resources = byGroup.get(group);
    if (!resources) continue;
    const list = resources.get(s.resourceId) ?? [];
    list.push(s);
    resources.set(s.resourceId, list);
  }
  const { maxPoints, limit } = defaults(byGroup, q);
  const offset = (q.page - 1) * limit;
  const series: Series[] = [];
  const counts = new Map<ChartGroup, ChartGroupCount>();
  for (const group of CHART_GROUPS) {
    const resources = byGroup.get(group) ?? new Map<string, Series[]>();
    const ids = [...resources.keys()].sort();
    const picked = ids.slice(offset, offset + limit);
    for (const id of picked) series.push(...(resources.get(id) ?? []));
    counts.set(group, { total: ids.length, returned: picked.length });
  }
  const count = (g: ChartGroup): ChartGroupCount => counts.get(g) ?? { total: 0, returned: 0 };
  const groups: ChartsMeta['groups'] = {
    data: count('data'),
    nodeData: count('nodeData'),
    storageData: count('storageData'),
    dockerData: count('dockerData'),
    dockerHostData: count('dockerHostData'),
    agentData: count('agentData'),
  };
  const capped = [...counts.values()].some((c) => c.returned < c.total);
  return { series, meta: { capped, maxPoints, limit, page: q.page, groups } };
}
