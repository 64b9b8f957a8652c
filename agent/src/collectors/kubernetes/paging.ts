// Chunked lists: `limit` pages joined through `continue` tokens, with a cap on what one kind may hold.
import { describeApiError } from './errors.ts';

export interface PageParams {
  limit: number;
  _continue?: string;
}

/** What every V1XxxList has; `_continue` is client-node's name for metadata.continue. */
export interface Page<T> {
  items: T[];
  metadata?: { _continue?: string };
}

export interface Listed<T> {
  items: T[];
  /** More objects exist than `cap`. */
  truncated: boolean;
}

/**
 * Fetches pages of `pageSize` until the server has no more or `cap` items are in. A continue token that
 * expired (410, the store compacted between pages) restarts the list once from the beginning.
 */
export async function listAll<T>(
  fetchPage: (params: PageParams) => Promise<Page<T>>,
  opts: { pageSize: number; cap: number },
): Promise<Listed<T>> {
  for (let restarts = 0; ; restarts++) {
    const items: T[] = [];
    let token: string | undefined;
    try {
      do {
        const page = await fetchPage(
          token ? { limit: opts.pageSize, _continue: token } : { limit: opts.pageSize },
        );
        items.push(...page.items);
        token = page.metadata?._continue || undefined;
        if (items.length >= opts.cap) {
          return {
            items: items.slice(0, opts.cap),
            truncated: token !== undefined || items.length > opts.cap,
          };
        }
      } while (token);
      return { items, truncated: false };
    } catch (err) {
      if (restarts > 0 || token === undefined || describeApiError(err).kind !== 'expired') throw err;
    }
  }
}
