// The one error body every API error uses.
import { z } from 'zod';

export const ErrorEnvelope = z.object({
  error: z.string(),
  code: z.string(),
  status_code: z.number().int(),
  request_id: z.string(),
  timestamp: z.number().int(),
  details: z.record(z.string(), z.string()).optional(),
});
export type ErrorEnvelope = z.infer<typeof ErrorEnvelope>;
