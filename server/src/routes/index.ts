// The whole API route table: createApp mounts it and the scope tests walk it.
import type { AppDeps } from '../deps.ts';
import { containerAgentRoutes } from './agents/containers.ts';
import { hostAgentRoutes } from './agents/host.ts';
import { hostLinkRoutes } from './agents/host-links.ts';
import { nodeConfigRoutes } from './config/nodes.ts';
import { systemConfigRoutes } from './config/system.ts';
import { historyRoutes } from './history/index.ts';
import { allMetadataRoutes } from './metadata/index.ts';
import { schedulerRoutes } from './monitoring/scheduler.ts';
import { backupRoutes } from './proxmox/backups.ts';
import { storageRoutes } from './proxmox/storage.ts';
import { resourceRoutes } from './resources/index.ts';
import type { RouteSpec } from './route.ts';
import { tokenRoutes } from './security/tokens.ts';
import { stateRoutes } from './state/index.ts';
import { systemRoutes } from './system/index.ts';

export function apiRoutes(deps: AppDeps): RouteSpec[] {
  return [
    ...systemRoutes(deps),
    ...tokenRoutes(deps),
    ...hostAgentRoutes(deps),
    ...hostLinkRoutes(deps),
    ...containerAgentRoutes(deps),
    ...stateRoutes(deps),
    ...resourceRoutes(deps),
    ...allMetadataRoutes(deps),
    ...historyRoutes(deps),
    ...systemConfigRoutes(deps),
    ...nodeConfigRoutes(deps),
    ...schedulerRoutes(deps),
    ...storageRoutes(deps),
    ...backupRoutes(deps),
  ];
}
