# The differential harness's helpers (sourced by run.sh): timing, private
# policyds, running a script natively or in a session.
set -u
PY=/usr/bin/python3 # the system's python, never a pyenv shim
HERE_DIFF=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

now_ms() { echo $(($(date +%s%N) / 1000000)); }
secs() { awk -v ms="$1" 'BEGIN {printf "%.1f", ms / 1000}'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {if (b > 0) printf "%.3f", a / b; else print "-"}'; }

# ------------------------------------------------------------ policyd

declare -A PD_PID=() RUNDIR_OF=()
# start_policyd NAME POLICY: a private policyd (user mode) for sessions
# under POLICY, with its own run directory.
start_policyd() {
	local name=$1 policy=$2 rd=$TOP/run-$1
	mkdir -p "$rd"
	rm -f "$rd/policyd.pid"
	TIERGATE_RUNDIR=$rd "$BIN/policyd" --user --policy "$policy" >/dev/null 2>&1 || return 1
	for _ in $(seq 200); do [ -S "$rd/agent.sock" ] && [ -f "$rd/policyd.pid" ] && break; sleep 0.05; done
	[ -f "$rd/policyd.pid" ] || return 1
	PD_PID[$name]=$(cat "$rd/policyd.pid")
	RUNDIR_OF[$name]=$rd
}
# stop_policyds: only the policyds this run started, by their pids
stop_policyds() {
	local n p
	for n in "${!PD_PID[@]}"; do
		p=${PD_PID[$n]}
		if kill -0 "$p" 2>/dev/null; then
			kill "$p"
			for _ in $(seq 100); do kill -0 "$p" 2>/dev/null || break; sleep 0.05; done
		fi
	done
	PD_PID=()
}
# policyd_counts NAME: "REQUESTS NOTIFICATIONS" so far, from policyctl status
policyd_counts() {
	TIERGATE_RUNDIR=${RUNDIR_OF[$1]} "$BIN/policyctl" status 2>/dev/null | awk '
		/^requests:/ {r = $2} /^notifications:/ {n = $2}
		END {print (r == "" ? "?" : r), (n == "" ? "?" : n)}'
}

# in_mode MODE DIR SCRIPT: runs SCRIPT with bash in DIR, natively (MODE
# native) or in a session under the policyd named MODE; stdin from
# /dev/null, as in CI. The same environment either way, but for what
# agent-shell adds.
in_mode() {
	local mode=$1 dir=$2 script=$3
	if [ "$mode" = native ]; then
		(cd "$dir" && bash -c "$script") </dev/null
	else
		(cd "$dir" && TIERGATE_RUNDIR=${RUNDIR_OF[$mode]} "$BIN/agent-shell" --user --policy "${POLICY_OF[$mode]}" \
			-- bash -c "$script") </dev/null
	fi
}
