# Shared by scripts/docker-engine.sh and scripts/podman-engine.sh (sourced, not run): package install,
# the busybox test image's root file system, waiting for the engine, and the pieces of a clean stop.
# The sourcing script sets ENGINE (its name in log lines) and defines `answers DIR` before calling these.

log() { printf '%s: %s\n' "$ENGINE" "$*" >&2; }
die() {
	log "$*"
	exit 1
}

pkg_installed() { # PACKAGE
	[ "$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null || true)" = "install ok installed" ]
}

# apt_install PACKAGE... : installs them with apt-get; their services are kept from starting
# (a policy-rc.d for the duration), an empty apt list is updated first, a failure retried after an update.
apt_install() {
	[ "$(id -u)" = 0 ] || die "must be root to install $*"
	command -v apt-get >/dev/null 2>&1 || die "apt-get not found; install $* by hand"
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
	log "apt-get install $*"
	if ! DEBIAN_FRONTEND=noninteractive "${apt[@]}" install --no-install-recommends "$@" >&2; then
		log "install failed: apt-get update, then retry"
		DEBIAN_FRONTEND=noninteractive "${apt[@]}" update >&2 || true
		DEBIAN_FRONTEND=noninteractive "${apt[@]}" install --no-install-recommends "$@" >&2 || rc=$?
	fi
	if [ -n "$made_policy" ]; then rm -f "$policy"; fi
	[ "$rc" = 0 ] || die "apt-get failed ($rc)"
}

# import_busybox DIR IMPORT_COMMAND... : a root file system of /bin/busybox (busybox-static), every applet
# linked in /bin, streamed as a tar into IMPORT_COMMAND (the engine's `import ... - IMAGE`).
import_busybox() {
	local dir=$1 rootfs applet
	shift
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
	tar --numeric-owner -C "$rootfs" -cf - . | "$@" >&2
	rm -rf "$rootfs"
}

tail_log() { # LOGFILE : its error lines, then its last lines
	[ -f "$1" ] || return 0
	grep -aiE 'level=(error|fatal)|^Error|failed to start' "$1" | tail -n 20 >&2 || true
	log "..."
	tail -n 30 "$1" >&2
}

# wait_answering DIR PID LOGFILE WHAT : until `answers DIR`; exits with the log's tail when PID dies first
# or START_TIMEOUT passes.
wait_answering() {
	local dir=$1 pid=$2 logfile=$3 what=$4 started=$SECONDS
	until answers "$dir"; do
		if ! kill -0 "$pid" 2>/dev/null; then
			log "$what exited before answering; last lines of $logfile:"
			tail_log "$logfile"
			exit 1
		fi
		if ((SECONDS - started >= START_TIMEOUT)); then
			log "$what did not answer within ${START_TIMEOUT}s; last lines of $logfile:"
			tail_log "$logfile"
			kill "$pid" 2>/dev/null || true
			exit 1
		fi
		sleep 0.2
	done
}

# stop_dir DIR : the absolute path of a directory `start` made, on stdout; nothing (status 1) when it is
# gone already; dies for a directory `start` did not make.
stop_dir() {
	local dir=$1
	[ -n "$dir" ] || die "usage: $0 stop DIR"
	if [ ! -d "$dir" ]; then
		log "$dir does not exist: nothing to stop"
		return 1
	fi
	dir=$(cd "$dir" && pwd -P)
	[ -e "$dir/$MARKER" ] || die "$dir was not made by '$0 start': refusing to touch it"
	echo "$dir"
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

# terminate WHAT TIMEOUT PID... : SIGTERM, then SIGKILL for what is left after TIMEOUT seconds.
terminate() {
	local what=$1 timeout=$2
	shift 2
	[ $# -gt 0 ] || return 0
	log "stopping $what (pid $*)"
	kill -TERM "$@" 2>/dev/null || true
	if ! wait_gone "$timeout" "$@"; then
		log "$what did not exit within ${timeout}s: SIGKILL"
		kill -KILL "$@" 2>/dev/null || true
		wait_gone 5 "$@" || true
	fi
}

# clean_up_dir DIR CONTAINERS_DIR PATTERN... : kills processes whose command line names DIR/PATTERN (the
# engine's helpers and shims, never this script), then what is left in the cgroups of the containers
# listed in CONTAINERS_DIR, unmounts everything under DIR deepest first, and removes DIR.
clean_up_dir() {
	local dir=$1 containers=$2 p cmdline pattern id cg m
	shift 2
	local pids=()
	for p in /proc/[0-9]*; do
		p=${p#/proc/}
		[ "$p" = $$ ] && continue
		cmdline=$(tr '\0' ' ' 2>/dev/null <"/proc/$p/cmdline") || continue
		for pattern in "$@"; do
			if [[ "$cmdline" == *"$dir/$pattern"* ]]; then
				pids+=("$p")
				break
			fi
		done
	done
	if [ ${#pids[@]} -gt 0 ]; then
		log "killing leftover processes ${pids[*]}"
		kill -TERM "${pids[@]}" 2>/dev/null || true
		wait_gone 5 "${pids[@]}" || kill -KILL "${pids[@]}" 2>/dev/null || true
	fi
	if [ -d "$containers" ]; then
		for id in "$containers"/*/; do
			id=$(basename "$id")
			[ ${#id} -eq 64 ] || continue
			while IFS= read -r cg; do
				xargs -r kill -KILL <"$cg/cgroup.procs" 2>/dev/null || true
				rmdir "$cg" 2>/dev/null || true
			done < <(find /sys/fs/cgroup -maxdepth 4 -type d -name "*$id*" 2>/dev/null)
		done
	fi
	while IFS= read -r m; do
		umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null || log "could not unmount $m"
	done < <(awk -v d="$dir" '$5 == d || index($5, d "/") == 1 { print $5 }' /proc/self/mountinfo | sort -r)
	rm -rf "$dir"
	log "stopped and removed $dir"
}
