// What the paced fleet's parent (paced-fleet.ts) and its worker process (paced-fleet-worker.ts) say to
// each other, and the configuration the worker builds its fleet from.

/** One kind of agent in the fleet. */
export interface PacedKindConfig {
  path: string;
  /** One token per agent, in agent order (the server binds an agent to the token that enrolled it). */
  tokens: string[];
  /** Connections of this kind's pool; a report waits for a free one, and that wait counts in its latency. */
  connections: number;
}

export interface PacedFleetConfig {
  origin: string;
  tokenHeader: string;
  /** Each agent reports once per interval; the agents' offsets spread evenly over it. */
  intervalMs: number;
  /** Like the agent: a report without its answer after this long is given up (counted, not an error). */
  timeoutMs: number;
  seed: string;
  hosts: PacedKindConfig;
  docker: PacedKindConfig & {
    containersPerHost: number;
    /** Every other Docker host (even index) shares the machine of the host agent of the same index. */
    shareMachines: boolean;
  };
}

export type AgentKind = 'hosts' | 'docker';

/** How a report ended: its HTTP status, or one of these. */
export const TIMED_OUT = -1;
export const TRANSPORT_ERROR = -2;

export interface ReportSample {
  kind: AgentKind;
  /** When the report was due (epoch ms); its latency counts from here. */
  dueAt: number;
  ms: number;
  /** HTTP status, TIMED_OUT or TRANSPORT_ERROR. */
  code: number;
}

export type ToWorker =
  | { type: 'config'; config: PacedFleetConfig }
  | { type: 'run'; kinds: AgentKind[] }
  | { type: 'pause' };

export type FromWorker =
  | { type: 'ready' }
  | { type: 'samples'; kinds: number[]; dueAt: number[]; ms: number[]; codes: number[] }
  | { type: 'error'; text: string }
  | { type: 'paused' }
  | { type: 'failed'; message: string };
