// Logs what the server dropped from an agent's reports once, not again on every report that repeats it.
import type { Logger, ReportWarning } from '@pulse/shared';

export interface WarningLogLimits {
  /** Agents remembered at once; the one heard from least recently is forgotten first. */
  agents: number;
  /** Distinct warnings remembered per agent; past it, further new ones stay quiet until a clean report. */
  perAgent: number;
}

const DEFAULT_LIMITS: WarningLogLimits = { agents: 1000, perAgent: 64 };

/**
 * An agent that sends the same bad container every 10 s would otherwise fill the log with one line per
 * report. A clean report clears what was remembered, so a problem that comes back is logged again.
 */
export class WarningLog {
  private readonly seen = new Map<string, Set<string>>();
  private readonly log: Logger;
  private readonly limits: WarningLogLimits;

  constructor(log: Logger, limits: WarningLogLimits = DEFAULT_LIMITS) {
    this.log = log;
    this.limits = limits;
  }

  /** `agent` names the reporter across kinds, e.g. `docker:agent-1`. */
  note(agent: string, warnings: readonly ReportWarning[]): void {
    const known = this.seen.get(agent);
    this.seen.delete(agent);
    if (warnings.length === 0) return;
    const remembered = known ?? new Set<string>();
    // Re-inserting keeps the map in least-recently-reported order.
    this.seen.set(agent, remembered);
    const oldest = this.seen.keys().next();
    if (this.seen.size > this.limits.agents && !oldest.done) this.seen.delete(oldest.value);

    const fresh: ReportWarning[] = [];
    let full = false;
    for (const warning of warnings) {
      const key = `${warning.path}\n${warning.message}`;
      if (remembered.has(key)) continue;
      if (remembered.size >= this.limits.perAgent) {
        full = true;
        break;
      }
      remembered.add(key);
      fresh.push(warning);
    }
    if (fresh.length === 0) return;
    this.log.warn('report items dropped', {
      agent,
      warnings: fresh,
      ...(full ? { note: 'further new warnings from this agent are not logged until a clean report' } : {}),
    });
  }
}
