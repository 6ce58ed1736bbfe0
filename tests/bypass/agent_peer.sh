# Sourced by run.sh (its ok/bad/skip, $BIN, $TOP): only the process that
# connected to policyd's agent socket speaks on that connection.
#
# A session's process connects, forks and exits; its child keeps the
# connection. policyd read the peer's /proc entry by the pid the kernel
# gave at connect (SO_PEERCRED) when the first message came: by then that
# pid could be another process's, one outside every session, and the
# child's SESSION_NEW opened a session for that process (its working
# directory the session's workspace, its pid the session's root, moved
# into the session's cgroup in system mode). policyd now holds the peer by
# a pidfd (SO_PEERPIDFD) and closes a connection whose process is gone.
# The pid is handed out again through /proc/sys/kernel/ns_last_pid (a
# counted skip where it is not writable): natively, the kernel gives the
# exited process's pid to the next one made. Run against a system-mode
# policyd where this is root with cgroup v2 (sessions by cgroup, where the
# old policyd opened the session for the other process), else a user-mode
# one (sessions by ancestry).
APR_HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
APR_POLICY=$APR_HERE/policy-session.yaml
APR=$TOP/agentpeer
mkdir -p "$APR/ws" "$APR/run"

apr_wait() { # apr_wait SECONDS CONDITION...
	local n=$(($1 * 20)); shift
	for _ in $(seq $n); do "$@" 2>/dev/null && return 0; sleep 0.05; done
	return 1
}
apr_sessions() { TIERGATE_RUNDIR=$APR/run "$BIN/policyctl" sessions 2>&1; }
# apr_try REUSE: one attempt; APR_TAKER the pid that took the peer's (or
# none), APR_RP the peer's pid; the child's report in $APR/ws/out
apr_try() {
	rm -f "$APR/ws/pid" "$APR/ws/out" "$APR/go"
	APR_TAKER= APR_RP= APR_CG=
	( cd "$APR/ws" && TIERGATE_RUNDIR=$APR/run TGP_MAGIC=$TGP_MAGIC timeout 60 \
		"$BIN/agent-shell" $APR_MODE --policy "$APR_POLICY" -- \
		python3 "$APR_HERE/agent_peer.py" "$APR/run/agent.sock" "$APR/ws/pid" \
		"$APR/go" "$APR_POLICY" "$APR/ws/out" ) >"$APR/as.out" 2>&1 &
	local as=$!
	apr_wait 30 test -s "$APR/ws/pid"
	APR_RP=$(cat "$APR/ws/pid" 2>/dev/null)
	if [ "$1" = reuse ] && [ -n "$APR_RP" ]; then
		echo $((APR_RP - 1)) >/proc/sys/kernel/ns_last_pid
		sleep 60 &
		APR_TAKER=$!
	fi
	: >"$APR/go"
	apr_wait 30 test -s "$APR/ws/out"
	APR_SESS=$(apr_sessions)
	[ -n "$APR_TAKER" ] && APR_CG=$(cat "/proc/$APR_TAKER/cgroup" 2>/dev/null)
	[ -n "$APR_TAKER" ] && { kill "$APR_TAKER" 2>/dev/null; wait "$APR_TAKER" 2>/dev/null; }
	wait "$as" 2>/dev/null
}

echo "== the agent socket: a connection whose process is gone"
APR_MODE=--user
[ "$(id -u)" = 0 ] && awk '$3 == "cgroup2" {f = 1} END {exit !f}' /proc/mounts && APR_MODE=--system
rm -f "$APR/run/policyd.pid"
TIERGATE_RUNDIR=$APR/run "$BIN/policyd" $APR_MODE --policy "$APR_POLICY" >/dev/null 2>&1
apr_wait 10 bash -c "[ -S '$APR/run/agent.sock' ] && [ -s '$APR/run/policyd.pid' ]"
APR_PD=$(cat "$APR/run/policyd.pid" 2>/dev/null)
apr_try plain
if [ -z "$APR_RP" ]; then
	bad "agent socket: the session's process did not connect and fork ($(head -c 300 "$APR/as.out"))"
elif grep -qx closed "$APR/ws/out" && ! grep -q stolen <<<"$APR_SESS"; then
	ok "agent socket ($APR_MODE): a child holding the connection of a process that exited is not answered"
else
	bad "agent socket: a child holding an exited process's connection was answered: $(cat "$APR/ws/out" 2>/dev/null)"
fi
reuse=""
if [ -w /proc/sys/kernel/ns_last_pid ]; then
	for _ in $(seq 10); do
		apr_try reuse
		[ -n "$APR_TAKER" ] && [ "$APR_TAKER" = "$APR_RP" ] && { reuse=yes; break; }
	done
fi
if [ "$reuse" = yes ]; then
	ok "agent socket: natively, the exited peer's pid $APR_RP went to a process outside the session"
	if grep -qx closed "$APR/ws/out" && ! grep -q stolen <<<"$APR_SESS" &&
	   ! grep -q "/s[0-9]*-$APR_TAKER\$" <<<"$APR_CG"; then
		ok "agent socket ($APR_MODE): the child cannot open a session for the process that took its parent's pid"
	else
		bad "agent socket ($APR_MODE): the child was answered for the process that took its parent's pid: $(cat "$APR/ws/out" 2>/dev/null); its cgroup: $APR_CG"
	fi
else
	skip "agent socket, pid taken by another process: $([ -w /proc/sys/kernel/ns_last_pid ] && echo "the pid was not handed out again in 10 tries (a busy machine)" || echo "/proc/sys/kernel/ns_last_pid is not writable here")"
fi
if [ -n "$APR_PD" ]; then
	kill "$APR_PD" 2>/dev/null
	apr_wait 5 bash -c "! kill -0 $APR_PD"
fi

# A process's session is looked up through its parents when its first
# message comes. P connected while its parent Q lived; then Q exited and a
# process of another session took Q's pid. policyd had read P's parent at
# accept (Q) and walked up through the newcomer: P was answered as a
# process of the other session, with its policy (a review found it,
# 2026-12-07). Now the parent is read at the lookup, and a parent that
# started after its child is not taken for one. User mode (sessions by
# ancestry; by cgroup in system mode).
echo "== the agent socket: a peer whose parent's pid another session's process took"
APR2=$TOP/agentpeer2
mkdir -p "$APR2/ws1" "$APR2/ws2" "$APR2/run"
rm -f "$APR2/run/policyd.pid"
TIERGATE_RUNDIR=$APR2/run "$BIN/policyd" --user --policy "$APR_POLICY" >/dev/null 2>&1
apr_wait 10 bash -c "[ -S '$APR2/run/agent.sock' ] && [ -s '$APR2/run/policyd.pid' ]"
APR2_PD=$(cat "$APR2/run/policyd.pid" 2>/dev/null)
reuse=""
mkfifo "$APR2/never" && exec 9<>"$APR2/never" # read -t's pause, no fork
if [ -w /proc/sys/kernel/ns_last_pid ]; then
	for _ in $(seq 10); do
		rm -f "$APR2"/ws1/* "$APR2"/ws2/*
		( cd "$APR2/ws2" && TIERGATE_RUNDIR=$APR2/run exec "$BIN/agent-shell" --user --policy "$APR_POLICY" -- \
			python3 "$APR_HERE/agent_taker.py" "$APR2/ws2/go" "$APR2/ws2/taker" "$APR2/ws2/done" ) >"$APR2/s2.out" 2>&1 &
		s2=$!
		( cd "$APR2/ws1" && TIERGATE_RUNDIR=$APR2/run TGP_MAGIC=$TGP_MAGIC exec "$BIN/agent-shell" --user --policy "$APR_POLICY" -- \
			python3 "$APR_HERE/agent_parent.py" "$APR2/run/agent.sock" "$APR2/ws1/pids" "$APR2/ws1/go" "$APR2/ws1/out" ) >"$APR2/s1.out" 2>&1 &
		s1=$!
		apr_wait 30 test -e "$APR2/ws2/taker.ready"
		apr_wait 30 test -s "$APR2/ws1/pids"
		read -r p q <"$APR2/ws1/pids" 2>/dev/null
		apr_wait 10 bash -c "! kill -0 ${q:-0}"
		[ -n "$q" ] && echo $((q - 1)) >/proc/sys/kernel/ns_last_pid
		: >"$APR2/ws2/go"
		# no process of ours until the taker's is made: builtins only
		for ((i = 0; i < 600; i++)); do
			[ -s "$APR2/ws2/taker" ] && break
			read -r -t 0.05 -u 9
		done
		taker=$(cat "$APR2/ws2/taker" 2>/dev/null)
		: >"$APR2/ws1/go"
		apr_wait 30 test -s "$APR2/ws1/out"
		: >"$APR2/ws2/done"
		wait "$s1" "$s2" 2>/dev/null
		[ -n "$q" ] && [ "$taker" = "$q" ] && { reuse=yes; break; }
	done
fi
if [ "$reuse" = yes ]; then
	ok "agent socket: natively, the exited parent's pid $q went to a process of another session"
	if grep -q -- "-$s1\$" "$APR2/ws1/out"; then
		ok "agent socket: the orphan is still attributed to its own session ($(cat "$APR2/ws1/out")), not through the other's process"
	else
		bad "agent socket: the orphan was attributed to $(cat "$APR2/ws1/out") (its session: agent-shell $s1; the other: $s2)"
	fi
else
	skip "agent socket, a parent's pid taken by another session: $([ -w /proc/sys/kernel/ns_last_pid ] && echo "the pid was not handed out again in 10 tries (a busy machine)" || echo "/proc/sys/kernel/ns_last_pid is not writable here")"
fi
exec 9>&-
if [ -n "$APR2_PD" ]; then
	kill "$APR2_PD" 2>/dev/null
	apr_wait 5 bash -c "! kill -0 $APR2_PD"
fi
