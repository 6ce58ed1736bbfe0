#!/bin/bash
# Bypass suite: each attack first runs WITHOUT tiergate and must succeed (so
# the test can fail), then runs under agent-shell and must be stopped.
# Usage: run.sh BINDIR ATTACKDIR
set -u
BIN=$(cd "$1" && pwd)
ATT=$(cd "$2" && pwd)
TOP=$(mktemp -d /tmp/tg-bypass-XXXXXX)
export TIERGATE_RUNDIR=$TOP/run
export ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0
WS=$TOP/ws
mkdir -p "$WS/bin"
cp "$ATT"/* "$WS/bin/"
POLICY=$(cd "$(dirname "$0")/../.." && pwd)/policies/default.yaml
PASS=0 FAIL=0
cleanup() {
	if [ -f "$RUN_PID" ] 2>/dev/null; then :; fi
	local p; p=$(cat "$TIERGATE_RUNDIR/policyd.pid" 2>/dev/null)
	[ -n "$p" ] && kill "$p" 2>/dev/null
	rm -rf "$TOP"
}
RUN_PID=/dev/null
trap cleanup EXIT
ok() { PASS=$((PASS+1)); echo "  ok   $*"; }
bad() { FAIL=$((FAIL+1)); echo "  FAIL $*"; }

# attack NAME SUCCESS_TEXT STOPPED_TEXT [killed]
attack() {
	local name=$1 win=$2 stop=$3 killed=${4:-}
	local out rc
	out=$(cd "$WS" && "bin/$name" 2>&1); rc=$?
	if [ $rc -ne 0 ] || ! grep -q "$win" <<<"$out"; then
		bad "$name: the attack does not work even without tiergate (rc=$rc: $out)"; return
	fi
	out=$(cd "$WS" && "$BIN/agent-shell" --user --policy "$POLICY" -- "bin/$name" 2>&1); rc=$?
	if grep -q "$win" <<<"$out"; then
		bad "$name: succeeded under tiergate: $out"; return
	fi
	if [ -n "$killed" ]; then
		# killed by SIGSYS: agent-shell reports 128 + 31
		if [ $rc -eq 159 ]; then ok "$name: works natively, killed (SIGSYS) under tiergate"
		else bad "$name: expected a SIGSYS kill, got rc=$rc: $out"; fi
		return
	fi
	if grep -q "$stop" <<<"$out"; then ok "$name: works natively, refused under tiergate ($stop)"
	else bad "$name: not refused the expected way (rc=$rc): $out"; fi
}

echo "== bypass suite (seccomp refusal filter)"
attack io_uring "ring created" "refused errno=1"
attack ptrace_sibling "attached" "refused errno=1"
attack vm_writev "wrote the sibling's memory" "refused errno=1"
attack bpf_load "map created" "refused errno=1"
attack unshare_ns "new namespace" "unshare: refused errno=1"
attack seccomp_listener "listener created" "refused errno=1"
attack int80 "getpid=" "" killed
out=$(cd "$WS" && "$BIN/agent-shell" --user --policy "$POLICY" -- grep NoNewPrivs /proc/self/status)
if grep -q "1$" <<<"$out"; then ok "session processes run with no_new_privs"; else bad "no_new_privs not set: $out"; fi
out=$(cd "$WS" && "$BIN/agent-shell" --user --policy "$POLICY" -- bash -c 'git --version && python3 -c "import threading; t=threading.Thread(target=print, args=(1,)); t.start(); t.join()"' 2>&1)
if grep -q "git version" <<<"$out" && grep -qx 1 <<<"$out"; then ok "ordinary programs (git, python threads via clone) still work"
else bad "ordinary programs broken by the filter: $out"; fi

echo "== bypass suite (Landlock, static binaries, deny-default policy)"
STRICT=$(cd "$(dirname "$0")" && pwd)/policy-strict.yaml
reset_files() {
	rm -rf "$WS/protected" "$WS/out" "$WS/elsewhere"
	mkdir -p "$WS/protected" "$WS/out" "$WS/elsewhere"
	echo original > "$WS/protected/keep"
	echo other > "$WS/out/other"
	cp /bin/true "$WS/elsewhere/prog"
	ln -sf "$WS/protected/keep" "$WS/out/link"
}
# fs_attack MODE TARGET [OTHER] CHECK: CHECK is a command that is true when
# the protected file is unharmed
fs_attack() {
	local mode=$1 target=$2 other=$3 out rc
	reset_files
	out=$(cd "$WS" && bin/static_fs "$mode" "$target" "$other" 2>&1)
	local harmed=0
	if [ "$mode" = link ]; then [ -e "$WS/out/hard" ] && harmed=1
	else grep -qx original "$WS/protected/keep" 2>/dev/null || harmed=1; fi
	if ! grep -q "$mode: done" <<<"$out" || [ $harmed = 0 ]; then
		bad "static $mode: does not work even without tiergate: $out"; return
	fi
	reset_files
	out=$(cd "$WS" && "$BIN/agent-shell" --user --policy "$STRICT" -- bin/static_fs "$mode" "$target" "$other" 2>&1); rc=$?
	# EACCES, or EXDEV for links and renames across Landlock trees
	if grep -qE "$mode: refused errno=(13|18)" <<<"$out" && grep -qx original "$WS/protected/keep" &&
	   [ ! -e "$WS/out/hard" ]; then
		ok "static binary $mode of a protected file: works natively, refused by Landlock"
	else
		bad "static $mode under tiergate (rc=$rc): $out"
	fi
}
fs_attack write "$WS/protected/keep" ""
fs_attack truncate "$WS/protected/keep" ""
fs_attack rename "$WS/protected/keep" "$WS/out/other"
fs_attack unlink "$WS/protected/keep" ""
fs_attack link "$WS/protected/keep" "$WS/out/hard"
fs_attack write "$WS/out/link" ""
fs_attack procfd "$WS/protected/keep" ""
reset_files
out=$(cd "$WS" && bin/static_exec "$WS/elsewhere/prog" 2>&1); rc=$?
if [ $rc -eq 0 ] && [ -z "$out" ]; then
	out=$(cd "$WS" && "$BIN/agent-shell" --user --policy "$STRICT" -- bin/static_exec "$WS/elsewhere/prog" 2>&1)
	if grep -q "exec: refused errno=13" <<<"$out"; then ok "static raw execve outside the exec trees: works natively, refused by Landlock"
	else bad "static exec under tiergate: $out"; fi
else
	bad "static exec does not work even without tiergate: $out"
fi
out=$(cd "$WS" && "$BIN/agent-shell" --user --policy "$STRICT" -- bash -c 'echo fine > out/ok.txt && git --version >/dev/null && cat out/ok.txt' 2>&1)
if [ "$out" = fine ]; then ok "allowed writes and execs still work under Landlock"; else bad "Landlock broke allowed work: $out"; fi
out=$(cd "$WS" && "$BIN/agent-shell" --user --policy "$STRICT" -- sleep 2 & sleep 1; "$BIN/policyctl" status 2>&1; wait)
if grep -qE "Landlock +active +ABI [0-9]+: writes restricted in 1, execs in 1 of 1 sessions" <<<"$out"; then ok "policyctl status reports Landlock per session"
else bad "status does not report Landlock: $(grep Landlock <<<"$out")"; fi

echo "bypass: $PASS passed, $FAIL failed"
[ "$FAIL" -eq 0 ]
