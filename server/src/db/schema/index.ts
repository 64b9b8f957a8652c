// Every table of the store, for drizzle-kit and the client.
export { apiTokens } from './api-tokens.ts';
export { hostIdentities } from './host-identities.ts';
export { hostMetadata } from './host-metadata.ts';
export { removedHosts } from './removed-hosts.ts';
