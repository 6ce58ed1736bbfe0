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
