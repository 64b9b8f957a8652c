#!/bin/sh
# Installs Debian's prometheus-node-exporter for the agent footprint benchmark (bench/agent.bench.ts),
# which runs its own instance on a free loopback port. Idempotent: does nothing when the binary is
# already on PATH. Does not start the system service: while the package is installed, a policy-rc.d
# that refuses every start is put in place (unless one exists already) and removed again afterwards.
# Needs root and apt-get (Debian, Ubuntu).
set -eu

if command -v prometheus-node-exporter >/dev/null 2>&1; then
  echo "prometheus-node-exporter is already installed: $(command -v prometheus-node-exporter)"
  exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
  echo "install-node-exporter: run as root (apt-get install prometheus-node-exporter)" >&2
  exit 1
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "install-node-exporter: apt-get not found; install prometheus-node-exporter by other means" >&2
  exit 1
fi

POLICY=/usr/sbin/policy-rc.d
if [ ! -e "$POLICY" ]; then
  # 101 = "action forbidden by policy": invoke-rc.d and deb-systemd-invoke then skip the start.
  printf '#!/bin/sh\nexit 101\n' >"$POLICY"
  chmod 755 "$POLICY"
  trap 'rm -f "$POLICY"' EXIT
  trap 'exit 130' INT TERM
fi

export DEBIAN_FRONTEND=noninteractive
command -v prometheus-node-exporter >/dev/null 2>&1 || (
  apt-get update &&
    apt-get install -y --no-install-recommends prometheus-node-exporter
)

command -v prometheus-node-exporter >/dev/null 2>&1 || {
  echo "install-node-exporter: prometheus-node-exporter is still not on PATH after the install" >&2
  exit 1
}
echo "installed $(prometheus-node-exporter --version 2>&1 | head -n 1)"
