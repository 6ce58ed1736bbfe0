# Sourced by run.sh (its ok/bad/skip, $BIN, $TOP): agent-shell trusts no
# one who answers on policyd's socket.
#
# agent-shell hands policyd the session's seccomp listener and in-flight
# table, and takes its Landlock plan: whoever holds the listener answers
# every call of the session. After policyd dies, agent-shell reconnects to
# the socket's path; whoever listens there then gets the listener. Each
# attack below puts a process that is not policyd there while a session
# waits, then lets the session write a file the policy protects: the fake
# (tests/integration/progs/fake_policyd.py steal) answers CONTINUE, the
# kernel writes. Proved against the agent-shell of $BASE_REV, which had no
# check, then refused by this one: the write waits until a real policyd is
# back, which refuses it.
AUTH_HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
AUTH_REPO=$(cd "$AUTH_HERE/../.." && pwd)
AUTH_FAKE=$AUTH_REPO/tests/integration/progs/fake_policyd.py
AUTH_POLICY=$AUTH_HERE/policy-session.yaml
AUTH_PROTO=$(sed -n 's/^#define TGP_VERSION \([0-9]\).*/\1/p' "$AUTH_REPO/common/tg_proto.h")
AR=$TOP/auth
BASE_REV=af3338f

# The agent-shell of BASE_REV (before it authenticated policyd and ended
# what its command left), built once from git next to this build's
# policyd and interposer. BASE_AS, or BASE_WHY says why there is none.
BASE_AS= BASE_WHY=
base_agent_shell() {
	local src=$TOP/base-src b=$TOP/base-build
	[ -n "$BASE_AS" ] && return 0
	[ -n "$BASE_WHY" ] && return 1
	if ! git -C "$AUTH_REPO" cat-file -e "$BASE_REV^{commit}" 2>/dev/null; then
		BASE_WHY="no git history with $BASE_REV to build the old agent-shell from"; return 1
	fi
	mkdir -p "$src" "$b/bin"
	# built speaking this tiergate's protocol version: the attack is on
	# its trust in whoever answers, which a version bump since (its
	# messages are this policyd's, but for what they added) does not touch
	if ! git -C "$AUTH_REPO" archive "$BASE_REV" | tar -x -C "$src" ||
	   ! sed -i "s/^#define TGP_VERSION [0-9]\$/#define TGP_VERSION $AUTH_PROTO/" "$src/common/tg_proto.h" ||
	   ! env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL -u BUILD -u SANITIZE -u CFLAGS \
		make -s -C "$src" BUILD="$b" SANITIZE=0 "$b/bin/agent-shell" >"$TOP/base-build.log" 2>&1; then
		BASE_WHY="the agent-shell of $BASE_REV does not build here: $(tail -3 "$TOP/base-build.log" | tr '\n' ' ')"; return 1
	fi
	ln -sf "$BIN/libtiergate-preload.so" "$BIN/policyd" "$b/bin/"
	# it must still speak this policyd's protocol to be attacked at all
	mkdir -p "$TOP/base-probe"
	if ! ( cd "$TOP/base-probe" && TIERGATE_RUNDIR=$TOP/base-probe/run timeout 30 "$b/bin/agent-shell" --user \
		--policy "$AUTH_POLICY" -- true ) >/dev/null 2>"$TOP/base-probe.err"; then
		BASE_WHY="the agent-shell of $BASE_REV cannot open a session here: $(head -c 300 "$TOP/base-probe.err")"
	fi
	local p; p=$(cat "$TOP/base-probe/run/policyd.pid" 2>/dev/null)
	[ -n "$p" ] && kill "$p" 2>/dev/null
	[ -n "$BASE_WHY" ] && return 1
	BASE_AS=$b/bin/agent-shell
}

auth_policyd() { # starts a real policyd for $AR/run; AUTH_PD its pid
	rm -f "$AR/run/policyd.pid"
	TIERGATE_RUNDIR=$AR/run "$BIN/policyd" --user --policy "$AUTH_POLICY" >/dev/null 2>&1
	for _ in $(seq 100); do [ -S "$AR/run/agent.sock" ] && [ -s "$AR/run/policyd.pid" ] && break; sleep 0.05; done
	AUTH_PD=$(cat "$AR/run/policyd.pid" 2>/dev/null)
}
auth_stop() { # stops the processes the test started, by pid
	local p
	for p in "$@"; do [ -n "$p" ] && kill "$p" 2>/dev/null; done
}
auth_wait() { # auth_wait SECONDS CONDITION...
	local n=$(($1 * 20)); shift
	for _ in $(seq $n); do "$@" 2>/dev/null && return 0; sleep 0.05; done
	return 1
}
# with_held SOCKET CMD...: runs CMD with a Unix socket bound at SOCKET
# (not listening) as descriptor 5. A session's process can listen on it;
# it could not bind in the run directory while policyd is down (a bind is
# itself a notified call).
with_held() {
	python3 -c '
import os, socket, sys
s = socket.socket(socket.AF_UNIX); s.bind(sys.argv[1]); os.dup2(s.fileno(), 5); os.set_inheritable(5, True)
os.execvp(sys.argv[2], sys.argv[2:])' "$@"
}
listener_taken() { grep -q '^listener' "$AR/fake.log"; }
agent_shell_refused() { grep -q 'refused the process listening' "$AR/err"; }
write_done() { ! grep -qx original "$AR/ws/protected/keep"; }
reacted() { listener_taken || agent_shell_refused; }

# auth_run AGENT_SHELL WHERE: a session waits (a FIFO) while policyd is
# killed and, WHERE, a process that is not policyd listens on its socket:
#   outside          the fake, started by someone else (same uid)
#   session          the fake, started by the session itself
#   session-policyd  a process of the session running policyd's own
#                    program, blocked writing its error (a FIFO is no
#                    policy) to a full pipe whose read end is its stdin
#                    (policyd closes every descriptor above 2)
# Then the session writes protected/keep. Sets AUTH_KEEP (the file after
# the write had its answer or 3 s passed) and AUTH_INS (the process the
# session started); $AR/err, $AR/out, $AR/fake.log say the rest. A real
# policyd is started again at the end, and the session is waited for.
auth_run() {
	local as=$1 where=$2 ins="" fake="" sh
	rm -rf "$AR"
	mkdir -p "$AR/ws/protected" "$AR/ws/out" "$AR/run"
	echo original >"$AR/ws/protected/keep"
	: >"$AR/fake.log"
	mkfifo "$AR/go" "$AR/never"
	auth_policyd
	case $where in
	session) ins="python3 '$AUTH_FAKE' fd:5 $AUTH_PROTO out/fake-ready steal '$AR/fake.log'" ;;
	session-policyd) ins="python3 -c 'import os, socket, sys; s = socket.socket(fileno=5); s.listen(8); os.set_inheritable(5, True)
r, w = os.pipe(); os.set_inheritable(r, True); os.set_blocking(w, False)
for size in (4096, 1):
    try:
        while True: os.write(w, b\"x\" * size)
    except BlockingIOError: pass
os.set_blocking(w, True); os.dup2(r, 0); os.dup2(w, 1); os.dup2(w, 2)
os.execv(sys.argv[1], [sys.argv[1], \"--user\", \"--foreground\", \"--policy\", sys.argv[2]])' '$BIN/policyd' '$AR/never'" ;;
	esac
	( cd "$AR/ws" && TIERGATE_RUNDIR=$AR/run TIERGATE_RESTART_AFTER_MS=600000 with_held "$AR/held.sock" timeout 60 "$as" --user --policy "$AUTH_POLICY" -- \
		bash -c "${ins:+$ins & echo \$! >out/ins.pid;} echo >out/ready; exec 3<'$AR/go'; echo evil >protected/keep; echo \"write rc=\$?\"" ) >"$AR/out" 2>"$AR/err" &
	sh=$!
	auth_wait 20 test -e "$AR/ws/out/ready"
	AUTH_INS=$(cat "$AR/ws/out/ins.pid" 2>/dev/null)
	if [ "$where" = session-policyd ]; then
		auth_wait 10 bash -c "[ \"\$(readlink /proc/$AUTH_INS/exe)\" = '$(readlink -f "$BIN/policyd")' ]"
	elif [ "$where" = session ]; then
		auth_wait 10 test -e "$AR/ws/out/fake-ready"
	fi
	kill -9 "$AUTH_PD"
	if [ "$where" = outside ]; then
		python3 "$AUTH_FAKE" "$AR/run/agent.sock" "$AUTH_PROTO" "$AR/fake-ready" steal "$AR/fake.log" &
		fake=$!
		auth_wait 10 test -e "$AR/fake-ready"
	else
		mv "$AR/held.sock" "$AR/run/agent.sock"
	fi
	auth_wait 10 reacted
	timeout 10 bash -c "exec 7>'$AR/go'"
	auth_wait 3 write_done
	AUTH_KEEP=$(cat "$AR/ws/protected/keep")
	auth_stop "$fake"
	auth_policyd
	wait "$sh"
	auth_stop "$AUTH_PD"
}
# the process the session left, if it still lives (by pid and program)
auth_ins_alive() {
	[ -n "$AUTH_INS" ] && [ -e "/proc/$AUTH_INS" ] &&
		tr '\0' ' ' <"/proc/$AUTH_INS/cmdline" 2>/dev/null | grep -q -e fake_policyd -e policyd
}

echo "== agent-shell authenticates policyd before it hands over the session's listener"
if base_agent_shell; then
	auth_run "$BASE_AS" outside
	if [ "$AUTH_KEEP" = evil ] && listener_taken; then
		ok "$BASE_REV agent-shell: a fake policyd outside the session took the listener and let a denied write through"
	else bad "the fake policyd does not work against the $BASE_REV agent-shell (file: $AUTH_KEEP): $(head -c 600 "$AR/err")"; fi
	auth_run "$BASE_AS" session
	if [ "$AUTH_KEEP" = evil ] && listener_taken; then
		ok "$BASE_REV agent-shell: a process of the session itself took the listener and answered its own denied write"
	else bad "the in-session fake does not work against the $BASE_REV agent-shell (file: $AUTH_KEEP): $(head -c 600 "$AR/err")"; fi
	auth_ins_alive && auth_stop "$AUTH_INS"
else
	skip "the attacks against the agent-shell before the fix: $BASE_WHY"
fi

auth_run "$BIN/agent-shell" outside
if [ "$AUTH_KEEP" = original ] && ! listener_taken && grep -q "refused write \"$AR/ws/protected/keep\" (rule protected)" "$AR/err" &&
   grep -qx "write rc=1" "$AR/out" &&
   grep -q "^tiergate: refused the process listening on $AR/run/agent.sock: pid [0-9]* runs .*, which is not tiergate's policyd (.*); mediated calls keep waiting for policyd$" "$AR/err"; then
	ok "a fake policyd (another program): refused with one line; the write waited for the real policyd, which refused it"
else bad "fake policyd outside the session (file: $AUTH_KEEP): $(cat "$AR/err" "$AR/out" "$AR/fake.log" | head -c 900)"; fi

auth_run "$BIN/agent-shell" session
if [ "$AUTH_KEEP" = original ] && ! listener_taken && grep -qx "write rc=1" "$AR/out" &&
   grep -q "refused the process listening on $AR/run/agent.sock: pid $AUTH_INS is a process of this session" "$AR/err"; then
	ok "a process of the session listening on policyd's socket: refused, the write refused by the real policyd"
else bad "fake policyd inside the session (file: $AUTH_KEEP): $(cat "$AR/err" "$AR/out" "$AR/fake.log" | head -c 900)"; fi
if auth_ins_alive; then bad "the session's fake policyd outlived its session"; auth_stop "$AUTH_INS"
else ok "and it ended with its session"; fi

auth_run "$BIN/agent-shell" session-policyd
if [ "$AUTH_KEEP" = original ] && grep -qx "write rc=1" "$AR/out" &&
   grep -q "refused the process listening on $AR/run/agent.sock: pid $AUTH_INS is a process of this session" "$AR/err"; then
	ok "a process of the session running policyd's own program on policyd's socket: refused as a process of the session"
else bad "policyd's program inside the session (file: $AUTH_KEEP): $(cat "$AR/err" "$AR/out" | head -c 900)"; fi
auth_ins_alive && auth_stop "$AUTH_INS"

# A process a session left behind (the base agent-shell ended nothing)
# answers the next agent-shell as policyd.
if [ -n "$BASE_AS" ]; then
	rm -rf "$AR"; mkdir -p "$AR/ws/protected" "$AR/ws/out" "$AR/run"; echo original >"$AR/ws/protected/keep"; : >"$AR/fake.log"
	auth_policyd
	( cd "$AR/ws" && TIERGATE_RUNDIR=$AR/run with_held "$AR/held.sock" "$BASE_AS" --user --policy "$AUTH_POLICY" -- \
		bash -c "python3 '$AUTH_FAKE' fd:5 $AUTH_PROTO out/fake-ready steal '$AR/fake.log' & echo \$! >out/ins.pid; while [ ! -e out/fake-ready ]; do sleep 0.05; done" ) >/dev/null 2>&1
	AUTH_INS=$(cat "$AR/ws/out/ins.pid" 2>/dev/null)
	# gone before its socket's name is taken: a policyd that stops
	# removes agent.sock, and under load it did so after the mv below
	# (the next agent-shell then started a new policyd)
	auth_stop "$AUTH_PD"; auth_wait 10 bash -c "[ ! -e /proc/$AUTH_PD ]"
	mv "$AR/held.sock" "$AR/run/agent.sock"
	( cd "$AR/ws" && TIERGATE_RUNDIR=$AR/run timeout 30 "$BASE_AS" --user --policy "$AUTH_POLICY" -- bash -c 'echo evil >protected/keep' ) >/dev/null 2>&1
	if auth_ins_alive && grep -qx evil "$AR/ws/protected/keep" && listener_taken; then
		ok "$BASE_REV agent-shell: a fake left running by an earlier session took the next session's listener"
	else bad "a leftover fake does not work against the $BASE_REV agent-shell (file: $(cat "$AR/ws/protected/keep"))"; fi
	echo original >"$AR/ws/protected/keep"; : >"$AR/fake.log"
	rc=0
	( cd "$AR/ws" && TIERGATE_RUNDIR=$AR/run timeout 30 "$BIN/agent-shell" --user --policy "$AUTH_POLICY" -- bash -c 'echo evil >protected/keep' ) >"$AR/out" 2>"$AR/err" || rc=$?
	if [ $rc = 126 ] && grep -qx original "$AR/ws/protected/keep" && ! grep -q session "$AR/fake.log" &&
	   grep -q "^agent-shell: refused the process listening on $AR/run/agent.sock: pid $AUTH_INS runs under [0-9]* seccomp filters (agent-shell under [0-9]*): it is a process of a tiergate session; no session was opened$" "$AR/err"; then
		ok "a process an earlier session left (under that session's seccomp filter): refused, no session opened, exit 126"
	else bad "a leftover of another session (rc=$rc): $(cat "$AR/err" "$AR/fake.log" | head -c 900)"; fi
	auth_ins_alive && auth_stop "$AUTH_INS"
fi
