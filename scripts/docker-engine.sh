#!/usr/bin/env bash
# A throwaway, real Docker engine for the tests (Debian's docker.io), kept entirely under one directory.
#
#   bash scripts/docker-engine.sh install       installs docker.io and busybox-static when missing (root, apt)
#   bash scripts/docker-engine.sh start DIR     starts dockerd with socket, data and exec roots under DIR,
#                                               imports pulse-test/busybox:latest, prints the socket path
#   bash scripts/docker-engine.sh stop DIR      removes the containers, stops dockerd by pid, removes DIR
#
# No registry is needed: the image is `docker import` of a rootfs made of /bin/busybox (busybox-static).
# No bridge, no iptables: containers run with --network none. The system's /var/run/docker.sock and
# /var/lib/docker are never used. Everything but the socket path printed by `start` goes to stderr.
# Both `start` and `stop` are safe to run twice.
set -euo pipefail

IMAGE="pulse-test/busybox:latest"
MARKER=".pulse-docker-engine"
START_TIMEOUT="${PULSE_DOCKER_START_TIMEOUT:-60}"
STOP_TIMEOUT="${PULSE_DOCKER_STOP_TIMEOUT:-30}"

log() { printf 'docker-engine: %s\n' "$*" >&2; }
die() {
	log "$*"
	exit 1
}

docker_bin() {
	# Prefer the CLI that docker.io ships (it matches the daemon); any other `docker` on PATH works too.
	if [ -x /usr/bin/docker ]; then
		echo /usr/bin/docker
	else
		command -v docker || die "no docker CLI found"
	fi
}

# docker_cli DIR ARGS... : the docker CLI talking to the engine under DIR only.
docker_cli() {
	local dir=$1
	shift
	DOCKER_CONFIG="$dir/cli" DOCKER_HOST="" DOCKER_CONTEXT="" "$(docker_bin)" -H "unix://$dir/docker.sock" "$@"
}

is_running() { # DIR
	local pid
	[ -s "$1/docker.pid" ] || return 1
	pid=$(cat "$1/docker.pid")
	[ -n "$pid" ] && kill -0 "$pid" 2>/dev/null
}

answers() { # DIR
	[ -S "$1/docker.sock" ] && timeout 10 "$(docker_bin)" -H "unix://$1/docker.sock" version >/dev/null 2>&1
}

busybox_static_installed() {
	[ "$(dpkg-query -W -f='${Status}' busybox-static 2>/dev/null || true)" = "install ok installed" ]
}

cmd_install() {
	local pkgs=()
	command -v dockerd >/dev/null 2>&1 && [ -x /usr/bin/docker ] || pkgs+=(docker.io)
	busybox_static_installed || pkgs+=(busybox-static)
	if [ ${#pkgs[@]} -eq 0 ]; then
		log "docker.io and busybox-static already installed"
		return 0
	fi
	[ "$(id -u)" = 0 ] || die "must be root to install ${pkgs[*]}"
	command -v apt-get >/dev/null 2>&1 || die "apt-get not found; install ${pkgs[*]} by hand"

	# Keep the package's service from starting a system-wide dockerd on /var/run/docker.sock.
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
	command -v dockerd >/dev/null 2>&1 || die "dockerd still missing after install"
	busybox_static_installed || die "busybox-static still missing after install"
}

# build_image DIR : imports a busybox-static rootfs as $IMAGE unless the engine already has it.
build_image() {
	local dir=$1 rootfs applet
	if docker_cli "$dir" image inspect "$IMAGE" >/dev/null 2>&1; then
		return 0
	fi
	[ -x /bin/busybox ] || die "/bin/busybox missing: run '$0 install'"
	rootfs=$(mktemp -d "$dir/rootfs.XXXXXX")
	mkdir -p "$rootfs/bin" "$rootfs/etc" "$rootfs/tmp" "$rootfs/proc" "$rootfs/sys" "$rootfs/dev" "$rootfs/root"
	chmod 1777 "$rootfs/tmp"
	cp /bin/busybox "$rootfs/bin/busybox"
	# Every applet (sh, sleep, yes, cat, ...) as a symlink in /bin, like `busybox --install -s /bin`.
	for applet in $("$rootfs/bin/busybox" --list); do
		[ "$applet" = busybox ] || ln -sf busybox "$rootfs/bin/$applet"
	done
	printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n' >"$rootfs/etc/passwd"
	printf 'root:x:0:\nnogroup:x:65534:\n' >"$rootfs/etc/group"
	tar --numeric-owner -C "$rootfs" -cf - . |
		docker_cli "$dir" import --change 'CMD ["sh"]' --change 'ENV PATH=/bin' - "$IMAGE" >&2
	rm -rf "$rootfs"
	log "imported $IMAGE"
}

tail_log() { # DIR : its error lines, then its last lines
	[ -f "$1/dockerd.log" ] || return 0
	grep -aiE 'level=(error|fatal)|^Error|failed to start' "$1/dockerd.log" | tail -n 20 >&2 || true
	log "..."
	tail -n 30 "$1/dockerd.log" >&2
}

cmd_start() {
	local dir=${1:-}
	[ -n "$dir" ] || die "usage: $0 start DIR"
	[ "$(id -u)" = 0 ] || die "dockerd needs root"
	command -v dockerd >/dev/null 2>&1 || die "dockerd missing: run '$0 install'"
	mkdir -p "$dir"
	dir=$(cd "$dir" && pwd -P)
	touch "$dir/$MARKER"

	if is_running "$dir" && answers "$dir"; then
		log "dockerd already running (pid $(cat "$dir/docker.pid")) on $dir/docker.sock"
		build_image "$dir"
		echo "$dir/docker.sock"
		return 0
	fi
	if [ -s "$dir/launcher.pid" ] && kill -0 "$(cat "$dir/launcher.pid")" 2>/dev/null; then
		die "a dockerd started on $dir is alive but does not answer: run '$0 stop $dir' first"
	fi
	rm -f "$dir/docker.pid" "$dir/docker.sock"

	if [ -S /run/containerd/containerd.sock ]; then
		log "note: a system containerd socket exists (/run/containerd/containerd.sock); dockerd will use it"
	fi
	# Its own config file (an empty one; /etc/docker/daemon.json is ignored) and trust key.
	printf '{"deprecated-key-path": "%s/key.json"}\n' "$dir" >"$dir/daemon.json"
	local args=(
		--config-file "$dir/daemon.json"
		--host "unix://$dir/docker.sock"
		--data-root "$dir/data"
		--exec-root "$dir/exec"
		--pidfile "$dir/docker.pid"
		--bridge=none --iptables=false --ip6tables=false --ip-masq=false --userland-proxy=false
		--shutdown-timeout 2
	)
	# overlay2 works on this kind of machine; dockerd falls back by itself (to vfs at worst) where it does not.
	if [ -n "${PULSE_DOCKER_STORAGE_DRIVER:-}" ]; then
		args+=(--storage-driver "$PULSE_DOCKER_STORAGE_DRIVER")
	fi

	log "starting dockerd on $dir/docker.sock (log: $dir/dockerd.log)"
	local started=$SECONDS
	# No stdin, all output to the log: the caller's pipes close when this script exits.
	dockerd "${args[@]}" </dev/null >>"$dir/dockerd.log" 2>&1 &
	local pid=$!
	echo "$pid" >"$dir/launcher.pid"
	until answers "$dir"; do
		if ! kill -0 "$pid" 2>/dev/null; then
			log "dockerd exited before answering; last lines of $dir/dockerd.log:"
			tail_log "$dir"
			exit 1
		fi
		if ((SECONDS - started >= START_TIMEOUT)); then
			log "dockerd did not answer within ${START_TIMEOUT}s; last lines of $dir/dockerd.log:"
			tail_log "$dir"
			kill "$pid" 2>/dev/null || true
			exit 1
		fi
		sleep 0.2
	done
	log "dockerd (pid $pid) answers after $((SECONDS - started))s; storage driver: $(docker_cli "$dir" info --format '{{.Driver}}' 2>/dev/null || echo '?')"
	build_image "$dir"
	echo "$dir/docker.sock"
}

# pids of processes whose command line names a path under DIR (containerd, its shims), never this script.
pids_under() { # DIR
	local dir=$1 p cmdline
	for p in /proc/[0-9]*; do
		p=${p#/proc/}
		[ "$p" = $$ ] && continue
		cmdline=$(tr '\0' ' ' 2>/dev/null <"/proc/$p/cmdline") || continue
		case "$cmdline" in
		*"$dir/exec/"* | *"$dir/data"* | *"$dir/docker.sock"*) echo "$p" ;;
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

	# Containers first, so that none is left running in the host's cgroups.
	local ids=() id
	if answers "$dir"; then
		mapfile -t ids < <(docker_cli "$dir" ps -aq --no-trunc 2>/dev/null || true)
		if [ ${#ids[@]} -gt 0 ]; then
			timeout 30 "$(docker_bin)" -H "unix://$dir/docker.sock" rm -f "${ids[@]}" >/dev/null 2>&1 ||
				log "could not remove every container"
		fi
	fi

	local pids=() p
	for f in docker.pid launcher.pid; do
		if [ -s "$dir/$f" ]; then
			p=$(cat "$dir/$f")
			if kill -0 "$p" 2>/dev/null && [[ " ${pids[*]} " != *" $p "* ]]; then pids+=("$p"); fi
		fi
	done
	if [ ${#pids[@]} -gt 0 ]; then
		log "stopping dockerd (pid ${pids[*]})"
		kill -TERM "${pids[@]}" 2>/dev/null || true
		if ! wait_gone "$STOP_TIMEOUT" "${pids[@]}"; then
			log "dockerd did not exit within ${STOP_TIMEOUT}s: SIGKILL"
			kill -KILL "${pids[@]}" 2>/dev/null || true
			wait_gone 5 "${pids[@]}" || true
		fi
	fi

	# Leftovers: containerd and shims started for this dir, and any container process still in a cgroup.
	mapfile -t pids < <(pids_under "$dir")
	if [ ${#pids[@]} -gt 0 ]; then
		log "killing leftover processes ${pids[*]}"
		kill -TERM "${pids[@]}" 2>/dev/null || true
		wait_gone 5 "${pids[@]}" || kill -KILL "${pids[@]}" 2>/dev/null || true
	fi
	if [ -d "$dir/data/containers" ]; then
		for id in "$dir"/data/containers/*/; do
			id=$(basename "$id")
			[ ${#id} -eq 64 ] || continue
			while IFS= read -r cg; do
				xargs -r kill -KILL <"$cg/cgroup.procs" 2>/dev/null || true
				rmdir "$cg" 2>/dev/null || true
			done < <(find /sys/fs/cgroup -maxdepth 4 -type d -name "*$id*" 2>/dev/null)
		done
	fi

	# Mounts left under the dir (overlay layers, netns, the data-root bind), deepest first.
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
