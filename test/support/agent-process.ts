// Runs the real pulse-agent (from source, or a built executable) as a child process.
import { type ChildProcess, spawn } from 'node:child_process';

const CLI = new URL('../../agent/src/cli.ts', import.meta.url).pathname;

export interface AgentProcess {
  child: ChildProcess;
  output: string[];
  exited: Promise<number | null>;
  stop(): Promise<number | null>;
  /** Resolves when a log line matches, or rejects after the timeout. */
  waitForLog(pattern: RegExp, timeoutMs?: number): Promise<string>;
}

export function startAgent(
  args: string[],
  opts: { executable?: string; env?: Record<string, string> } = {},
): AgentProcess {
  const [cmd, argv] = opts.executable ? [opts.executable, args] : [process.execPath, [CLI, ...args]];
  const child = spawn(cmd, argv, {
    env: { PATH: process.env.PATH ?? '', ...opts.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  const waiters: Array<{ pattern: RegExp; resolve: (line: string) => void }> = [];
  const onData = (d: Buffer) => {
    for (const line of d.toString().split('\n').filter(Boolean)) {
      output.push(line);
      for (const w of [...waiters]) {
        if (w.pattern.test(line)) {
          waiters.splice(waiters.indexOf(w), 1);
          w.resolve(line);
        }
      }
    }
  };
  child.stdout?.on('data', onData);
  child.stderr?.on('data', onData);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    child,
    output,
    exited,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      return exited;
    },
    waitForLog: (pattern, timeoutMs = 20_000) => {
      const seen = output.find((l) => pattern.test(l));
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`no log line matching ${pattern}:\n${output.join('\n')}`)),
          timeoutMs,
        );
        waiters.push({
          pattern,
          resolve: (line) => {
            clearTimeout(timer);
            resolve(line);
          },
        });
      });
    },
  };
}
