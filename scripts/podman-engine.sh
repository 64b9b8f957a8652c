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

log() { printf 'podman-engine: %s\n' "$*" >&2; }
die() {
	log "$*"
	exit 1
}

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

installed() { # PACKAGE
	[ "$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null || true)" = "install ok installed" ]
}

cmd_install() {
	local pkgs=() p
	for p in podman runc busybox-static; do
		installed "$p" || pkgs+=("$p")
	done
	if [ ${#pkgs[@]} -eq 0 ]; then
		log "podman, runc and busybox-static already installed"
		return 0
	fi
	[ "$(id -u)" = 0 ] || die "must be root to install ${pkgs[*]}"
	command -v apt-get >/dev/null 2>&1 || die "apt-get not found; install ${pkgs[*]} by hand"

	# Keep the packages' services (podman.socket, ...) from starting.
	local policy=/usr/sbin/policy-rc.d made_policy=""
	if [ ! -e "$policy" ]; then
		printf '#!/bin/sh\nexit 101\n' >"$policy"
		chmod 755 "$policy"
		made_policy=1
	fi
	local apt=(apt-get -o DPkg::Lock::Timeout=300 -y -q)
	local rc=0
	if ! compgen -G '/var/lib/apt/lists/*_Packages*' >/dev/null; then
		log "apt lists are empty: apt-get update"
		DEBIAN_FRONTEND=noninteractive "${apt[@]}" update >&2 || rc=$?
	fi
	log "apt-get install ${pkgs[*]}"
	if ! DEBIAN_FRONTEND=noninteractive "${apt[@]}" install --no-install-recommends "${pkgs[@]}" >&2; then
		log "install failed: apt-get update, then retry"
		DEBIAN_FRONTEND=noninteractive "${apt[@]}" update >&2 || true
		DEBIAN_FRONTEND=noninteractive "${apt[@]}" install --no-install-recommends "${pkgs[@]}" >&2 || rc=$?
	fi
	if [ -n "$made_policy" ]; then rm -f "$policy"; fi
	[ "$rc" = 0 ] || die "apt-get failed ($rc)"
	command -v podman >/dev/null 2>&1 || die "podman still missing after install"
}

# build_image DIR : imports a busybox-static rootfs as $IMAGE unless the storage already has it.
build_image() {
	local dir=$1 rootfs applet
	if pm "$dir" image exists "$IMAGE" 2>/dev/null; then
		return 0
	fi
	[ -x /bin/busybox ] || die "/bin/busybox missing: run '$0 install'"
	rootfs=$(mktemp -d "$dir/rootfs.XXXXXX")
	mkdir -p "$rootfs/bin" "$rootfs/etc" "$rootfs/tmp" "$rootfs/proc" "$rootfs/sys" "$rootfs/dev" "$rootfs/root"
	chmod 1777 "$rootfs/tmp"
	cp /bin/busybox "$rootfs/bin/busybox"
	for applet in $("$rootfs/bin/busybox" --list); do
		[ "$applet" = busybox ] || ln -sf busybox "$rootfs/bin/$applet"
	done
	printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n' >"$rootfs/etc/passwd"
	printf 'root:x:0:\nnogroup:x:65534:\n' >"$rootfs/etc/group"
	tar --numeric-owner -C "$rootfs" -cf - . |
		pm "$dir" import --quiet --change 'CMD ["sh"]' --change 'ENV PATH=/bin' - "$IMAGE" >&2
	rm -rf "$rootfs"
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

tail_log() { # DIR : its error lines, then its last lines
	[ -f "$1/podman.log" ] || return 0
	grep -aiE 'level=(error|fatal)|^Error|failed to start' "$1/podman.log" | tail -n 20 >&2 || true
	log "..."
	tail -n 30 "$1/podman.log" >&2
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
	until answers "$dir"; do
		if ! kill -0 "$pid" 2>/dev/null; then
			log "podman system service exited before answering; last lines of $dir/podman.log:"
			tail_log "$dir"
			exit 1
		fi
		if ((SECONDS - started >= START_TIMEOUT)); then
			log "podman system service did not answer within ${START_TIMEOUT}s; last lines of $dir/podman.log:"
			tail_log "$dir"
			kill "$pid" 2>/dev/null || true
			exit 1
		fi
		sleep 0.2
	done
	log "podman service (pid $pid) answers after $((SECONDS - started))s; storage driver: $(pm "$dir" info --format '{{.Store.GraphDriverName}}' 2>/dev/null || echo '?')"
	health_ticker "$dir" "$pid" </dev/null >>"$dir/health.log" 2>&1 &
	echo $! >"$dir/health.pid"
	build_image "$dir"
	echo "$dir/podman.sock"
}

# pids of processes whose command line names a path under DIR (conmon, ...), never this script.
pids_under() { # DIR
	local dir=$1 p cmdline
	for p in /proc/[0-9]*; do
		p=${p#/proc/}
		[ "$p" = $$ ] && continue
		cmdline=$(tr '\0' ' ' 2>/dev/null <"/proc/$p/cmdline") || continue
		case "$cmdline" in
		*"$dir/root"* | *"$dir/run"* | *"$dir/podman.sock"*) echo "$p" ;;
		esac
	done
}

wait_gone() { # TIMEOUT PID...
	local timeout=$1 started=$SECONDS p alive
	shift
	while :; do
		alive=""
		for p in "$@"; do kill -0 "$p" 2>/dev/null && alive=1; done
		[ -z "$alive" ] && return 0
		((SECONDS - started >= timeout)) && return 1
		sleep 0.1
	done
}

cmd_stop() {
	local dir=${1:-}
	[ -n "$dir" ] || die "usage: $0 stop DIR"
	if [ ! -d "$dir" ]; then
		log "$dir does not exist: nothing to stop"
		return 0
	fi
	dir=$(cd "$dir" && pwd -P)
	[ -e "$dir/$MARKER" ] || die "$dir was not made by '$0 start': refusing to touch it"

	local pids=() p f id
	# The ticker first, so that it starts no more health checks.
	if [ -s "$dir/health.pid" ]; then
		p=$(cat "$dir/health.pid")
		if kill -0 "$p" 2>/dev/null; then
			kill -TERM "$p" 2>/dev/null || true
			wait_gone 5 "$p" || kill -KILL "$p" 2>/dev/null || true
		fi
	fi
	# Containers next (their conmon processes go with them).
	if [ -f "$dir/containers.conf" ] && command -v podman >/dev/null 2>&1; then
		pm_argv "$dir"
		timeout 30 "${PM[@]}" rm -f -a -t 0 >/dev/null 2>&1 ||
			log "could not remove every container"
	fi
	if [ -s "$dir/podman.pid" ]; then
		p=$(cat "$dir/podman.pid")
		if kill -0 "$p" 2>/dev/null; then
			log "stopping podman service (pid $p)"
			kill -TERM "$p" 2>/dev/null || true
			if ! wait_gone "$STOP_TIMEOUT" "$p"; then
				log "podman service did not exit within ${STOP_TIMEOUT}s: SIGKILL"
				kill -KILL "$p" 2>/dev/null || true
				wait_gone 5 "$p" || true
			fi
		fi
	fi

	mapfile -t pids < <(pids_under "$dir")
	if [ ${#pids[@]} -gt 0 ]; then
		log "killing leftover processes ${pids[*]}"
		kill -TERM "${pids[@]}" 2>/dev/null || true
		wait_gone 5 "${pids[@]}" || kill -KILL "${pids[@]}" 2>/dev/null || true
	fi
	if [ -d "$dir/root/overlay-containers" ]; then
		for f in "$dir"/root/overlay-containers/*/; do
			id=$(basename "$f")
			[ ${#id} -eq 64 ] || continue
			while IFS= read -r cg; do
				xargs -r kill -KILL <"$cg/cgroup.procs" 2>/dev/null || true
				rmdir "$cg" 2>/dev/null || true
			done < <(find /sys/fs/cgroup -maxdepth 4 -type d -name "*$id*" 2>/dev/null)
		done
	fi

	local m
	while IFS= read -r m; do
		umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null || log "could not unmount $m"
	done < <(awk -v d="$dir" '$5 == d || index($5, d "/") == 1 { print $5 }' /proc/self/mountinfo | sort -r)

	rm -rf "$dir"
	log "stopped and removed $dir"
}

case "${1:-}" in
install) cmd_install ;;
start) cmd_start "${2:-}" ;;
stop) cmd_stop "${2:-}" ;;
*) die "usage: $0 install | start DIR | stop DIR" ;;
esac
