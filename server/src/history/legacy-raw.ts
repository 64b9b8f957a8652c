// Raw blocks of the layout before slabs (per series, 15 minutes each, in metric_blocks): a store upgraded
// from it reads, rolls up and prunes them with that layout's queries until the raw retention drops them.
import type { SqlClient as Client, SqlStatement as InStatement } from '../db/statement-client.ts';
import { decodeBlock } from './block-codec.ts';
import { appendRange, emptyPoints, type Points } from './points.ts';
import type { Series } from './series.ts';
import { bytes, num, SQL, stmt } from './sql.ts';

/** What one such block spans at most. */
const LEGACY_SPAN = 900;
/** Above this many series one scan beats a primary-key lookup per series. */
const SCAN_THRESHOLD = 16;

export async function anyLegacyRaw(client: Client): Promise<boolean> {
  return (await client.execute(SQL.anyLegacyBlock)).rows.length > 0;
}

/** Appends the points with from <= t <= to of each listed series' blocks to its entry in `out`. */
export async function readLegacyRaw(
  client: Client,
  list: readonly Series[],
  from: number,
  to: number,
  out: Map<number, Points>,
): Promise<void> {
  const rows =
    list.length > SCAN_THRESHOLD
      ? (await client.execute(SQL.legacyBlocks, [from, to])).rows
      : (
          await client.batch(
            list.map((s) => stmt(SQL.legacySeriesBlocks, [s.id, to, from])),
            'read',
          )
        ).flatMap((rs) => rs.rows);
  for (const row of rows) {
    const dst = out.get(num(row, 'series_id'));
    if (dst) appendRange(dst, decodeBlock(bytes(row, 'data')), from, to);
  }
}

/** Points of series ids [from, upto) in blocks overlapping [start, end), per series. */
export async function legacyRawOfRange(
  client: Client,
  from: number,
  upto: number,
  start: number,
  end: number,
): Promise<Map<number, Points>> {
  const out = new Map<number, Points>();
  for (const row of (await client.execute(SQL.legacyRollupSource, [from, upto, start, end])).rows) {
    const sid = num(row, 'series_id');
    let p = out.get(sid);
    if (!p) {
      p = emptyPoints();
      out.set(sid, p);
    }
    decodeBlock(bytes(row, 'data'), p);
  }
  return out;
}

/** A lower bound of the start of the earliest block that reaches `t` or later, if any. */
export async function legacyFirstStartFrom(client: Client, t: number): Promise<number | undefined> {
  const end = (await client.execute(SQL.legacyFirstEndFrom, [t])).rows[0]?.end_ts;
  return typeof end === 'number' ? end - LEGACY_SPAN : undefined;
}

export function legacyPrune(cutoff: number, budget: number): InStatement {
  return stmt(SQL.legacyPrune, [cutoff, budget]);
}
