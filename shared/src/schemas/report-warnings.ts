// What a report answer says about parts of the report the server dropped, repaired or clamped.
import { z } from 'zod';

/**
 * One thing the server did not take as sent: `path` names the item or field (`containers[3]`,
 * `timestamp`), `message` says what was wrong and what the server did about it.
 */
export const ReportWarning = z.object({
  path: z.string(),
  message: z.string(),
});
export type ReportWarning = z.infer<typeof ReportWarning>;

/** Present on a report answer only when there is something to say; its length is the count. */
export const ReportWarnings = z.array(ReportWarning).max(1000);
export type ReportWarnings = z.infer<typeof ReportWarnings>;
