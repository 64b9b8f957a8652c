#!/usr/bin/env bash
# Busy cores for reproducing failures that only show on a loaded machine. A developer tool: CI does not
# run it.
#
#   bash scripts/stress.sh install               installs stress-ng when it is missing (root, apt)
#   bash scripts/stress.sh run -- COMMAND...     runs COMMAND while stress-ng keeps cores busy, then
#                                                stops stress-ng by its pid and exits with COMMAND's status
#
# PULSE_STRESS_CPUS: cores kept busy (default 1). PULSE_STRESS_TIMEOUT: seconds after which stress-ng
# stops by itself (default 3600), in case this script is killed before it can stop it.
#
#   bash scripts/stress.sh run -- npx vitest run agent/src/collectors/docker test/docker-collector.test.ts
set -euo pipefail

CPUS="${PULSE_STRESS_CPUS:-1}"
TIMEOUT="${PULSE_STRESS_TIMEOUT:-3600}"
STRESS_PID=""

ENGINE=stress
# shellcheck source=scripts/engine-lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/engine-lib.sh"

cmd_install() {
	if command -v stress-ng >/dev/null 2>&1; then
		log "stress-ng is already installed: $(command -v stress-ng)"
		return 0
	fi
	apt_install stress-ng
	command -v stress-ng >/dev/null 2>&1 || die "stress-ng is still not on PATH after the install"
}

stop_stress() {
	[ -n "$STRESS_PID" ] || return 0
	log "stopping stress-ng (pid $STRESS_PID)"
	# stress-ng stops its workers on SIGTERM. It is our child, so `wait` reaps it: a zombie would still
	# answer kill -0.
	kill -TERM "$STRESS_PID" 2>/dev/null || true
	wait "$STRESS_PID" 2>/dev/null || true
	STRESS_PID=""
}

cmd_run() {
	if [ "${1:-}" = "--" ]; then shift; fi
	[ $# -gt 0 ] || die "usage: $0 run -- COMMAND..."
	command -v stress-ng >/dev/null 2>&1 || cmd_install
	trap stop_stress EXIT
	trap 'exit 130' INT
	trap 'exit 143' TERM
	stress-ng --cpu "$CPUS" --timeout "${TIMEOUT}s" --quiet &
	STRESS_PID=$!
	log "stress-ng --cpu $CPUS running (pid $STRESS_PID) while: $*"
	local rc=0
	"$@" || rc=$?
	log "command exited with $rc"
	exit "$rc"
}

case "${1:-}" in
install) cmd_install ;;
run)
	shift
	cmd_run "$@"
	;;
*) die "usage: $0 install | run -- COMMAND..." ;;
esac
