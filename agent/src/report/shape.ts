// Light checks of JSON the agent reads back (its saved buffer, the server's answers). The agent leaves
// full validation to the server so that zod and the schemas stay out of its memory.

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A report this agent wrote: an agent block with an id, its subject block, and a timestamp. */
export function looksLikeReport<R>(subject: 'host' | 'cluster') {
  return (v: unknown): v is R =>
    isObject(v) &&
    isObject(v.agent) &&
    typeof v.agent.id === 'string' &&
    isObject(v[subject]) &&
    typeof v.timestamp === 'string';
}

/** The agent id the server answered with, if any. */
export function ackedAgentId(body: unknown): string | undefined {
  return isObject(body) && typeof body.agentId === 'string' && body.agentId !== '' ? body.agentId : undefined;
}

/** Commands a Docker acknowledgement carries (`[{ id, type }]`). */
export function ackedCommands(body: unknown): Array<{ id: string; type: string }> {
  if (!isObject(body) || !Array.isArray(body.commands)) return [];
  return body.commands.filter(
    (c): c is { id: string; type: string } =>
      isObject(c) && typeof c.id === 'string' && typeof c.type === 'string',
  );
}
