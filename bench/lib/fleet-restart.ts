// The restart phase of the fleet bench: SIGTERM the server, start it again on the same data directory,
// and time the way back: first 200 from /api/health, then the first /api/state that lists the whole
// inventory again (the agent inventory is restored from the database; no agent reports meanwhile).

import type { Expected, Subject } from './fleet-phase.ts';
import { type Listed, listedIn, readOnce } from './fleet-reads.ts';
import type { Service } from './proc.ts';
import { ProcSampler } from './proc-sampler.ts';

export interface RestartResult {
  /** SIGTERM to exit: the clean stop flushes the history and the inventory. */
  stopSeconds: number;
  /** Start of the new process to its first 200 from /api/health. */
  healthySeconds: number;
  /** Start of the new process to the end of the first /api/state that listed everything; null: never. */
  listedSeconds: number | null;
  listed: Listed;
  stateReads: number;
  /** RSS once the inventory was listed (or at the deadline). */
  rssMiB?: number;
}

function complete(listed: Listed, expected: Expected): boolean {
  return (
    listed.hosts >= expected.hosts &&
    listed.dockerHosts >= expected.dockerHosts &&
    listed.containers >= expected.containers
  );
}

export async function restartServer(
  old: Subject,
  start: () => Promise<Service>,
  expected: Expected,
  deadlineMs: number,
): Promise<{ result: RestartResult; subject: Subject }> {
  const stopping = performance.now();
  await old.service.stop();
  old.sampler.stop();
  const stopSeconds = (performance.now() - stopping) / 1000;

  const starting = performance.now();
  const service = await start();
  const healthySeconds = (performance.now() - starting) / 1000;
  const sampler = new ProcSampler(service.pid).start();
  const subject: Subject = { service, admin: old.admin, sampler };

  let listed: Listed = { hosts: 0, dockerHosts: 0, containers: 0 };
  let listedSeconds: number | null = null;
  let stateReads = 0;
  const deadline = starting + deadlineMs;
  while (performance.now() < deadline) {
    const answer = await readOnce(service.origin, '/api/state', old.admin);
    stateReads += 1;
    listed = listedIn(answer.json);
    if (complete(listed, expected)) {
      listedSeconds = (performance.now() - starting) / 1000;
      break;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    result: {
      stopSeconds,
      healthySeconds,
      listedSeconds,
      listed,
      stateReads,
      rssMiB: sampler.take()?.rssMiB,
    },
    subject,
  };
}
