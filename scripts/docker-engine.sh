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

ENGINE=docker-engine
# shellcheck source=scripts/engine-lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/engine-lib.sh"

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

cmd_install() {
	local pkgs=()
	command -v dockerd >/dev/null 2>&1 && [ -x /usr/bin/docker ] || pkgs+=(docker.io)
	pkg_installed busybox-static || pkgs+=(busybox-static)
	if [ ${#pkgs[@]} -eq 0 ]; then
		log "docker.io and busybox-static already installed"
		return 0
	fi
	# apt_install keeps the package's service from starting a system-wide dockerd on /var/run/docker.sock.
	apt_install "${pkgs[@]}"
	command -v dockerd >/dev/null 2>&1 || die "dockerd still missing after install"
	pkg_installed busybox-static || die "busybox-static still missing after install"
}

# build_image DIR : imports a busybox-static rootfs as $IMAGE unless the engine already has it.
build_image() {
	local dir=$1
	if docker_cli "$dir" image inspect "$IMAGE" >/dev/null 2>&1; then
		return 0
	fi
	import_busybox "$dir" docker_cli "$dir" import --change 'CMD ["sh"]' --change 'ENV PATH=/bin' - "$IMAGE"
	log "imported $IMAGE"
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
	wait_answering "$dir" "$pid" "$dir/dockerd.log" dockerd
	log "dockerd (pid $pid) answers after $((SECONDS - started))s; storage driver: $(docker_cli "$dir" info --format '{{.Driver}}' 2>/dev/null || echo '?')"
	build_image "$dir"
	echo "$dir/docker.sock"
}

cmd_stop() {
	local dir
	dir=$(stop_dir "${1:-}") || return 0

	# Containers first, so that none is left running in the host's cgroups.
	local ids=()
	if answers "$dir"; then
		mapfile -t ids < <(docker_cli "$dir" ps -aq --no-trunc 2>/dev/null || true)
		if [ ${#ids[@]} -gt 0 ]; then
			timeout 30 "$(docker_bin)" -H "unix://$dir/docker.sock" rm -f "${ids[@]}" >/dev/null 2>&1 ||
				log "could not remove every container"
		fi
	fi

	local pids=() p f
	for f in docker.pid launcher.pid; do
		if [ -s "$dir/$f" ]; then
			p=$(cat "$dir/$f")
			if kill -0 "$p" 2>/dev/null && [[ " ${pids[*]} " != *" $p "* ]]; then pids+=("$p"); fi
		fi
	done
	terminate dockerd "$STOP_TIMEOUT" "${pids[@]}"
	# Leftovers: containerd and shims started for this dir, and any container process still in a cgroup;
	# then the mounts (overlay layers, netns, the data-root bind).
	clean_up_dir "$dir" "$dir/data/containers" exec/ data docker.sock
}

case "${1:-}" in
install) cmd_install ;;
start) cmd_start "${2:-}" ;;
stop) cmd_stop "${2:-}" ;;
*) die "usage: $0 install | start DIR | stop DIR" ;;
esac
