# Helpers for integration tests (sourced). Each test file defines test_*
# functions; run.sh calls them with a fresh policyd and workspace.
set -u
PASS=0 FAIL=0 SKIP=0
ok() { PASS=$((PASS+1)); echo "  ok   $*"; }
bad() { FAIL=$((FAIL+1)); echo "  FAIL $*"; }
# a check that cannot work on this machine: counted, with its reason
skip() { SKIP=$((SKIP+1)); echo "  skip $*"; }
check() { # check DESCRIPTION CONDITION...
	local d=$1; shift
	if "$@"; then ok "$d"; else bad "$d"; return 1; fi
}
audit_has() { # audit_has PATTERN...: every pattern on one line
	local f=$RUN/audit.jsonl line
	[ -f "$f" ] || return 1
	while IFS= read -r line; do
		local all=1
		for p in "$@"; do [[ $line == *"$p"* ]] || { all=0; break; }; done
		[ $all = 1 ] && return 0
	done < "$f"
	return 1
}
wait_for() { # wait_for CONDITION...: until it holds, 20 s at most
	for _ in $(seq 400); do "$@" 2>/dev/null && return 0; sleep 0.05; done
	return 1
}
in_session() { # runs a command in the session; stdout/stderr to $OUT/$ERR
	( cd "$WS" && timeout 120 "$BIN/agent-shell" --user --policy "$POLICY" -- "$@" ) >"$OUT" 2>"$ERR"
}
start_policyd() {
	# a policyd killed with -9 leaves its pid file: waiting on that one
	# would take the dead pid, and the new policyd would outlive the tests
	rm -f "$RUN/policyd.pid"
	"$BIN/policyd" --user --policy "$POLICY" >/dev/null 2>&1 || return 1
	for _ in $(seq 100); do [ -S "$RUN/agent.sock" ] && [ -f "$RUN/policyd.pid" ] && break; sleep 0.05; done
	PD_PID=$(cat "$RUN/policyd.pid")
}
stop_policyd() {
	# only the policyd this test started, by its pid
	if [ -n "${PD_PID:-}" ] && kill -0 "$PD_PID" 2>/dev/null; then
		kill "$PD_PID"; for _ in $(seq 100); do kill -0 "$PD_PID" 2>/dev/null || break; sleep 0.05; done
	fi
	PD_PID=
}
