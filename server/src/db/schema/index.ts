// Every table of the store, for drizzle-kit and the client.
export { agentInventory } from './agent-inventory.ts';
export { agentSettings } from './agent-settings.ts';
export { apiTokens } from './api-tokens.ts';
export { hostIdentities } from './host-identities.ts';
export { hostLinks } from './host-links.ts';
export { metricBlocks } from './metric-blocks.ts';
export { metricMarks } from './metric-marks.ts';
export { metricDaily, metricHourly, metricMinute } from './metric-rollups.ts';
export { metricSegments } from './metric-segments.ts';
export { metricSeries } from './metric-series.ts';
export { metricSlabs } from './metric-slabs.ts';
export { proxmoxInstances } from './proxmox-instances.ts';
export { removedAgents } from './removed-agents.ts';
export { resourceMetadata } from './resource-metadata.ts';
