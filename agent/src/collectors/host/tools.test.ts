import { describe, expect, it } from 'vitest';
import { runTool } from './tools.ts';

const opts = { timeoutMs: 5000, maxBytes: 64 * 1024 };

describe('runTool (real processes)', () => {
  it('returns stdout and exit code 0', async () => {
    expect(await runTool('sh', ['-c', 'echo hello'], opts)).toEqual({ ok: true, stdout: 'hello\n', code: 0 });
  });

  it('keeps the output of a non-zero exit that printed something, as smartctl does', async () => {
    expect(await runTool('sh', ['-c', 'echo report; exit 2'], opts)).toEqual({
      ok: true,
      stdout: 'report\n',
      code: 2,
    });
  });

  it('fails a non-zero exit without output, quoting stderr', async () => {
    expect(await runTool('sh', ['-c', 'echo "no permission" >&2; exit 1'], opts)).toEqual({
      ok: false,
      reason: 'failed',
      detail: 'sh: exit code 1: no permission',
    });
  });

  it('reports a binary that is not installed as missing', async () => {
    expect(await runTool('pulse-no-such-tool-7f3a', [], opts)).toEqual({
      ok: false,
      reason: 'missing',
      detail: 'pulse-no-such-tool-7f3a not found',
    });
  });

  it('kills a tool that runs past its timeout', async () => {
    const started = Date.now();
    expect(await runTool('sleep', ['5'], { timeoutMs: 100, maxBytes: 1024 })).toEqual({
      ok: false,
      reason: 'timeout',
      detail: 'sleep did not finish within 100 ms',
    });
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('fails a tool that writes more than the cap', async () => {
    const result = await runTool('sh', ['-c', 'head -c 100000 /dev/zero'], {
      timeoutMs: 5000,
      maxBytes: 1000,
    });
    expect(result).toEqual({ ok: false, reason: 'failed', detail: 'sh wrote more than 1000 bytes' });
  });
});
