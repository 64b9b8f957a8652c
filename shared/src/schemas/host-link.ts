// Bodies of POST /api/agents/host/link and /unlink: tie an agent host to the Proxmox node it runs on.
import { z } from 'zod';

const Id = z.string().trim().min(1, 'must not be empty').max(200);

export const HostLinkRequest = z.strictObject({ hostId: Id, nodeId: Id });
export type HostLinkRequest = z.infer<typeof HostLinkRequest>;

export const HostUnlinkRequest = z.strictObject({ hostId: Id });
export type HostUnlinkRequest = z.infer<typeof HostUnlinkRequest>;
