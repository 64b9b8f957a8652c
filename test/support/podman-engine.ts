// A real, throwaway Podman engine serving the Docker API (Debian's podman with runc), run by
// scripts/podman-engine.sh with its root, runroot and tmpdir under a temp dir; same shape as the Docker one.
import { type DockerEngine, type EngineScript, startEngine } from './docker-engine.ts';

export const PODMAN: EngineScript = {
  kind: 'podman',
  script: 'scripts/podman-engine.sh',
  logName: 'podman.log',
  binary: 'podman',
};

/**
 * `podman system service` on a socket under a temp dir, with pulse-test/busybox:latest. There is no systemd
 * here, so the script also runs the containers' health checks at their interval, as systemd timers would.
 */
export function startPodmanEngine(): Promise<DockerEngine | undefined> {
  return startEngine(PODMAN);
}
