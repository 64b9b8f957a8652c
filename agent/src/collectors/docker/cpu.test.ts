import { describe, expect, it } from 'vitest';
import { type CpuSample, cpuPercent, cpuSample } from './cpu.ts';
import { fixture } from './fixtures/fixture.ts';
import { obj, type View } from './json.ts';

const stats = (name: string) => obj<View<'cpu_stats' | 'read'>>(fixture(name));
const RUN = '2026-03-14T08:26:53.000000001Z';
const NOW = 1_800_000_000;

/** The same container `seconds` later, having used `usedNs` more CPU while the host counted `systemNs`. */
function later(s: CpuSample, seconds: number, usedNs: number, systemNs?: number): CpuSample {
  const next: CpuSample = { ...s, totalNs: s.totalNs + usedNs, atSeconds: s.atSeconds + seconds };
  if (systemNs !== undefined && s.systemNs !== undefined) next.systemNs = s.systemNs + systemNs;
  return next;
}

describe('cpuSample', () => {
  it('reads total, system, online CPUs and the engine read time (nanoseconds kept) from dockerd on cgroup v1', () => {
    const s = cpuSample(stats('docker-v1-stats.json'), RUN, NOW);
    expect(s).toMatchObject({ totalNs: 120e9, systemNs: 4e15, onlineCpus: 4, run: RUN });
    expect(s?.atSeconds).toBeCloseTo(Date.parse('2026-03-14T09:26:53Z') / 1000 + 0.589793238, 6);
  });

  it('reads dockerd on cgroup v2, which sends no percpu_usage', () => {
    expect(cpuSample(stats('docker-v2-stats.json'), undefined, NOW)).toMatchObject({
      totalNs: 8e9,
      systemNs: 9e14,
      onlineCpus: 8,
    });
  });

  it("reads Podman's sample, system counter included (cpuPercent decides not to use it)", () => {
    expect(cpuSample(stats('podman-stats.json'), RUN, NOW)).toMatchObject({ totalNs: 45e9, onlineCpus: 2 });
  });

  it("is undefined for dockerd's placeholder of a stopped container (zeros, read at the Go zero time)", () => {
    expect(cpuSample(stats('docker-stats-stopped.json'), undefined, NOW)).toBeUndefined();
  });

  it('is undefined for no answer or a body without cpu_stats (Podman answers an empty body when stopped)', () => {
    expect(cpuSample(undefined, RUN, NOW)).toBeUndefined();
    expect(cpuSample({ read: '2026-03-14T09:26:53Z' }, RUN, NOW)).toBeUndefined();
  });

  it('falls back to the local clock when the engine sent no read time', () => {
    const s = cpuSample({ cpu_stats: { cpu_usage: { total_usage: 5 } } }, RUN, NOW);
    expect(s).toEqual({ totalNs: 5, atSeconds: NOW, run: RUN });
  });
});

describe('cpuPercent', () => {
  const docker = cpuSample(stats('docker-v1-stats.json'), RUN, NOW);
  const podman = cpuSample(stats('podman-stats.json'), RUN, NOW);
  if (docker === undefined || podman === undefined) throw new Error('fixtures have no CPU sample');

  it('is undefined for the first sample: unprimed, not idle', () => {
    expect(cpuPercent('docker', undefined, docker)).toBeUndefined();
  });

  it('Docker: Δtotal / Δsystem × onlineCPUs × 100 (half a core on a 4-CPU host for 10 s is 50)', () => {
    // 10 s on 4 CPUs is 40 s of host CPU time; the container used 5 s of it.
    expect(cpuPercent('docker', docker, later(docker, 10, 5e9, 40e9))).toBeCloseTo(50, 9);
  });

  it('Docker: two busy cores on a 4-CPU host is 200, not 50', () => {
    expect(cpuPercent('docker', docker, later(docker, 10, 20e9, 40e9))).toBeCloseTo(200, 9);
  });

  it('Docker: falls back to time when the system counter did not move', () => {
    expect(cpuPercent('docker', docker, later(docker, 10, 5e9, 0))).toBeCloseTo(50, 9);
  });

  it('Docker: falls back to time, then to the host CPU count, when the daemon sends no online_cpus', () => {
    const prev: CpuSample = { totalNs: 0, systemNs: 1e12, atSeconds: 100 };
    const cur: CpuSample = { totalNs: 1e9, systemNs: 1e12 + 8e9, atSeconds: 104 };
    expect(cpuPercent('docker', prev, cur, 2)).toBeCloseTo(25, 9);
    expect(cpuPercent('docker', prev, cur)).toBeCloseTo(25, 9);
  });

  it('Podman: Δtotal / (elapsed × 1e9) × 100, never its system counter', () => {
    // 1.5 cores for 10 s; Podman's system counter moved 10 s only: the dockerd formula would say 300.
    const cur = later(podman, 10, 15e9, 10e9);
    expect(cpuPercent('podman', podman, cur)).toBeCloseTo(150, 9);
    expect(cpuPercent('docker', podman, cur)).toBeCloseTo(300, 9);
  });

  it('is undefined when the counter went backwards (a reset)', () => {
    expect(cpuPercent('docker', docker, later(docker, 10, -1e9, 40e9))).toBeUndefined();
    expect(cpuPercent('podman', podman, later(podman, 10, -1e9))).toBeUndefined();
  });

  it('is undefined across a restart even when the new counter happens to be higher', () => {
    const restarted = { ...later(docker, 10, 5e9, 40e9), run: '2026-03-14T09:30:00Z' };
    expect(cpuPercent('docker', docker, restarted)).toBeUndefined();
  });

  it('is undefined when no time passed between the samples (the same cached answer twice)', () => {
    expect(cpuPercent('podman', podman, later(podman, 0, 0))).toBeUndefined();
    expect(cpuPercent('docker', docker, later(docker, 0, 0, 0))).toBeUndefined();
  });

  it('is 0 for an idle container with two samples: a measurement, unlike the first sample', () => {
    expect(cpuPercent('docker', docker, later(docker, 10, 0, 40e9))).toBe(0);
  });
});
