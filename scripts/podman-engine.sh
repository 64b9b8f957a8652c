#!/usr/bin/env bash
# A throwaway Podman engine serving the Docker API for the tests (Debian's podman with runc), kept under one dir.
#
#   bash scripts/podman-engine.sh install       installs podman, runc and busybox-static when missing (root, apt)
#   bash scripts/podman-engine.sh start DIR     starts `podman system service` on DIR/podman.sock with root,
#                                               runroot and tmpdir under DIR, imports pulse-test/busybox:latest,
#                                               prints the socket path
#   bash scripts/podman-engine.sh stop DIR      removes the containers, stops the service by pid, removes DIR
#
# Rootful, cgroupfs, file events; containers run with --network none. What differs from a systemd host:
#  - runc may not raise rlimits here (no CAP_SYS_RESOURCE), and podman would raise nofile/nproc to their
#    maximum, so DIR/containers.conf sets default_ulimits below the current hard limits;
#  - podman schedules health checks with systemd timers, and there is no systemd: a small ticker started
#    with the service runs `podman healthcheck run` for each running container at its interval.
# The system's /var/lib/containers storage and /run/containers are never used (podman may still keep its
# blob-info cache in /var/lib/containers/cache). Everything but the socket path printed by `start` goes
# to stderr. Both `start` and `stop` are safe to run twice.
set -euo pipefail

IMAGE="pulse-test/busybox:latest"
MARKER=".pulse-podman-engine"
START_TIMEOUT="${PULSE_PODMAN_START_TIMEOUT:-60}"
STOP_TIMEOUT="${PULSE_PODMAN_STOP_TIMEOUT:-30}"

ENGINE=podman-engine
# shellcheck source=scripts/engine-lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/engine-lib.sh"

# pm_argv DIR : sets PM to the command line of podman (local, not remote) on the storage under DIR only.
PM=()
pm_argv() {
	PM=(env -u CONTAINER_HOST -u CONTAINER_CONNECTION "CONTAINERS_CONF=$1/containers.conf" podman --root "$1/root" --runroot "$1/run" --tmpdir "$1/tmp")
	if [ -n "${PULSE_PODMAN_STORAGE_DRIVER:-}" ]; then
		PM+=(--storage-driver "$PULSE_PODMAN_STORAGE_DRIVER")
	fi
}

# pm DIR ARGS... : runs that podman.
pm() {
	pm_argv "$1"
	shift
	"${PM[@]}" "$@"
}

is_running() { # DIR
	local pid
	[ -s "$1/podman.pid" ] || return 1
	pid=$(cat "$1/podman.pid")
	[ -n "$pid" ] && kill -0 "$pid" 2>/dev/null
}

answers() { # DIR
	[ -S "$1/podman.sock" ] &&
		CONTAINERS_CONF="$1/containers.conf" timeout 10 podman --remote --url "unix://$1/podman.sock" version >/dev/null 2>&1
}

cmd_install() {
	local pkgs=() p
	for p in podman runc busybox-static; do
		pkg_installed "$p" || pkgs+=("$p")
	done
	if [ ${#pkgs[@]} -eq 0 ]; then
		log "podman, runc and busybox-static already installed"
		return 0
	fi
	# apt_install keeps the packages' services (podman.socket, ...) from starting.
	apt_install "${pkgs[@]}"
	command -v podman >/dev/null 2>&1 || die "podman still missing after install"
}

# build_image DIR : imports a busybox-static rootfs as $IMAGE unless the storage already has it.
build_image() {
	local dir=$1
	if pm "$dir" image exists "$IMAGE" 2>/dev/null; then
		return 0
	fi
	import_busybox "$dir" pm "$dir" import --quiet --change 'CMD ["sh"]' --change 'ENV PATH=/bin' - "$IMAGE"
	log "imported $IMAGE"
}

# health_ticker DIR SERVICE_PID : what systemd timers do for podman elsewhere, until the service exits.
health_ticker() {
	local dir=$1 service=$2 now id secs
	declare -A interval=() due=()
	while kill -0 "$service" 2>/dev/null; do
		now=$SECONDS
		while IFS= read -r id; do
			[ -n "$id" ] || continue
			if [ -z "${interval[$id]:-}" ]; then
				secs=$(pm "$dir" inspect --format '{{if .Config.Healthcheck}}{{.Config.Healthcheck.Interval.Seconds}}{{end}}' "$id" 2>/dev/null || true)
				secs=${secs%%.*}
				[ -n "$secs" ] || secs=0
				interval[$id]=$secs
				due[$id]=$((now + (secs > 0 ? secs : 1)))
			fi
			if ((interval[$id] > 0 && now >= due[$id])); then
				pm "$dir" healthcheck run "$id" >/dev/null 2>&1 || true
				due[$id]=$((now + interval[$id]))
			fi
		done < <(pm "$dir" ps -q --no-trunc 2>/dev/null || true)
		sleep 1
	done
}

cmd_start() {
	local dir=${1:-}
	[ -n "$dir" ] || die "usage: $0 start DIR"
	[ "$(id -u)" = 0 ] || die "this rootful podman service needs root"
	command -v podman >/dev/null 2>&1 || die "podman missing: run '$0 install'"
	mkdir -p "$dir"
	dir=$(cd "$dir" && pwd -P)
	touch "$dir/$MARKER"

	if is_running "$dir" && answers "$dir"; then
		log "podman service already running (pid $(cat "$dir/podman.pid")) on $dir/podman.sock"
		build_image "$dir"
		echo "$dir/podman.sock"
		return 0
	fi
	if is_running "$dir"; then
		die "a podman service started on $dir is alive but does not answer: run '$0 stop $dir' first"
	fi
	rm -f "$dir/podman.pid" "$dir/health.pid" "$dir/podman.sock"

	# Below the hard limits this machine allows (podman itself caps nproc at 32768).
	local nofile nproc
	nofile=$(ulimit -Hn)
	nproc=$(ulimit -Hu)
	if [ "$nofile" = unlimited ] || ((nofile > 1024)); then nofile=1024; fi
	if [ "$nproc" = unlimited ] || ((nproc > 8192)); then nproc=8192; fi
	cat >"$dir/containers.conf" <<EOF
[containers]
default_ulimits = ["nofile=$nofile:$nofile", "nproc=$nproc:$nproc"]
netns = "none"

[engine]
cgroup_manager = "cgroupfs"
events_logger = "file"
runtime = "runc"
volume_path = "$dir/volumes"
EOF

	log "starting podman system service on $dir/podman.sock (log: $dir/podman.log)"
	local started=$SECONDS
	pm_argv "$dir"
	"${PM[@]}" system service --time=0 "unix://$dir/podman.sock" </dev/null >>"$dir/podman.log" 2>&1 &
	local pid=$!
	echo "$pid" >"$dir/podman.pid"
	wait_answering "$dir" "$pid" "$dir/podman.log" "podman system service"
	log "podman service (pid $pid) answers after $((SECONDS - started))s; storage driver: $(pm "$dir" info --format '{{.Store.GraphDriverName}}' 2>/dev/null || echo '?')"
	health_ticker "$dir" "$pid" </dev/null >>"$dir/health.log" 2>&1 &
	echo $! >"$dir/health.pid"
	build_image "$dir"
	echo "$dir/podman.sock"
}

cmd_stop() {
	local dir
	dir=$(stop_dir "${1:-}") || return 0

	# The ticker first, so that it starts no more health checks.
	if [ -s "$dir/health.pid" ] && kill -0 "$(cat "$dir/health.pid")" 2>/dev/null; then
		terminate "health ticker" 5 "$(cat "$dir/health.pid")"
	fi
	# Containers next (their conmon processes go with them).
	if [ -f "$dir/containers.conf" ] && command -v podman >/dev/null 2>&1; then
		pm_argv "$dir"
		timeout 30 "${PM[@]}" rm -f -a -t 0 >/dev/null 2>&1 ||
			log "could not remove every container"
	fi
	if [ -s "$dir/podman.pid" ] && kill -0 "$(cat "$dir/podman.pid")" 2>/dev/null; then
		terminate "podman service" "$STOP_TIMEOUT" "$(cat "$dir/podman.pid")"
	fi
	# Leftovers (conmon, ...), container cgroups, mounts; then the directory.
	clean_up_dir "$dir" "$dir/root/overlay-containers" root run podman.sock
}

case "${1:-}" in
install) cmd_install ;;
start) cmd_start "${2:-}" ;;
stop) cmd_stop "${2:-}" ;;
*) die "usage: $0 install | start DIR | stop DIR" ;;
esac
