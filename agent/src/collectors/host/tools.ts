// Running an optional command-line tool (sensors, smartctl, zpool, mdadm) where its absence is an answer.
import { type ExecFileException, execFile } from 'node:child_process';

export type ToolResult =
  | { ok: true; stdout: string; code: number }
  | { ok: false; reason: 'missing' | 'timeout' | 'failed'; detail: string };

export interface ToolOptions {
  timeoutMs: number;
  /** Output beyond this is a broken or hostile tool, not data: the child is killed and the run fails. */
  maxBytes: number;
}

/**
 * Runs `cmd args` without a shell. A non-zero exit with output is still `ok` with the exit code,
 * because smartctl reports a sleeping disk or a failing SMART attribute through exit-status bits while
 * printing a perfectly good report. LC_ALL=C keeps numbers in `1.5` form: sensors prints its JSON with
 * printf, which would write `1,5` under a German locale.
 */
export function runTool(cmd: string, args: readonly string[], options: ToolOptions): Promise<ToolResult> {
  return new Promise((resolve) => {
    execFile(
      cmd,
      args,
      {
        timeout: options.timeoutMs,
        maxBuffer: options.maxBytes,
        killSignal: 'SIGKILL',
        encoding: 'utf8',
        env: { ...process.env, LC_ALL: 'C' },
        windowsHide: true,
      },
      (error, stdout, stderr) => {
        if (error === null) {
          resolve({ ok: true, stdout, code: 0 });
          return;
        }
        resolve(classify(cmd, error, stdout, stderr, options));
      },
    );
  });
}

function classify(
  cmd: string,
  error: ExecFileException,
  stdout: string,
  stderr: string,
  options: ToolOptions,
): ToolResult {
  if (error.code === 'ENOENT') return { ok: false, reason: 'missing', detail: `${cmd} not found` };
  if (error.code === 'ERR_CHILD_PROCESS_STDIO_MAXBUFFER') {
    return { ok: false, reason: 'failed', detail: `${cmd} wrote more than ${options.maxBytes} bytes` };
  }
  if (error.killed === true && error.signal === 'SIGKILL') {
    return { ok: false, reason: 'timeout', detail: `${cmd} did not finish within ${options.timeoutMs} ms` };
  }
  if (typeof error.code === 'number' && stdout.trim() !== '') return { ok: true, stdout, code: error.code };
  const said = stderr.trim().split('\n')[0] ?? '';
  const status = typeof error.code === 'number' ? `exit code ${error.code}` : (error.code ?? error.message);
  return {
    ok: false,
    reason: 'failed',
    detail: said === '' ? `${cmd}: ${status}` : `${cmd}: ${status}: ${said}`,
  };
}

/** A collector's answer: the value (empty when unavailable) and, when unavailable, why. */
export interface Collected<T> {
  value: T;
  reason?: string;
}
