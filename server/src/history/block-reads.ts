// Stored blocks of one rollup tier, read span by span along the table's (span start, series) row id:
// primary-key lookups and short range walks, bounded by the spans the table actually holds.
import type { SqlClient as Client, SqlStatement as InStatement } from '../db/statement-client.ts';
import { decodeBlock } from './block-codec.ts';
import { appendRange, emptyPoints, type Points } from './points.ts';
import type { Series } from './series.ts';
import { blockId, blockStartOf, bytes, num, ROLLUP_SQL, stmt } from './sql.ts';
import { TIER_SPAN } from './tiers.ts';

export type RollupTier = 1 | 2 | 3;

/** Ids closer than this are read in one walk of the key rather than one lookup each. */
const RANGE_GAP = 64;
/** Above this many statements per read, each span is read as one range of ids. */
const MAX_STATEMENTS = 4096;

/** The first block start of `tier` whose span reaches `t` or later, if any. */
export async function firstBlockFrom(
  client: Client,
  tier: RollupTier,
  t: number,
): Promise<number | undefined> {
  const span = TIER_SPAN[tier];
  const rs = await client.execute(ROLLUP_SQL[tier].firstFrom, [blockId(Math.floor(t / span) * span, 0)]);
  const id = rs.rows[0]?.id;
  return typeof id === 'number' ? blockStartOf(id) : undefined;
}

/** Ascending ids grouped into [lo, hi] ranges with gaps below RANGE_GAP. */
function idRanges(ids: readonly number[]): Array<[number, number]> {
  const sorted = [...ids].sort((a, b) => a - b);
  const out: Array<[number, number]> = [];
  for (const id of sorted) {
    const last = out[out.length - 1];
    if (last && id - last[1] < RANGE_GAP) last[1] = id;
    else out.push([id, id]);
  }
  return out;
}

/** Decodes the blocks of the ids in `ranges` for every span of `tier` from `first` to `last`, in time order. */
async function readSpans(
  client: Client,
  tier: RollupTier,
  first: number,
  last: number,
  ranges: ReadonlyArray<readonly [number, number]>,
  visit: (seriesId: number, data: Uint8Array) => void,
): Promise<void> {
  const span = TIER_SPAN[tier];
  const spans = Math.floor((last - first) / span) + 1;
  const lo = ranges[0]?.[0];
  const hi = ranges[ranges.length - 1]?.[1];
  if (lo === undefined || hi === undefined || spans <= 0) return;
  const perSpan = spans * ranges.length > MAX_STATEMENTS ? [[lo, hi] as const] : ranges;
  const sql = ROLLUP_SQL[tier];
  const stmts: InStatement[] = [];
  for (let start = first; start <= last; start += span) {
    for (const [a, b] of perSpan)
      stmts.push(
        a === b
          ? stmt(sql.block, [blockId(start, a)])
          : stmt(sql.blocks, [blockId(start, a), blockId(start, b)]),
      );
  }
  for (const rs of await client.batch(stmts, 'read'))
    for (const row of rs.rows) visit(num(row, 'series_id'), bytes(row, 'data'));
}

/** Appends the points with from <= t <= to of each listed series' blocks to its entry in `out`. */
export async function readTierBlocks(
  client: Client,
  list: readonly Series[],
  tier: RollupTier,
  from: number,
  to: number,
  out: Map<number, Points>,
): Promise<void> {
  if (list.length === 0) return;
  const span = TIER_SPAN[tier];
  const extent = (await client.execute(ROLLUP_SQL[tier].extent)).rows[0];
  const lo = extent?.lo;
  const hi = extent?.hi;
  if (typeof lo !== 'number' || typeof hi !== 'number') return;
  const first = Math.max(Math.floor(from / span) * span, blockStartOf(lo));
  const last = Math.min(Math.floor(to / span) * span, blockStartOf(hi));
  if (first > last) return;
  const ranges = idRanges(list.map((s) => s.id));
  await readSpans(client, tier, first, last, ranges, (sid, data) => {
    const dst = out.get(sid);
    if (dst) appendRange(dst, decodeBlock(data), from, to);
  });
}

/** Points of series ids [from, upto) in the blocks of `tier` whose spans start in [start, end), per series. */
export async function blocksOfRange(
  client: Client,
  tier: RollupTier,
  from: number,
  upto: number,
  start: number,
  end: number,
): Promise<Map<number, Points>> {
  const out = new Map<number, Points>();
  const span = TIER_SPAN[tier];
  const first = Math.ceil(start / span) * span;
  const last = Math.ceil(end / span) * span - span;
  if (upto <= from || last < first) return out;
  await readSpans(client, tier, first, last, [[from, upto - 1]], (sid, data) => {
    let p = out.get(sid);
    if (!p) {
      p = emptyPoints();
      out.set(sid, p);
    }
    decodeBlock(data, p);
  });
  return out;
}
