# Sourced by run.sh (lib.sh's check/ok/bad/wait_for; $BIN, $PROGS, $TOP):
# Tier 3 approvals with two parties. An agent process under agent-shell
# makes a prompt-tier call and waits; an operator process (this script,
# outside the session) answers with policyctl. Checked on the real effect
# (file created or not, program ran or not, connection made or not), the
# agent's stderr and the audit log. A policyd of its own, started with
# --approvals, in $AP/run. Alone (under the suite lock):
#   tests/integration/approve_only.sh BINDIR PROGDIR
AP=$TOP/approve
mkdir -p "$AP/ws/ask" "$AP/ws/vault" "$AP/ws/out" "$AP/run"
echo "vault content" >"$AP/ws/vault/f"
read -r AP_PORT < <(python3 -c '
import socket
s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
ap_policy() { # ap_policy FILE SETTINGS: the approvals policy with those settings
	cat >"$1" <<EOF
version: 1
settings: { default: deny, $2 }
rules:
  - { id: read-all, action: allow, open: { path: ["/**"], access: [read] } }
  - { id: ws-write, action: allow, open: { path: ["\${PWD}/**", "/dev/null", "/dev/tty", "/tmp/**"], access: [write, create, delete] } }
  - { id: ask-write, action: prompt, message: "ask/ needs an operator", open: { path: ["\${PWD}/ask/**"], access: [write, create] } }
  - { id: ask-read, action: prompt, message: "vault/ needs an operator", open: { path: ["\${PWD}/vault/**"], access: [read] } }
  - { id: programs, action: allow, exec: { path: ["/usr/**", "/bin/**", "$BIN/**", "$PROGS/**", "$AP_PY/**"] } }
  - { id: ask-touch, action: prompt, message: "touch needs an operator", exec: { argv: ["touch **"] } }
  - { id: loopback, action: allow, connect: { cidr: ["127.0.0.0/8"] } }
  - { id: ask-port, action: prompt, connect: { cidr: ["127.0.0.1/32"], port: ["$AP_PORT"] } }
EOF
}
# python3 where it is installed (a pyenv shim and its interpreter)
AP_PY=$(dirname "$(dirname "$(readlink -f "$(command -v python3)")")")
case $(command -v python3) in "$HOME"/.pyenv/*) AP_PY=$HOME/.pyenv ;; esac
AP_POL=$AP/policy.yaml
ap_policy "$AP_POL" "prompt_timeout: 60s, max_pending_prompts: 5"
AP_POL_DENY=$AP/policy-2s.yaml
ap_policy "$AP_POL_DENY" "prompt_timeout: 2s, on_timeout: deny"
AP_POL_ALLOW=$AP/policy-1s-allow.yaml
ap_policy "$AP_POL_ALLOW" "prompt_timeout: 1s, on_timeout: allow"
ap_ctl() { TIERGATE_RUNDIR=$AP/run "$BIN/policyctl" "$@"; }
ap_ids() { ap_ctl pending --json 2>/dev/null | grep -o '"id":[0-9]*' | cut -d: -f2; }
ap_wait_id() { # the id of a prompt waiting (the newest), within 20 s
	local i
	for _ in $(seq 400); do
		i=$(ap_ids | tail -1)
		[ -n "$i" ] && { echo "$i"; return 0; }
		sleep 0.05
	done
	return 1
}
ap_agent() { # ap_agent NAME POLICY CMD...: an agent session in the background (AGENT: its pid)
	( cd "$AP/ws" && TIERGATE_RUNDIR=$AP/run exec timeout 60 "$BIN/agent-shell" --user --policy "$2" --session "$1" -- "${@:3}" ) \
		>"$AP/$1.out" 2>"$AP/$1.err" &
	AGENT=$!
}
ap_audit() { RUN=$AP/run audit_has "$@"; } # every pattern on one line of its audit log
ap_stop() {
	local p; p=$(cat "$AP/run/policyd.pid" 2>/dev/null)
	[ -n "$p" ] && kill "$p" 2>/dev/null
	for _ in $(seq 100); do [ -n "$p" ] && kill -0 "$p" 2>/dev/null || break; sleep 0.05; done
}
TIERGATE_RUNDIR=$AP/run "$BIN/policyd" --user --approvals --policy "$AP_POL" >/dev/null 2>&1
wait_for test -S "$AP/run/control.sock"
OPNAME=$(id -un)

echo "== approvals: an agent waits, an operator approves (interposer path: a read)"
ap_agent read "$AP_POL" cat vault/f
id=$(ap_wait_id)
check "the prompt is listed with its rule, caller and what is asked" \
	bash -c "ap() { TIERGATE_RUNDIR='$AP/run' '$BIN/policyctl' \"\$@\"; }; ap pending | grep -q '^$id .*ask-read .*open: $AP/ws/vault/f'"
check "the agent is told, once, what it waits for and how to approve it" \
	wait_for grep -qx "tiergate: waiting for approval #$id: $AP/ws/vault/f (rule ask-read); an operator can run: policyctl approve $id" "$AP/read.err"
sleep 0.5
check "the agent is still blocked (nothing read yet)" bash -c "kill -0 $AGENT && [ ! -s '$AP/read.out' ]"
ap_ctl approve "$id" >/dev/null
wait "$AGENT"
check "approved: the file was read" grep -qx "vault content" "$AP/read.out"
check "no refusal line after an approval" bash -c "! grep -q refused '$AP/read.err'"
check "audit: the prompt opened" ap_audit '"kind":"prompt"' '"decision":"opened"' "prompt #$id" '"rule":"ask-read"'
check "audit: approved, by whom, with the scope" ap_audit '"kind":"prompt"' '"decision":"approved"' "prompt #$id," "by $OPNAME" "scope once"
check "audit: the call allowed, naming its prompt" ap_audit '"kind":"open"' '"decision":"allowed"' "prompt #$id approved by $OPNAME"

echo "== approvals: deny with a reason (kernel path: a write by bash)"
ap_agent deny "$AP_POL" bash -c 'echo hi > ask/denied; echo rc=$?'
id=$(ap_wait_id)
ap_ctl deny "$id" --reason "not in this change" >/dev/null
wait "$AGENT"
check "denied: no file" test ! -e "$AP/ws/ask/denied"
check "the usual refusal line, with the operator's reason" \
	grep -q "tiergate: refused write \"$AP/ws/ask/denied\" (rule ask-write): denied by operator $OPNAME: not in this change" "$AP/deny.err"
check "the call failed with EACCES" grep -qx "rc=1" "$AP/deny.out"
check "audit: denied, with the reason" ap_audit '"decision":"denied"' "prompt #$id" "reason: not in this change"

echo "== approvals: an exec waits for an operator"
ap_agent exec "$AP_POL" bash -c 'touch out/touched; echo rc=$?'
id=$(ap_wait_id)
check "the prompt shows the command line" bash -c "TIERGATE_RUNDIR='$AP/run' '$BIN/policyctl' pending | grep -q 'exec: touch out/touched'"
check "the program has not run yet" test ! -e "$AP/ws/out/touched"
ap_ctl approve "$id" >/dev/null
wait "$AGENT"
check "approved: the program ran" test -e "$AP/ws/out/touched"
ap_agent exec2 "$AP_POL" bash -c 'touch out/touched2; echo rc=$?'
id=$(ap_wait_id)
ap_ctl deny "$id" >/dev/null
wait "$AGENT"
check "denied: the program did not run" test ! -e "$AP/ws/out/touched2"
check "and the agent was told" grep -q "refused exec .*(rule ask-touch): denied by operator" "$AP/exec2.err"

echo "== approvals: the kernel path parks a static program's call"
ap_agent static "$AP_POL" "$PROGS/static_write" ask/static
id=$(ap_wait_id)
check "the static program's prompt is listed" bash -c "TIERGATE_RUNDIR='$AP/run' '$BIN/policyctl' pending | grep -q 'open: $AP/ws/ask/static'"
check "the static program is told it waits" wait_for grep -q "waiting for approval #$id" "$AP/static.err"
status_ok=0
for _ in $(seq 3); do
	# other sessions are decided meanwhile: nothing else stalls
	( cd "$AP/ws" && TIERGATE_RUNDIR=$AP/run timeout 20 "$BIN/agent-shell" --user --policy "$AP_POL" -- bash -c 'echo ok > out/other' ) >/dev/null 2>&1 &&
		[ "$(cat "$AP/ws/out/other")" = ok ] && status_ok=$((status_ok + 1))
done
check "meanwhile other sessions run and are decided" test "$status_ok" = 3
ap_ctl approve "$id" >/dev/null
wait "$AGENT"
check "approved: the static program wrote its file" bash -c "grep -qx 'static wrote' '$AP/ws/ask/static' && grep -qx 'static: written' '$AP/static.out'"
ap_agent static2 "$AP_POL" "$PROGS/static_write" ask/static2
id=$(ap_wait_id)
ap_ctl deny "$id" >/dev/null
wait "$AGENT"
check "denied: the static program got EACCES and no file" bash -c "grep -qx 'static: refused errno=13' '$AP/static2.out' && [ ! -e '$AP/ws/ask/static2' ]"

echo "== approvals: a connect waits for an operator"
python3 -c '
import socket, sys
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(sys.argv[1]))); s.listen(8); s.settimeout(30)
try:
    while True:
        c, _ = s.accept(); c.close()
except OSError:
    pass' "$AP_PORT" &
AP_SERVER=$!
sleep 0.5
ap_agent conn "$AP_POL" python3 -c "import socket; socket.create_connection(('127.0.0.1', $AP_PORT)); print('connected')"
id=$(ap_wait_id)
check "the connect's prompt names the destination" bash -c "TIERGATE_RUNDIR='$AP/run' '$BIN/policyctl' pending | grep -q 'connect: 127.0.0.1:$AP_PORT'"
ap_ctl approve "$id" >/dev/null
wait "$AGENT"
check "approved: the connection was made" grep -qx connected "$AP/conn.out"
kill "$AP_SERVER" 2>/dev/null; wait "$AP_SERVER" 2>/dev/null

echo "== approvals: timeouts, both ways"
t0=$(date +%s%N)
ap_agent tdeny "$AP_POL_DENY" bash -c 'echo hi > ask/timeout; echo rc=$?'
wait "$AGENT"
ms=$((($(date +%s%N) - t0) / 1000000))
check "on_timeout deny: no file, refused after the 2 s timeout ($ms ms)" \
	bash -c "[ ! -e '$AP/ws/ask/timeout' ] && [ $ms -ge 2000 ] && [ $ms -lt 15000 ]"
check "the agent is told nobody answered" grep -q "(rule ask-write): no operator answered within the prompt timeout" "$AP/tdeny.err"
check "audit: timed out" ap_audit '"decision":"timed out"' "$AP/ws/ask/timeout" "on_timeout: deny"
ap_agent tallow "$AP_POL_ALLOW" bash -c 'echo hi > ask/timeout-allow; echo rc=$?'
wait "$AGENT"
check "on_timeout allow: the file was made after the timeout" bash -c "grep -qx hi '$AP/ws/ask/timeout-allow' && grep -qx rc=0 '$AP/tallow.out'"
check "audit: timed out, allowed" ap_audit '"decision":"allowed"' "$AP/ws/ask/timeout-allow" "timed out"

echo "== approvals: --session is not asked again in that session, and is in another"
ap_agent grant "$AP_POL" bash -c 'echo 1 > ask/g; echo 2 > ask/g; echo done'
id=$(ap_wait_id)
ap_ctl approve "$id" --session >/dev/null
wait "$AGENT"
check "both writes happened" bash -c "grep -qx 2 '$AP/ws/ask/g' && grep -qx done '$AP/grant.out'"
check "one prompt only" test "$(grep -c 'waiting for approval' "$AP/grant.err")" = 1
check "the second write is audited with the grant as its rule" ap_audit '"kind":"open"' "$AP/ws/ask/g" '"rule":"grant-' '"decision":"allowed"'
ap_agent grant2 "$AP_POL" bash -c 'echo 3 > ask/g; echo rc=$?'
id=$(ap_wait_id)
check "a new session is asked again" test -n "$id"
ap_ctl deny "$id" >/dev/null
wait "$AGENT"
check "and its denial holds" grep -qx 2 "$AP/ws/ask/g"

echo "== approvals: a waiter that dies withdraws its prompt"
rm -f "$AP/ws/dies.pid"
ap_agent dies "$AP_POL" bash -c 'echo $$ > dies.pid; echo hi > ask/dies'
id=$(ap_wait_id)
wait_for test -s "$AP/ws/dies.pid"
kill -KILL "$(cat "$AP/ws/dies.pid")" # the agent's shell, by its pid
wait "$AGENT"
check "the prompt is withdrawn" wait_for bash -c "! TIERGATE_RUNDIR='$AP/run' '$BIN/policyctl' pending --json | grep -q '\"id\":$id,'"
check "audit: withdrawn" wait_for ap_audit '"decision":"withdrawn"' "prompt #$id"
check "no file" test ! -e "$AP/ws/ask/dies"

echo "== approvals: a session process cannot approve its own prompt"
cat >"$AP/ws/raw.py" <<'PY'
import socket, sys
s = socket.socket(socket.AF_UNIX)
s.connect(sys.argv[1]); s.sendall(("approve %s\n" % sys.argv[2]).encode())
print("raw:", s.recv(4096).decode().strip())
PY
cat >"$AP/ws/fire.py" <<'PY'
# connects, then exits and lets its child send the request: the peer
# policyd knows (the connecting process) is gone when the request comes
import os, socket, sys, time
s = socket.socket(socket.AF_UNIX)
s.connect(sys.argv[1])
if os.fork() == 0:
    time.sleep(0.3)
    try:  # policyd may have answered and closed at accept already
        s.sendall(("approve %s\n" % sys.argv[2]).encode())
    except BrokenPipeError:
        pass
    print("fire:", s.recv(4096).decode().strip(), flush=True)
    open(sys.argv[3] if len(sys.argv) > 3 else "fire-done", "w").close()
    os._exit(0)
os._exit(0)
PY
# (an ASan-built policyctl cannot run its leak check inside the sandbox:
# detect_leaks=0, as run.sh does for policyctl in a session)
ap_agent self "$AP_POL" bash -c "
echo hi > ask/self &
while [ ! -s idfile ]; do sleep 0.05; done; id=\$(cat idfile)
ASAN_OPTIONS=\$ASAN_OPTIONS:detect_leaks=0 TIERGATE_RUNDIR='$AP/run' '$BIN/policyctl' approve \$id; echo ctl rc=\$?
python3 raw.py '$AP/run/control.sock' \$id
python3 fire.py '$AP/run/control.sock' \$id
# (its child answers on its own: waited for, however slow the machine)
for _ in \$(seq 400); do [ -e fire-done ] && break; sleep 0.05; done
setsid bash -c \"ASAN_OPTIONS=\$ASAN_OPTIONS:detect_leaks=0 TIERGATE_RUNDIR='$AP/run' '$BIN/policyctl' approve \$id > daemon.out 2>&1 & \" </dev/null
for _ in \$(seq 300); do [ -s daemon.out ] && break; sleep 0.05; done
: > attempts-done; wait"
id=$(ap_wait_id)
echo "$id" >"$AP/ws/idfile"
# its own waits are bounded (20 s + 15 s): this one is longer
for _ in $(seq 1200); do [ -e "$AP/ws/attempts-done" ] && break; sleep 0.05; done
check "policyctl inside the session is refused" bash -c "grep -q '^error: the control socket refuses processes inside a tiergate session' '$AP/self.out' && grep -qx 'ctl rc=1' '$AP/self.out'"
check "the raw protocol from inside the session is refused" grep -q "^raw: error: the control socket refuses processes inside a tiergate session" "$AP/self.out"
check "a request on a connection whose connecting process exited is refused" grep -q "^fire: error: the control socket answers only a peer that waits" "$AP/self.out"
# the same when the connecting process is gone before policyd accepts:
# policyd stopped while it connects and exits, then let go
ppid=$(cat "$AP/run/policyd.pid")
kill -STOP "$ppid"
python3 "$AP/ws/fire.py" "$AP/run/control.sock" "$id" "$AP/fire2-done" >"$AP/fire2.out" 2>&1
kill -CONT "$ppid"
wait_for test -e "$AP/fire2-done"
check "a connection whose process is gone before policyd accepts it is told so" grep -q "^fire: error: the control socket answers only a peer that waits" "$AP/fire2.out"
# and when its pid is another process's by then (the kernel hands pids
# out in turn; ns_last_pid brings the turn round at once): a process
# outside every session at that pid is not the peer. Before SO_PEERPIDFD
# policyd took it for one and answered (here: no such prompt).
cat >"$AP/reuse.py" <<'PY'
import os, socket, sys, time
s = socket.socket(socket.AF_UNIX)
s.connect(sys.argv[1])
if os.fork() == 0:
    while not os.path.exists(sys.argv[3]):
        time.sleep(0.02)
    try:
        s.sendall(b"approve 999999\n")
    except BrokenPipeError:
        pass
    print("reuse:", s.recv(4096).decode().strip(), flush=True)
    os._exit(0)
open(sys.argv[2], "w").write(str(os.getpid()))
os._exit(0)
PY
reuse=""
if [ -w /proc/sys/kernel/ns_last_pid ]; then
	for _ in $(seq 10); do
		rm -f "$AP/reuse.pid" "$AP/reuse-go"
		kill -STOP "$ppid"
		python3 "$AP/reuse.py" "$AP/run/control.sock" "$AP/reuse.pid" "$AP/reuse-go" >"$AP/reuse.out" 2>&1 &
		rp=$!
		wait "$rp"
		echo $((rp - 1)) >/proc/sys/kernel/ns_last_pid
		sleep 60 &
		taker=$!
		kill -CONT "$ppid"
		: >"$AP/reuse-go"
		wait_for grep -q "^reuse:" "$AP/reuse.out"
		kill "$taker" 2>/dev/null; wait "$taker" 2>/dev/null
		[ "$taker" = "$rp" ] && { reuse=yes; break; }
	done
fi
if [ "$reuse" = yes ]; then
	check "a connection whose process is gone and whose pid another process (in no session) took is told so" \
		grep -q "^reuse: error: the control socket answers only a peer that waits" "$AP/reuse.out"
else
	skip "a connection whose pid another process took: $([ -w /proc/sys/kernel/ns_last_pid ] && echo "the pid was not handed out again in 10 tries (a busy machine)" || echo "/proc/sys/kernel/ns_last_pid is not writable here")"
fi
check "a double-forked, setsid'd daemon of the session is refused" grep -q "refuses processes inside a tiergate session" "$AP/ws/daemon.out"
check "the prompt still waits" bash -c "TIERGATE_RUNDIR='$AP/run' '$BIN/policyctl' pending --json | grep -q '\"id\":$id,'"
check "the attempts are audited" ap_audit '"kind":"control"' '"decision":"refused"' "approve $id"
ap_ctl deny "$id" --reason "self-approval" >/dev/null
wait "$AGENT"
check "the operator's answer holds: no file" test ! -e "$AP/ws/ask/self"

echo "== approvals: 50 prompts from 10 sessions, an unrelated session at full speed, one batch approval"
loop='for i in $(seq 300); do echo $i > out/busy; done'
t0=$(date +%s%N)
( cd "$AP/ws" && TIERGATE_RUNDIR=$AP/run timeout 60 "$BIN/agent-shell" --user --policy "$AP_POL" -- bash -c "$loop" ) >/dev/null 2>&1
base=$((($(date +%s%N) - t0) / 1000000))
pids=()
for s in $(seq 10); do
	ap_agent "many$s" "$AP_POL" bash -c "for k in 1 2 3 4 5; do echo \$k > ask/m$s-\$k & done; wait"
	pids+=("$AGENT")
done
wait_for bash -c "[ \$(TIERGATE_RUNDIR='$AP/run' '$BIN/policyctl' pending --json | grep -o '\"id\":' | wc -l) = 50 ]"
check "50 prompts wait" test "$(ap_ids | wc -l)" = 50
t0=$(date +%s%N)
( cd "$AP/ws" && TIERGATE_RUNDIR=$AP/run timeout 60 "$BIN/agent-shell" --user --policy "$AP_POL" -- bash -c "$loop" ) >/dev/null 2>&1
busy=$((($(date +%s%N) - t0) / 1000000))
check "meanwhile an unrelated session runs at full speed ($busy ms, $base ms with none open)" \
	bash -c "[ '$(cat "$AP/ws/out/busy")' = 300 ] && [ $busy -lt $((base * 3 + 2000)) ]"
ap_ctl approve $(ap_ids) >/dev/null
for p in "${pids[@]}"; do wait "$p"; done
check "one batch approval released all 50" test "$(ls "$AP/ws/ask" | grep -c '^m')" = 50
check "nothing waits any more" test -z "$(ap_ids)"
ap_agent cap "$AP_POL" bash -c 'for k in 1 2 3 4 5 6; do echo $k > ask/cap-$k & done; wait'
wait_for bash -c "[ \$(TIERGATE_RUNDIR='$AP/run' '$BIN/policyctl' pending --json | grep -o '\"id\":' | wc -l) = 5 ]"
wait_for grep -q "too many calls" "$AP/cap.err"
check "a sixth prompt of one session is refused at once, saying why (max_pending_prompts: 5)" \
	bash -c "[ \$(grep -c 'too many calls of this session wait for an operator (5, settings.max_pending_prompts); refused' '$AP/cap.err') = 1 ]"
ap_ctl deny $(ap_ids) >/dev/null
wait "$AGENT"
check "and the five denied: no file" test -z "$(ls "$AP/ws/ask" | grep '^cap-')"

echo "== approvals: watch streams the prompt events"
TIERGATE_RUNDIR=$AP/run timeout 30 "$BIN/policyctl" watch >"$AP/watch.out" 2>&1 &
WATCH=$!
wait_for grep -q '"watch":"started"' "$AP/watch.out"
TIERGATE_RUNDIR=$AP/run timeout 30 "$BIN/policyctl" watch >"$AP/watch2.out" 2>&1 &
WATCH2=$!
wait_for grep -q '"watch":"started"' "$AP/watch2.out"
ap_agent watched "$AP_POL" bash -c 'echo hi > ask/watched'
id=$(ap_wait_id)
check "both watchers saw it open" wait_for bash -c "grep -q '\"event\":\"opened\",\"prompt\":{\"id\":$id,' '$AP/watch.out' && grep -q '\"event\":\"opened\",\"prompt\":{\"id\":$id,' '$AP/watch2.out'"
kill "$WATCH2"; wait "$WATCH2" 2>/dev/null # an operator disconnects mid-prompt
sleep 0.5
check "the prompt still waits after a watcher left" bash -c "TIERGATE_RUNDIR='$AP/run' '$BIN/policyctl' pending --json | grep -q '\"id\":$id,'"
ap_ctl approve "$id" >/dev/null
wait "$AGENT"
check "the other watcher saw it opened and approved, and by whom" wait_for bash -c "grep -q '\"event\":\"opened\",\"prompt\":{\"id\":$id,' '$AP/watch.out' && grep -q '\"event\":\"approved\",\"prompt\":{\"id\":$id,.*\"by\":\"$OPNAME\"' '$AP/watch.out'"
kill "$WATCH" 2>/dev/null; wait "$WATCH" 2>/dev/null
check "a --session grant ends with its session (policyctl grants)" bash -c "TIERGATE_RUNDIR='$AP/run' '$BIN/policyctl' grants | grep -c grant- | grep -qx 0"

echo "== approvals: watch on a terminal: one line per prompt, answered inline"
cat >"$AP/watchtty.py" <<'PY'
# policyctl watch on a pseudo-terminal: waits for the prompt's line, reads
# it (a bare command answers only a single prompt shown 2 s before, with
# no prompt event since), types "s" (approve it for the session), waits
# for the approval's line
import os, pty, select, sys, time
pid, fd = pty.fork()
if pid == 0:
    os.execv(sys.argv[1], [sys.argv[1], "watch"])
out, deadline, typed, seen = b"", time.time() + 30, False, None
while time.time() < deadline:
    r, _, _ = select.select([fd], [], [], 0.2)
    if r:
        try:
            out += os.read(fd, 65536)
        except OSError:
            break
    if seen is None and b"[o]nce [s]ession" in out:
        seen = time.time()
    if not typed and seen is not None and time.time() - seen > 2.5:
        os.write(fd, b"s\n"); typed = True
    if typed and b" approved by " in out:
        break
open(sys.argv[2], "wb").write(out)
os.write(fd, b"q\n"); time.sleep(0.3)
try:
    os.kill(pid, 9)
except OSError:
    pass
os.waitpid(pid, 0)
PY
TIERGATE_RUNDIR=$AP/run python3 "$AP/watchtty.py" "$BIN/policyctl" "$AP/ttyview.out" &
TTY=$!
sleep 1
ap_agent tty "$AP_POL" bash -c 'echo hi > ask/tty; echo rc=$?'
wait "$AGENT"
wait "$TTY"
check "the prompt shown as one readable line with its choices" \
	bash -c "grep -q '#[0-9]* tty pid [0-9]*: open: $AP/ws/ask/tty (rule ask-write: ask/ needs an operator; [0-9]*s left)' '$AP/ttyview.out' && grep -q '\[o\]nce \[s\]ession \[15m\] \[a\]lways \[d\]eny REASON' '$AP/ttyview.out'"
check "answered from the terminal: approved for the session, and shown so" \
	bash -c "grep -q '#[0-9]* approved by $OPNAME, session, grant-[0-9]*' '$AP/ttyview.out' && grep -qx hi '$AP/ws/ask/tty' && grep -qx rc=0 '$AP/tty.out'"

echo "== approvals: --always is kept in NAME.grants.yaml, --like widens a grant on purpose"
AP_GRANTS=$AP/policy.grants.yaml
rm -f "$AP_GRANTS" "$AP/ws/out/al1"
ap_agent al1 "$AP_POL" touch out/al1
id=$(ap_wait_id)
ap_ctl approve "$id" --always --json >"$AP/al1.json"
wait "$AGENT"
check "approve --json: one JSON line saying what was granted" \
	grep -q "^{\"id\":$id,\"ok\":true,\"answer\":\"approved\",\"scope\":\"always\",\"grant\":\"exec touch out/al1 (program .*touch), rule ask-touch (always, every session of policy $AP_POL): always-1\"}\$" "$AP/al1.json"
check "approved: the program ran" test -e "$AP/ws/out/al1"
check "the overlay beside the policy holds the grant" \
	bash -c "grep -q '^  - id: \"always-1\"' '$AP_GRANTS' && grep -q 'rule: \"ask-touch\"' '$AP_GRANTS' && grep -q 'argv: \[\"touch\", \"out/al1\"\]' '$AP_GRANTS' && grep -q 'by: \"$OPNAME\"' '$AP_GRANTS'"
check "no temporary file is left beside it" bash -c "! ls '$AP' | grep -q 'grants.yaml.tmp'"
ap_agent al1b "$AP_POL" touch out/al1
wait "$AGENT"
check "a new session runs the same command without a prompt" bash -c "! grep -q 'waiting for approval' '$AP/al1b.err' && ! grep -q refused '$AP/al1b.err'"
check "audit: the call names the grant as its rule" ap_audit '"kind":"exec"' '"rule":"always-1"' '"decision":"allowed"' "policy.grants.yaml:"
ap_agent al1c "$AP_POL" touch out/al1-other
id=$(ap_wait_id)
check "another argv still asks" test -n "$id"
ap_ctl deny "$id" >/dev/null
wait "$AGENT"
check "policyctl grants lists it, with its file" bash -c "TIERGATE_RUNDIR='$AP/run' '$BIN/policyctl' grants | grep -q '^always-1 .*ask-touch .*exec touch out/al1'"
check "policyctl check shows the overlay's grants" \
	bash -c "'$BIN/policyctl' check '$AP_POL' | grep -q '$AP_GRANTS:[0-9]* always-1 .*exec touch out/al1'"
check "policyctl explain says which grant would approve the prompt" \
	bash -c "cd '$AP/ws' && '$BIN/policyctl' explain '$AP_POL' -- exec touch out/al1 | grep -q 'grant: always-1 ($AP_GRANTS:[0-9]*) approves this without asking'"
check "and that none covers another command line" \
	bash -c "cd '$AP/ws' && '$BIN/policyctl' explain '$AP_POL' -- exec touch out/zz | grep -q 'grants: none of the 1'"
ap_agent like "$AP_POL" bash -c 'touch out/like-a; touch out/like-b; touch out/unlike; echo done'
id=$(ap_wait_id)
ap_ctl approve "$id" --like 'touch out/elsewhere-*' >"$AP/like-bad.out"
check "a pattern that does not cover the call asked about is refused; the prompt still waits" \
	bash -c "grep -q \"error: prompt #$id: --like 'touch out/elsewhere-\*': the pattern does not cover\" '$AP/like-bad.out' && TIERGATE_RUNDIR='$AP/run' '$BIN/policyctl' pending --json | grep -q '\"id\":$id,'"
ap_ctl approve "$id" --preview --like 'touch out/like-*' >"$AP/like-prev.out"
check "--preview shows the widened grant without answering" \
	bash -c "grep -q \"prompt #$id would be approved, session: exec like 'touch out/like-\*' (program .*touch), rule ask-touch\" '$AP/like-prev.out' && TIERGATE_RUNDIR='$AP/run' '$BIN/policyctl' pending --json | grep -q '\"id\":$id,'"
ap_ctl approve "$id" --like 'touch out/like-*' >/dev/null
id2=$(for _ in $(seq 400); do i=$(ap_ids | tail -1); [ -n "$i" ] && [ "$i" != "$id" ] && { echo "$i"; break; }; sleep 0.05; done)
check "--like covered the second call (like-b) without a prompt, not a third (unlike)" \
	bash -c "[ -e '$AP/ws/out/like-a' ] && [ -e '$AP/ws/out/like-b' ] && TIERGATE_RUNDIR='$AP/run' '$BIN/policyctl' pending | grep -q 'exec: touch out/unlike' && [ \$(grep -c 'waiting for approval' '$AP/like.err') = 2 ]"
ap_ctl deny "$id2" >/dev/null
wait "$AGENT"
check "audit: the approval names its pattern" ap_audit '"decision":"approved"' "prompt #$id," "like 'touch out/like-*'"
cp "$AP_POL" "$AP/corrupt.yaml"
printf 'version: 1\ngrants:\n  - { id: always-1, rule: ask-touch, kind: exec, target: /usr/bin/touch, argv: nope }\n' >"$AP/corrupt.grants.yaml"
"$BIN/policyctl" check "$AP/corrupt.yaml" >"$AP/corrupt.out" 2>&1
check "a corrupt overlay: policyctl check says FILE:LINE:COL, and the policy itself is ok" \
	bash -c "grep -q '^$AP/corrupt.grants.yaml:3:[0-9]*: error: .argv. must be a list' '$AP/corrupt.out' && grep -q '^$AP/corrupt.yaml: ok' '$AP/corrupt.out'"
ap_agent corrupt "$AP/corrupt.yaml" bash -c 'echo ok > out/corrupt-ok; touch out/corrupt'
id=$(ap_wait_id)
check "policyd loads the policy and its prompts still ask" bash -c "[ -n '$id' ] && grep -qx ok '$AP/ws/out/corrupt-ok'"
ap_ctl approve "$id" --always >"$AP/corrupt-ap.out"
check "--always does not overwrite a corrupt overlay (and says where it is broken)" \
	bash -c "grep -q 'corrupt.grants.yaml:3:[0-9]*: .*nothing written' '$AP/corrupt-ap.out' && grep -q 'argv: nope' '$AP/corrupt.grants.yaml'"
ap_ctl deny "$id" >/dev/null
wait "$AGENT"
ap_stop

echo "== approvals: a restarted policyd asks again what was still pending"
mkdir -p "$AP/run4"
TIERGATE_RUNDIR=$AP/run4 "$BIN/policyd" --user --approvals --policy "$AP_POL" >/dev/null 2>&1
wait_for test -s "$AP/run4/policyd.pid"
( cd "$AP/ws" && TIERGATE_RUNDIR=$AP/run4 exec timeout 60 "$BIN/agent-shell" --user --policy "$AP_POL" -- bash -c 'echo hi > ask/restarted; echo rc=$?' ) >"$AP/restart.out" 2>"$AP/restart.err" &
AGENT=$!
r4() { TIERGATE_RUNDIR=$AP/run4 "$BIN/policyctl" "$@"; }
wait_for bash -c "TIERGATE_RUNDIR='$AP/run4' '$BIN/policyctl' pending --json | grep -q '\"id\"'"
kill -KILL "$(cat "$AP/run4/policyd.pid")" # ours, by its pid
wait_for bash -c "! TIERGATE_RUNDIR='$AP/run4' '$BIN/policyctl' status >/dev/null 2>&1"
TIERGATE_RUNDIR=$AP/run4 "$BIN/policyd" --user --approvals --policy "$AP_POL" >/dev/null 2>&1
check "the new policyd asks again (the call waited in the kernel meanwhile)" \
	wait_for bash -c "TIERGATE_RUNDIR='$AP/run4' '$BIN/policyctl' pending | grep -q 'open: $AP/ws/ask/restarted'"
r4 approve "$(r4 pending --json | grep -o '"id":[0-9]*' | cut -d: -f2 | head -1)" >/dev/null
wait "$AGENT"
check "approved by the new one: the file was written" bash -c "grep -qx hi '$AP/ws/ask/restarted' && grep -qx rc=0 '$AP/restart.out'"
( cd "$AP/ws" && TIERGATE_RUNDIR=$AP/run4 exec timeout 60 "$BIN/agent-shell" --user --policy "$AP_POL" -- touch out/al1 ) >/dev/null 2>"$AP/al-restart.err"
check "an --always grant survives the restart (another policyd, no prompt)" \
	bash -c "! grep -q -e 'waiting for approval' -e refused '$AP/al-restart.err'"
r4 revoke always-1 >"$AP/revoke.out"
check "policyctl revoke always-1 takes it out of the overlay" bash -c "grep -qx 'always-1 revoked' '$AP/revoke.out' && ! grep -q always-1 '$AP_GRANTS'"
( cd "$AP/ws" && TIERGATE_RUNDIR=$AP/run4 exec timeout 60 "$BIN/agent-shell" --user --policy "$AP_POL" -- touch out/al1 ) >/dev/null 2>"$AP/al-revoked.err" &
AGENT=$!
check "revoked: the same command asks again" \
	wait_for bash -c "TIERGATE_RUNDIR='$AP/run4' '$BIN/policyctl' pending | grep -q 'exec: touch out/al1'"
r4 deny "$(r4 pending --json | grep -o '"id":[0-9]*' | cut -d: -f2 | head -1)" >/dev/null
wait "$AGENT"
p=$(cat "$AP/run4/policyd.pid" 2>/dev/null); [ -n "$p" ] && kill "$p" 2>/dev/null

echo "== approvals without --approvals: prompts wait only while an operator watches"
mkdir -p "$AP/run5"
TIERGATE_RUNDIR=$AP/run5 "$BIN/policyd" --user --policy "$AP_POL" >/dev/null 2>&1
wait_for test -S "$AP/run5/control.sock"
r5() { TIERGATE_RUNDIR=$AP/run5 "$BIN/policyctl" "$@"; }
a5() { # a5 NAME: echo into ask/NAME in a session of this policyd
	( cd "$AP/ws" && TIERGATE_RUNDIR=$AP/run5 exec timeout 60 "$BIN/agent-shell" --user --policy "$AP_POL" -- bash -c "echo hi > ask/$1; echo rc=\$?" )
}
t0=$(date +%s%N)
a5 nowatch >"$AP/nowatch.out" 2>"$AP/nowatch.err"
t1=$(date +%s%N)
check "nobody watching: refused at once, saying an approval is required" \
	bash -c "grep -q '(rule ask-write): approval required' '$AP/nowatch.err' && grep -qx rc=1 '$AP/nowatch.out' && [ ! -e '$AP/ws/ask/nowatch' ] && [ $(((t1 - t0) / 1000000)) -lt 20000 ]"
TIERGATE_RUNDIR=$AP/run5 "$BIN/policyctl" watch >"$AP/watch5.out" 2>&1 &
W5=$!
wait_for grep -q '"watch":"started"' "$AP/watch5.out"
a5 watched >"$AP/watched.out" 2>"$AP/watched.err" &
AGENT=$!
check "an operator watching: the prompt waits (listed, the agent told)" \
	wait_for bash -c "TIERGATE_RUNDIR='$AP/run5' '$BIN/policyctl' pending | grep -q 'open: $AP/ws/ask/watched' && grep -q 'waiting for approval' '$AP/watched.err'"
r5 approve "$(r5 pending --json | grep -o '"id":[0-9]*' | cut -d: -f2 | head -1)" >/dev/null
wait "$AGENT"
check "approved by the watching operator: the file was written" bash -c "grep -qx hi '$AP/ws/ask/watched' && grep -qx rc=0 '$AP/watched.out'"
kill "$W5" 2>/dev/null; wait "$W5" 2>/dev/null
sleep 0.5
a5 gone >"$AP/gone.out" 2>"$AP/gone.err"
check "the watcher gone: refused at once again" bash -c "grep -q '(rule ask-write): approval required' '$AP/gone.err' && [ ! -e '$AP/ws/ask/gone' ]"
p=$(cat "$AP/run5/policyd.pid" 2>/dev/null); [ -n "$p" ] && kill "$p" 2>/dev/null

echo "== approvals: notifications to a webhook (retried after a 500, redacted), and dropped when it never answers"
read -r HOOK_PORT DEAD_PORT < <(python3 -c '
import socket
s=[socket.socket() for _ in range(2)]
[x.bind(("127.0.0.1",0)) for x in s]
print(*[x.getsockname()[1] for x in s])')
cat >"$AP/hook.py" <<'PY'
# a webhook: the first POST gets a 500, the others 200; bodies to a file
import http.server, sys
n = 0
class H(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        global n
        n += 1
        body = self.rfile.read(int(self.headers["Content-Length"]))
        with open(sys.argv[2], "ab") as f:
            f.write(b"%d %s\n" % (500 if n == 1 else 200, body))
        self.send_response(500 if n == 1 else 200)
        self.end_headers()
    def log_message(self, *a):
        pass
http.server.HTTPServer(("127.0.0.1", int(sys.argv[1])), H).serve_forever()
PY
python3 "$AP/hook.py" "$HOOK_PORT" "$AP/hook.log" &
HOOK=$!
mkdir -p "$AP/run2" "$AP/run3"
TIERGATE_RUNDIR=$AP/run2 "$BIN/policyd" --user --approvals --policy "$AP_POL" --notify-webhook "http://127.0.0.1:$HOOK_PORT/hook" >/dev/null 2>&1
TIERGATE_RUNDIR=$AP/run3 "$BIN/policyd" --user --approvals --policy "$AP_POL" --notify-webhook "http://127.0.0.1:$DEAD_PORT/hook" >/dev/null 2>&1
wait_for test -S "$AP/run2/control.sock"; wait_for test -S "$AP/run3/control.sock"
for r in run2 run3; do
	( cd "$AP/ws" && TIERGATE_RUNDIR=$AP/$r exec timeout 60 "$BIN/agent-shell" --user --policy "$AP_POL" -- touch out/hooked --token=s3cr3tvalue ) >"$AP/$r.out" 2>&1 &
	eval "AG_$r=\$!"
done
for r in run2 run3; do
	wait_for bash -c "TIERGATE_RUNDIR='$AP/$r' '$BIN/policyctl' pending --json | grep -q '\"id\"'"
	hid=$(TIERGATE_RUNDIR=$AP/$r "$BIN/policyctl" pending --json | grep -o '"id":[0-9]*' | cut -d: -f2 | head -1)
	TIERGATE_RUNDIR=$AP/$r "$BIN/policyctl" deny "$hid" --reason "rotate it first: password=hunter2" >/dev/null
done
wait "$AG_run2" "$AG_run3"
check "audit: the prompt's records redact the token and the reason's password" \
	bash -c "grep '\"kind\":\"prompt\"' '$AP/run2/audit.jsonl' | grep '\"decision\":\"opened\"' | grep -q 'touch out/hooked --token=\*\*\*' && grep '\"kind\":\"prompt\"' '$AP/run2/audit.jsonl' | grep '\"decision\":\"denied\"' | grep -q 'password=\*\*\*' && ! grep '\"kind\":\"prompt\"' '$AP/run2/audit.jsonl' | grep -q -e s3cr3tvalue -e hunter2"
check "the webhook got the prompt, again after its 500" wait_for bash -c "grep -q '^500 .*\"event\":\"opened\"' '$AP/hook.log' && grep -q '^200 .*\"event\":\"opened\"' '$AP/hook.log'"
check "with the command line, its token redacted" bash -c "grep -q '\"what\":\"touch out/hooked --token=\*\*\*\"' '$AP/hook.log' && ! grep -q s3cr3tvalue '$AP/hook.log'"
check "and how to approve it, and then its outcome" wait_for bash -c "grep -q '\"approve\":\"policyctl approve ' '$AP/hook.log' && grep -q '^200 .*\"event\":\"denied\"' '$AP/hook.log'"
check "a webhook that never answers: the notification is dropped after its retries, and audited" \
	wait_for bash -c "grep -q '\"kind\":\"notify\".*\"decision\":\"dropped\"' '$AP/run3/audit.jsonl'"
for r in run2 run3; do
	p=$(cat "$AP/$r/policyd.pid" 2>/dev/null); [ -n "$p" ] && kill "$p" 2>/dev/null
done
kill "$HOOK" 2>/dev/null; wait "$HOOK" 2>/dev/null

echo "== approvals: settings.notify's command: the prompt as JSON on its stdin, run by policyd outside the session"
AP_POL_CMD=$AP/policy-notify.yaml
ap_policy "$AP_POL_CMD" "prompt_timeout: 60s, notify: { command: [\"/bin/sh\", \"-c\", \"cat >> $AP/notes.jsonl; echo >> $AP/notes.jsonl; env > $AP/note.env; id -u > $AP/note.uid; grep PPid /proc/\$\$/status > $AP/note.ppid\"], timeout: 2s }"
check "policyctl check accepts the policy" "$BIN/policyctl" check -q "$AP_POL_CMD"
mkdir -p "$AP/run6"
TIERGATE_RUNDIR=$AP/run6 "$BIN/policyd" --user --policy "$AP_POL_CMD" >/dev/null 2>&1
wait_for test -S "$AP/run6/control.sock"
r6() { TIERGATE_RUNDIR=$AP/run6 "$BIN/policyctl" "$@"; }
( cd "$AP/ws" && TIERGATE_RUNDIR=$AP/run6 exec timeout 60 "$BIN/agent-shell" --user --policy "$AP_POL_CMD" -- touch out/noted -- --password=hunter2 ) >"$AP/noted.out" 2>"$AP/noted.err" &
AGENT=$!
check "without --approvals or a watcher, the prompt waits: the policy notifies someone" \
	wait_for bash -c "TIERGATE_RUNDIR='$AP/run6' '$BIN/policyctl' pending | grep -q 'exec: touch out/noted'"
check "the command got the prompt as JSON on its stdin, the password redacted" \
	wait_for bash -c "grep -q '\"event\":\"opened\".*\"what\":\"touch out/noted -- --password=\*\*\*\"' '$AP/notes.jsonl' && ! grep -q hunter2 '$AP/notes.jsonl'"
check "run by policyd (its parent), as policyd's user, without the interposer, with a fixed PATH" \
	bash -c "grep -qx \"PPid:[[:space:]]*\$(cat '$AP/run6/policyd.pid')\" '$AP/note.ppid' && [ \"\$(cat '$AP/note.uid')\" = \"\$(id -u)\" ] && ! grep -q LD_PRELOAD '$AP/note.env' && grep -qx 'PATH=/usr/local/bin:/usr/bin:/bin' '$AP/note.env'"
r6 approve "$(r6 pending --json | grep -o '"id":[0-9]*' | cut -d: -f2 | head -1)" >/dev/null
wait "$AGENT"
check "approved: the program ran" test -e "$AP/ws/out/noted"
check "and the command was told the outcome" wait_for grep -q '"event":"approved"' "$AP/notes.jsonl"
p=$(cat "$AP/run6/policyd.pid" 2>/dev/null); [ -n "$p" ] && kill "$p" 2>/dev/null
echo "== approvals: settings.notify's webhook in Slack's format, set by the policy alone"
python3 "$AP/hook.py" "$HOOK_PORT" "$AP/slack.log" &
HOOK=$!
AP_POL_SLACK=$AP/policy-slack.yaml
ap_policy "$AP_POL_SLACK" "prompt_timeout: 60s, notify: { webhook: \"http://127.0.0.1:$HOOK_PORT/slack\", format: slack, timeout: 2s }"
check "policyctl check accepts the policy" "$BIN/policyctl" check -q "$AP_POL_SLACK"
mkdir -p "$AP/run9"
TIERGATE_RUNDIR=$AP/run9 "$BIN/policyd" --user --policy "$AP_POL_SLACK" >/dev/null 2>&1
wait_for test -S "$AP/run9/control.sock"
r9() { TIERGATE_RUNDIR=$AP/run9 "$BIN/policyctl" "$@"; }
( cd "$AP/ws" && TIERGATE_RUNDIR=$AP/run9 exec timeout 60 "$BIN/agent-shell" --user --policy "$AP_POL_SLACK" -- touch out/slacked -- --token=s3cr3tvalue ) >"$AP/slack.out" 2>"$AP/slack.err" &
AGENT=$!
check "the prompt waits: the policy's webhook tells someone" \
	wait_for bash -c "TIERGATE_RUNDIR='$AP/run9' '$BIN/policyctl' pending | grep -q 'exec: touch out/slacked'"
sid=$(r9 pending --json | grep -o '"id":[0-9]*' | cut -d: -f2 | head -1)
check "Slack's payload (one text field) with the prompt, how to approve it, the token redacted, after a 500" \
	wait_for bash -c "grep -q '^500 {\"text\":\"tiergate on .*: prompt #$sid opened: touch out/slacked -- --token=\*\*\* (rule ask-touch' '$AP/slack.log' && grep -q '^200 {\"text\":.*prompt #$sid opened: .*approve with: policyctl approve $sid\"}' '$AP/slack.log' && ! grep -q s3cr3tvalue '$AP/slack.log'"
r9 deny "$sid" --reason "not now" >/dev/null
wait "$AGENT"
check "denied: the program did not run" test ! -e "$AP/ws/out/slacked"
check "and the webhook was told the outcome" wait_for grep -q "prompt #$sid denied" "$AP/slack.log"
p=$(cat "$AP/run9/policyd.pid" 2>/dev/null); [ -n "$p" ] && kill "$p" 2>/dev/null
kill "$HOOK" 2>/dev/null; wait "$HOOK" 2>/dev/null

ap_policy "$AP/policy-badnotify.yaml" "notify: { command: [\"notify-send\"], timeout: 90s }"
"$BIN/policyctl" check "$AP/policy-badnotify.yaml" >"$AP/badnotify.out" 2>&1
check "policyctl check: a relative program and a timeout out of range, each at its line and column" \
	bash -c "grep -q '^$AP/policy-badnotify.yaml:2:[0-9]*: error: notify.command.s program must be an absolute path' '$AP/badnotify.out' && grep -q '^$AP/policy-badnotify.yaml:2:[0-9]*: error: notify.timeout must be 100ms to 60s' '$AP/badnotify.out'"

echo "== approvals: system mode's operator group (--operator-group), by the kernel's view of the peer"
if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null && getent group adm >/dev/null && getent passwd nobody >/dev/null; then
	OPD=$(mktemp -d /tmp/tg-opg-XXXXXX)
	chmod 755 "$OPD"
	OPGID=$(getent group adm | cut -d: -f3)
	NOBODY=$(id -u nobody)
	TIERGATE_RUNDIR=$OPD "$BIN/policyd" --system --operator-group adm --policy "$AP_POL" >/dev/null 2>&1
	wait_for test -f "$OPD/policyd.pid"
	wait_for test -S "$OPD/control.sock"
	check "the control socket is root:adm, mode 0660" test "$(stat -c '%a %U:%G' "$OPD/control.sock")" = "660 root:adm"
	asnobody() { # asnobody GROUPS...: policyctl as nobody with those supplementary groups
		local g=$1; shift
		ASAN_OPTIONS=${ASAN_OPTIONS:-}:detect_leaks=0 TIERGATE_RUNDIR=$OPD setpriv --reuid="$NOBODY" --regid="$NOBODY" $g "$BIN/policyctl" --system "$@"
	}
	asnobody --clear-groups pending >"$AP/opg-out.out" 2>&1
	check "a user outside the group is not an operator" bash -c "! grep -q 'no prompts waiting' '$AP/opg-out.out'"
	asnobody --groups="$OPGID" pending >"$AP/opg-in.out" 2>&1
	check "a member of the group is: it lists the prompts" grep -qx "no prompts waiting" "$AP/opg-in.out"
	asnobody --groups="$OPGID" approve 99999 >"$AP/opg-ap.out" 2>&1
	check "and may answer them" grep -qx "error: no prompt #99999 waits" "$AP/opg-ap.out"
	chmod 666 "$OPD/control.sock" # the file's mode is not what decides
	asnobody --clear-groups pending >"$AP/opg-open.out" 2>&1
	check "a peer outside the group that reaches the socket is refused by policyd" \
		grep -q "^error: the control socket is for operators (root, policyd's user or the operator group)" "$AP/opg-open.out"
	p=$(cat "$OPD/policyd.pid" 2>/dev/null); [ -n "$p" ] && kill "$p" 2>/dev/null
	for _ in $(seq 100); do [ -n "$p" ] && kill -0 "$p" 2>/dev/null || break; sleep 0.05; done
	rm -rf "$OPD"
else
	skip "the operator group: needs root, setpriv, the group adm and the account nobody"
fi

echo "== approvals: policyd dies while an interposer call waits: the call is refused with a line"
mkdir -p "$AP/run8"
TIERGATE_RUNDIR=$AP/run8 "$BIN/policyd" --user --approvals --policy "$AP_POL" >/dev/null 2>&1
wait_for test -S "$AP/run8/control.sock"
( cd "$AP/ws" && TIERGATE_RUNDIR=$AP/run8 exec timeout 60 "$BIN/agent-shell" --user --policy "$AP_POL" -- bash -c 'cat vault/f; echo rc=$?' ) >"$AP/dies8.out" 2>"$AP/dies8.err" &
AGENT=$!
wait_for bash -c "TIERGATE_RUNDIR='$AP/run8' '$BIN/policyctl' pending | grep -q 'open: $AP/ws/vault/f'"
check "the read waits (interposer path)" wait_for grep -q "waiting for approval #[0-9]*: $AP/ws/vault/f" "$AP/dies8.err"
kill -KILL "$(cat "$AP/run8/policyd.pid")" # ours, by its pid
t0=$(date +%s%N)
wait "$AGENT"
ms=$((($(date +%s%N) - t0) / 1000000))
check "refused at once when policyd died ($ms ms): nothing read, the call failed" \
	bash -c "grep -qx rc=1 '$AP/dies8.out' && ! grep -q 'vault content' '$AP/dies8.out' && [ $ms -lt 20000 ]"
check "with the refusal line for the read" grep -q "tiergate: refused read \"$AP/ws/vault/f\" (rule ask-read)" "$AP/dies8.err"
p=$(cat "$AP/run8/policyd.pid" 2>/dev/null); [ -n "$p" ] && kill "$p" 2>/dev/null # the one agent-shell started again
