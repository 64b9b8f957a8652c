// Listing one kind for a cycle: paging, retries, the include list, the cap, and what a failure means.
import { ClusterLost, describeApiError } from './errors.ts';
import { listAll, type Page, type PageParams } from './paging.ts';
import { API_RETRY, withRetry } from './retry.ts';
import type { Source } from './sources.ts';

export interface FetchContext {
  signal: AbortSignal;
  /** --kube-include-namespace: namespaced kinds are listed in these namespaces only. */
  includeNamespaces: string[];
  pageSize: number;
  /** Why a kind is missing or short, by report field; the caller reports and logs them. */
  notes: Record<string, string>;
}

export interface KindOptions {
  /**
   * Without this kind there is no report worth sending (nodes, pods): any failure is ClusterLost.
   * Otherwise a 403 or 404 omits the kind with a note and the cycle goes on.
   */
  core: boolean;
  cap: number;
}

/**
 * The kind's objects, or undefined when it could not be listed (with a note under `key`). Throws
 * ClusterLost when the credentials are refused (401: no other list will do better) or a core kind fails.
 */
export async function fetchKind<T>(
  ctx: FetchContext,
  key: string,
  source: Source<T>,
  opts: KindOptions,
): Promise<T[] | undefined> {
  const call =
    (fn: (p: PageParams) => Promise<Page<T>>) =>
    (p: PageParams): Promise<Page<T>> =>
      withRetry(() => fn(p), API_RETRY, ctx.signal);
  const { inNamespace } = source;
  const lists =
    ctx.includeNamespaces.length > 0 && inNamespace
      ? ctx.includeNamespaces.map((ns) => call((p) => inNamespace(ns, p)))
      : [call((p) => source.all(p))];
  try {
    const items: T[] = [];
    let truncated = false;
    for (const list of lists) {
      if (items.length >= opts.cap) {
        truncated = true;
        break;
      }
      const got = await listAll(list, { pageSize: ctx.pageSize, cap: opts.cap - items.length });
      items.push(...got.items);
      truncated ||= got.truncated;
    }
    if (truncated)
      ctx.notes[key] = `more than ${opts.cap} ${source.resource}: only the first ${opts.cap} were read`;
    return items;
  } catch (err) {
    if (err instanceof ClusterLost) throw err;
    if (ctx.signal.aborted) throw ctx.signal.reason;
    const failure = describeApiError(err);
    if (opts.core || failure.kind === 'unauthorized') {
      throw new ClusterLost(`listing ${source.resource}: ${failure.message}`, { cause: err });
    }
    ctx.notes[key] = `${source.resource} omitted: ${failure.message}`;
    return undefined;
  }
}
