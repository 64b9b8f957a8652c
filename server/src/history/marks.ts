// The writer's progress marks, kept in metric_marks so that a restart resumes sealing and rollups.
import type { SqlClient as Client, SqlStatement as InStatement } from '../db/statement-client.ts';
import { num, SQL, stmt, text } from './sql.ts';
import { TIER_SPAN, type Tier } from './tiers.ts';

export interface Marks {
  /** Every sample before this second is in a raw block. */
  sealed: number;
  /** Per tier, every span before this second is rolled up into it (tier 0 unused). */
  rolled: Record<Tier, number>;
}

export class MarkStore implements Marks {
  sealed: number;
  rolled: Record<Tier, number>;

  private constructor(marks: Marks) {
    this.sealed = marks.sealed;
    this.rolled = marks.rolled;
  }

  /** A fresh store starts its marks at the current span of each tier and writes them. */
  static async load(client: Client, nowSeconds: number): Promise<MarkStore> {
    const saved = new Map(
      (await client.execute(SQL.selectMarks)).rows.map((r) => [text(r, 'key'), num(r, 'value')]),
    );
    const at = (tier: Tier) => Math.floor(nowSeconds / TIER_SPAN[tier]) * TIER_SPAN[tier];
    const marks = new MarkStore({
      sealed: saved.get('sealed') ?? at(0),
      rolled: {
        0: 0,
        1: saved.get('rolled_1') ?? at(1),
        2: saved.get('rolled_2') ?? at(2),
        3: saved.get('rolled_3') ?? at(3),
      },
    });
    if (saved.size === 0) {
      await client.batch(
        [
          marks.statement('sealed', marks.sealed),
          marks.statement('rolled_1', marks.rolled[1]),
          marks.statement('rolled_2', marks.rolled[2]),
          marks.statement('rolled_3', marks.rolled[3]),
        ],
        'write',
      );
    }
    return marks;
  }

  statement(key: string, value: number): InStatement {
    return stmt(SQL.putMark, [key, value]);
  }
}
