// User-kept notes, tags and links for a host (GET/PUT /api/hosts/metadata).
import { z } from 'zod';

const httpUrl = z
  .string()
  .trim()
  .max(2048)
  .refine((s) => s === '' || /^https?:\/\/[^\s]+$/i.test(s), 'must be an http:// or https:// URL (or empty)');

export const HostMetadataInput = z.strictObject({
  customUrl: httpUrl.optional(),
  description: z.string().max(4096).optional(),
  tags: z.array(z.string().trim().min(1).max(64)).max(50).optional(),
  notes: z.array(z.string().max(4096)).max(100).optional(),
});
export type HostMetadataInput = z.infer<typeof HostMetadataInput>;

export const HostMetadata = z.object({
  id: z.string(),
  customUrl: z.string(),
  description: z.string(),
  tags: z.array(z.string()),
  notes: z.array(z.string()),
  updatedAt: z.string().nullable(),
});
export type HostMetadata = z.infer<typeof HostMetadata>;
