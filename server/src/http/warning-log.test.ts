import { createLogger } from '@pulse/shared';
import { describe, expect, it } from 'vitest';
import { WarningLog } from './warning-log.ts';

function recorder() {
  const lines: Array<Record<string, unknown>> = [];
  const log = createLogger('debug', (line) => lines.push(JSON.parse(line)));
  return { log, lines };
}

const bad = { path: 'containers[1]', message: 'Dropped container "web": name: too long' };
const other = { path: 'containers[4]', message: 'Dropped container "db": state: too long' };

describe('WarningLog', () => {
  it('logs a warning once per agent, however many reports repeat it', () => {
    const { log, lines } = recorder();
    const warnings = new WarningLog(log);
    for (let i = 0; i < 5; i++) warnings.note('docker:a', [bad]);
    warnings.note('docker:b', [bad]);
    expect(lines.map((l) => [l.level, l.msg, l.agent])).toEqual([
      ['warn', 'report items dropped', 'docker:a'],
      ['warn', 'report items dropped', 'docker:b'],
    ]);
    expect(lines[0]?.warnings).toEqual([bad]);
  });

  it('logs only the new warning when a known one comes with it', () => {
    const { log, lines } = recorder();
    const warnings = new WarningLog(log);
    warnings.note('docker:a', [bad]);
    warnings.note('docker:a', [bad, other]);
    expect(lines.map((l) => l.warnings)).toEqual([[bad], [other]]);
  });

  it('logs a problem again after a clean report', () => {
    const { log, lines } = recorder();
    const warnings = new WarningLog(log);
    warnings.note('docker:a', [bad]);
    warnings.note('docker:a', []);
    warnings.note('docker:a', [bad]);
    expect(lines).toHaveLength(2);
  });

  it('stays within its agent and per-agent caps', () => {
    const { log, lines } = recorder();
    const warnings = new WarningLog(log, { agents: 2, perAgent: 2 });
    const many = [1, 2, 3].map((i) => ({ path: `disks[${i}]`, message: `bad ${i}` }));
    warnings.note('host:a', many);
    warnings.note('host:a', many);
    expect(lines).toHaveLength(1);
    expect(lines[0]?.warnings).toEqual(many.slice(0, 2));
    expect(lines[0]?.note).toMatch(/not logged until a clean report/);
    // A third agent pushes out the one heard from least recently, which is then logged afresh.
    warnings.note('host:b', [bad]);
    warnings.note('host:c', [bad]);
    warnings.note('host:a', many);
    expect(lines.map((l) => l.agent)).toEqual(['host:a', 'host:b', 'host:c', 'host:a']);
  });
});
