#!/bin/bash
# Bypass suite: each attack first runs WITHOUT tiergate and must succeed (so
# the test can fail), then runs under agent-shell and must be stopped.
# Usage: run.sh BINDIR ATTACKDIR
set -u
# a login's HOME and SHELL where the environment has none (`make test`
# under a bare environment, env -i): sessions, git and bash read them
export HOME="${HOME:-$(getent passwd "$(id -u)" | cut -d: -f6)}"
export SHELL="${SHELL:-/bin/bash}"
BIN=$(cd "$1" && pwd)
ATT=$(cd "$2" && pwd)
. "$(dirname "$0")/../tgp_version.sh"
TOP=$(mktemp -d /tmp/tg-bypass-XXXXXX)
export TIERGATE_RUNDIR=$TOP/run
export ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0
WS=$TOP/ws
mkdir -p "$WS/bin"
cp "$ATT"/* "$WS/bin/"
POLICY=$(cd "$(dirname "$0")/../.." && pwd)/policies/default.yaml
PASS=0 FAIL=0 SKIP=0
cleanup() {
	if [ -f "$RUN_PID" ] 2>/dev/null; then :; fi
	# every policyd of this run: the suite's and those the sourced
	# scripts start in run directories of their own under $TOP (one left
	# by an interrupted script kept its descriptors: a lock a caller of
	# this suite held stayed held), by the pids their files give
	local f p
	while IFS= read -r f; do
		p=$(cat "$f" 2>/dev/null)
		# a pid file left by a policyd that ended may name another
		# process by now
		[ -n "$p" ] && [ "$(cat "/proc/$p/comm" 2>/dev/null)" = policyd ] && kill "$p" 2>/dev/null
	done < <(find "$TOP" -name policyd.pid 2>/dev/null)
	# and one whose pid file is gone (a restart by agent-shell after the
	# script's last stop): ours by its run directory, under $TOP
	for p in $(pgrep -x policyd); do
		# (one that ended meanwhile has no environ to read: quietly)
		{ tr '\0' '\n' <"/proc/$p/environ"; } 2>/dev/null | grep -q "^TIERGATE_RUNDIR=$TOP/" && kill "$p" 2>/dev/null
	done
	rm -rf "$TOP"
}
RUN_PID=/dev/null
trap cleanup EXIT
ok() { PASS=$((PASS+1)); echo "  ok   $*"; }
bad() { FAIL=$((FAIL+1)); echo "  FAIL $*"; }
# an attack or check that cannot work on this machine: counted, with its reason
skip() { SKIP=$((SKIP+1)); echo "  skip $*"; }

# attack NAME SUCCESS_TEXT STOPPED_TEXT [killed]
attack() {
	local name=$1 win=$2 stop=$3 killed=${4:-}
	local out rc
	out=$(cd "$WS" && "bin/$name" 2>&1); rc=$?
	# 77: the attack program found that it cannot work on this machine
	if [ $rc -eq 77 ] && grep -q unsupported <<<"$out"; then skip "$name: $out"; return; fi
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
attack x32 "getpid=" "" killed
# root sessions keep no machine-administration capabilities
if [ "$(id -u)" = 0 ]; then
	echo x >"$WS/immutable-probe"
	out=$(cd "$WS" && bin/static_immutable immutable-probe 2>&1)
	if grep -q "made immutable" <<<"$out"; then
		out=$(cd "$WS" && "$BIN/agent-shell" --user --policy "$POLICY" -- bin/static_immutable immutable-probe 2>&1)
		if grep -q "refused errno=1" <<<"$out"; then ok "chattr +i through a read-only descriptor (CAP_LINUX_IMMUTABLE): works natively, refused under tiergate"
		else bad "immutable flag under tiergate: $out"; fi
	elif grep -q unsupported <<<"$out"; then skip "immutable flag (not supported here)"
	else bad "immutable flag does not work even without tiergate: $out"; fi
	out=$(cd "$WS" && "$BIN/agent-shell" --user --policy "$POLICY" -- grep CapBnd /proc/self/status)
	bnd=$((16#$(awk '{print $2}' <<<"$out")))
	if [ $(( bnd & (1 << 21 | 1 << 12 | 1 << 16 | 1 << 17) )) = 0 ]; then ok "a root session's bounding set has no SYS_ADMIN, NET_ADMIN, SYS_MODULE, SYS_RAWIO"
	else bad "capabilities left in a root session: $out"; fi
fi
if [ "$(id -u)" = 0 ]; then attack fanotify "group made" "refused errno=1"
else skip "fanotify (not root)"; fi
if [ "$(id -u)" = 0 ]; then attack static_mknod "device made" "refused errno=1"
else skip "block device nodes (not root: no CAP_MKNOD natively)"; fi
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

echo "== bypass suite (seccomp user-notify backstop, default-allow policy)"
BACKSTOP=$(cd "$(dirname "$0")" && pwd)/policy-backstop.yaml
AUDIT=$TIERGATE_RUNDIR/audit.jsonl
mkdir -p "$WS/denied" "$WS/protected" "$WS/out"
cp "$WS/bin/static_marker" "$WS/denied/smarker"
cp "$WS/bin/marker" "$WS/denied/dmarker"
cp "$(command -v git)" "$WS/bin/mygit"
printf '#!/usr/bin/python3\nprint("python ran")\n' >"$WS/bin/script.py"
chmod +x "$WS/bin/script.py"
LDSO=$(readlink -f /lib64/ld-linux-x86-64.so.2)
# bs_attack WHAT WIN RULE CMD...: natively CMD prints WIN; under agent-shell
# it must not, the agent's output names RULE, and the audit log has a
# refusal by RULE
bs_attack() {
	local what=$1 win=$2 rule=$3 out rc
	shift 3
	echo original > "$WS/protected/keep"
	out=$(cd "$WS" && "$@" 2>&1)
	if ! grep -q "$win" <<<"$out"; then
		bad "$what: does not work even without tiergate: $out"; return
	fi
	echo original > "$WS/protected/keep"
	out=$(cd "$WS" && "$BIN/agent-shell" --user --policy "$BACKSTOP" -- "$@" 2>&1); rc=$?
	if grep -q "$win" <<<"$out"; then
		bad "$what: succeeded under tiergate: $out"; return
	fi
	if grep -qE "\(rule ($rule)\)" <<<"$out" &&
	   grep '"decision":"refused"' "$AUDIT" 2>/dev/null | grep -qE "\"rule\":\"($rule)\""; then
		ok "$what: works natively; refused under tiergate (rule $rule, audited)"
	else
		bad "$what: not refused the expected way (rc=$rc): $out"
	fi
}
bs_attack "static binary, raw execve of a denied program" "program ran" denied-programs bin/static_exec denied/smarker
bs_attack "dynamic binary, execve by raw syscall" "program ran" denied-programs bin/raw_execve denied/smarker
bs_attack "execveat(O_PATH fd, \"\", AT_EMPTY_PATH)" "program ran" denied-programs bin/static_execveat denied/smarker
bs_attack "memfd exec" "program ran" exec_unnamed bin/static_memfd denied/smarker
bs_attack "env -u LD_PRELOAD, then exec" "program ran" denied-programs bash -c 'env -u LD_PRELOAD denied/smarker'
bs_attack "a renamed copy of git, by raw execve" "not a git repository" no-git-push bin/raw_execve bin/mygit push
bs_attack "ld.so running a denied program" "program ran" denied-programs bash -c "$LDSO denied/dmarker"
bs_attack "a script whose interpreter is denied" "python ran" no-python bin/script.py
# two levels, each with an argument: script -> interp script -> python3
printf '#!/usr/bin/python3 -u\nprint("python ran")\n' >"$WS/bin/inner.py"
printf '#!%s x\n' "$WS/bin/inner.py" >"$WS/bin/outer"
chmod +x "$WS/bin/inner.py" "$WS/bin/outer"
bs_attack "a script run by a script whose interpreter is denied" "python ran" no-python bin/outer
bs_attack "static binary writes a protected file" "write: done" protected bin/static_fs write "$WS/protected/keep" ""
# ".." after a symlink is the parent of the link's target: out/dd/.. is
# denied/ (or protected/), not out/, whatever a lexical fold says
mkdir -p "$WS/denied/sub" "$WS/protected/sub"
ln -sfn ../denied/sub "$WS/out/dd"; ln -sfn ../protected/sub "$WS/out/pd"
bs_attack "static raw execve of out/link/../prog (the link leads into denied/)" "program ran" denied-programs bin/static_exec out/dd/../smarker
bs_attack "static write to out/link/../keep (the link leads into protected/)" "write: done" protected bin/static_fs write out/pd/../keep ""
# policyd remembers what it learnt about a program (its resolved path, its
# shebang) under the file's identity: rewritten in place, same size, the
# script must be read again
printf '#!/usr/bin/python3 -u\nprint("python ran")\n' >"$WS/bin/rw_b"
printf '#!/bin/true %*s\nprint("python ran")\n' 9 x >"$WS/bin/rw_a"
if [ "$(stat -c %s "$WS/bin/rw_a")" != "$(stat -c %s "$WS/bin/rw_b")" ]; then bad "rw_a and rw_b differ in size"; fi
bs_attack "a script rewritten in place (same size) to a denied interpreter after it ran" "python ran" no-python bash -c 'cp bin/rw_a bin/rw; chmod +x bin/rw; bin/rw; sleep 0.3; bin/rw; cat bin/rw_b >bin/rw; bin/rw'
# ... and whether it is the dynamic loader: a program that ran as itself,
# rewritten in place into a copy of ld.so, must be looked at again
bs_attack "a program rewritten in place into the loader after it ran, then running a denied program" "program ran" denied-programs bash -c "cp /bin/true bin/ldx; bin/ldx; sleep 0.3; bin/ldx; cat '$LDSO' >bin/ldx; bin/ldx denied/dmarker"
# O_RDWR reads and writes: a read rule must not answer for the write
RDWR=$(cd "$(dirname "$0")" && pwd)/policy-rdwr.yaml
mkdir -p "$TOP/outside"
out=$(cd "$WS" && bin/static_rdwr "$TOP/outside/native" 2>&1)
if grep -q "created and written" <<<"$out" && [ -s "$TOP/outside/native" ]; then
	out=$(cd "$WS" && "$BIN/agent-shell" --user --policy "$RDWR" -- bin/static_rdwr "$TOP/outside/mediated" 2>&1)
	if [ ! -e "$TOP/outside/mediated" ] && grep -q "(rule default)" <<<"$out" &&
	   grep '"decision":"refused"' "$AUDIT" | grep -q "outside/mediated"; then
		ok "O_RDWR|O_CREAT outside the write rules (reading allowed everywhere): works natively; refused under tiergate (rule default, audited)"
	else bad "O_RDWR|O_CREAT got through: $out"; fi
else bad "O_RDWR|O_CREAT does not work even without tiergate: $out"; fi
# fopen's "r,+" is O_RDWR (glibc passes over the ','): checked as a write on
# the interposer's path alone (TIERGATE_TEST_NO_NOTIFY) and on the kernel's
echo orig >"$TOP/outside/fmode"
out=$(cd "$WS" && bin/fopen_mode "$TOP/outside/fmode" "r,+" 2>&1)
if grep -qx written <<<"$out" && grep -qx written "$TOP/outside/fmode"; then
	for fm_path in interposer kernel; do
		echo orig >"$TOP/outside/fmode"
		fm_nn=(); [ $fm_path = interposer ] && fm_nn=(env TIERGATE_TEST_NO_NOTIFY=1)
		out=$(cd "$WS" && "${fm_nn[@]}" "$BIN/agent-shell" --user --policy "$RDWR" -- bin/fopen_mode "$TOP/outside/fmode" "r,+" 2>&1)
		if [ $fm_path = interposer ] && ! grep -q "the kernel has no seccomp user notification" <<<"$out"; then
			skip "fopen r,+ on the interposer's path: agent-shell ignored TIERGATE_TEST_NO_NOTIFY (not a test build)"; continue
		fi
		if [ "$(cat "$TOP/outside/fmode")" = orig ] && grep -q "refused write .*(rule default)" <<<"$out"; then
			ok "fopen(\"r,+\") outside the write rules ($fm_path path): writes natively; refused as a write (rule default)"
		else bad "fopen(\"r,+\") ($fm_path path): $out; $(cat "$TOP/outside/fmode")"; fi
	done
else bad "fopen(\"r,+\") does not write even without tiergate: $out"; fi
# the other file calls by path, by a static binary, under a policy Landlock
# cannot express (default prompt): the kernel path decides them
OUTS=$TOP/outside2
fsop_attack() { # fsop_attack MODE TARGET OTHER HARMED-CHECK...
	local mode=$1 target=$2 other=$3 out; shift 3
	rm -rf "$OUTS" "$WS/out/other" "$WS/out/hard"; mkdir -p "$OUTS"
	echo original >"$OUTS/keep"; echo other >"$WS/out/other"
	out=$(cd "$WS" && bin/static_fs "$mode" "$target" "$other" 2>&1)
	if ! grep -q "$mode: done" <<<"$out" || ! "$@"; then
		bad "static $mode outside the write rules: does not work even without tiergate: $out"; return
	fi
	rm -rf "$OUTS" "$WS/out/other" "$WS/out/hard"; mkdir -p "$OUTS"
	echo original >"$OUTS/keep"; echo other >"$WS/out/other"
	out=$(cd "$WS" && "$BIN/agent-shell" --user --policy "$RDWR" -- bin/static_fs "$mode" "$target" "$other" 2>&1)
	if grep -q "$mode: refused errno=13" <<<"$out" && ! "$@" && grep -q "(rule default)" <<<"$out" &&
	   grep '"decision":"refused"' "$AUDIT" | grep -q "$(basename "$target")"; then
		ok "static $mode outside the write rules (default prompt): works natively; refused by the kernel path (audited)"
	else bad "static $mode outside the write rules got through: $out"; fi
}
fsop_attack truncate "$OUTS/keep" "" bash -c "! grep -qx original '$OUTS/keep'"
fsop_attack rename "$OUTS/keep" "$WS/out/other" bash -c "grep -qx other '$OUTS/keep'"
if grep '"decision":"refused"' "$AUDIT" | grep -q '"kind":"rename".*outside2/keep'; then ok "the audit line says what the call was (kind rename)"
else bad "no audit line of kind rename"; fi
fsop_attack unlink "$OUTS/keep" "" test ! -e "$OUTS/keep"
fsop_attack link "$OUTS/keep" "$WS/out/hard" test -e "$WS/out/hard"
fsop_attack mkdir "$OUTS/newdir" "" test -d "$OUTS/newdir"
fsop_attack symlink "$OUTS/newlink" "$OUTS/keep" test -L "$OUTS/newlink"
fsop_attack chmod "$OUTS/keep" "" bash -c "[ \$(stat -c %a '$OUTS/keep') = 777 ]"
fsop_attack fchmod "$OUTS/keep" "" bash -c "[ \$(stat -c %a '$OUTS/keep') = 777 ]"
fsop_attack utimens "$OUTS/keep" "" bash -c "[ \$(stat -c %Y '$OUTS/keep') = 1000000000 ]"
fsop_attack futimens "$OUTS/keep" "" bash -c "[ \$(stat -c %Y '$OUTS/keep') = 1000000000 ]"
fsop_attack futimesat "$OUTS/keep" "" bash -c "[ \$(stat -c %Y '$OUTS/keep') = 1000000000 ]"
if [ "$(id -u)" = 0 ]; then
	fsop_attack chown "$OUTS/keep" "" bash -c "[ \$(stat -c %u '$OUTS/keep') = 1 ]"
fi
if setfattr -n user.tgprobe -v 1 "$TOP" 2>/dev/null || python3 -c "import os; os.setxattr('$TOP', 'user.tgprobe', b'1')" 2>/dev/null; then
	fsop_attack setxattr "$OUTS/keep" "" python3 -c "import os,sys; sys.exit(0 if 'user.tg' in os.listxattr('$OUTS/keep') else 1)"
fi
out=$(cd "$WS" && "$BIN/agent-shell" --user --policy "$RDWR" -- bash -c 'mkdir -p out/a/b && mv out/a out/c && ln -s c out/d && chmod 700 out/c && touch -d @1000000000 out/c && [ $(stat -c %Y out/c) = 1000000000 ] && rm -r out/c out/d && mkdir -p /usr/share && echo fine' 2>&1)
if [ "$out" = fine ]; then ok "file calls inside the write rules, and mkdir -p of existing directories, work as before"
else bad "allowed file calls under the kernel path: $out"; fi
# Unix sockets with a name are reached like files opened for writing
mkdir -p "$OUTS"
python3 -c 'import socket,sys,time
s=socket.socket(socket.AF_UNIX); s.bind(sys.argv[1]); s.listen(8)
t=socket.socket(socket.AF_UNIX); t.bind(sys.argv[2]); t.listen(8)
time.sleep(60)' "$OUTS/engine.sock" "$WS/out/own.sock" & UPID=$!
for _ in $(seq 50); do [ -S "$WS/out/own.sock" ] && break; sleep 0.1; done
out=$(cd "$WS" && bin/static_unix "$OUTS/engine.sock" 2>&1)
if grep -q connected <<<"$out"; then
	out=$(cd "$WS" && "$BIN/agent-shell" --user --policy "$RDWR" -- bin/static_unix "$OUTS/engine.sock" 2>&1)
	if grep -q "refused errno=1" <<<"$out" && grep -q "(rule default)" <<<"$out" &&
	   grep '"decision":"refused"' "$AUDIT" | grep -q '"kind":"connect".*engine.sock'; then
		ok "static connect to a Unix socket outside the write rules: works natively; refused by the kernel path (audited)"
	else bad "Unix socket outside the write rules: $out"; fi
else bad "Unix socket connect does not work even without tiergate: $out"; fi
out=$(cd "$WS" && "$BIN/agent-shell" --user --policy "$RDWR" -- bin/static_unix out/own.sock 2>&1)
if grep -q connected <<<"$out"; then ok "a Unix socket inside the write rules still connects"
else bad "a Unix socket inside the write rules: $out"; fi
out=$(cd "$WS" && "$BIN/agent-shell" --user --policy "$RDWR" -- bin/static_unix out/none.sock 2>&1)
if grep -q "refused errno=2" <<<"$out" && ! grep -q tiergate: <<<"$out"; then ok "a missing Unix socket: ENOENT, as natively, no refusal line"
else bad "a missing Unix socket: $out"; fi
kill "$UPID" 2>/dev/null; wait "$UPID" 2>/dev/null
out=$(cd "$WS" && bin/static_unix bind "$OUTS/native.sock" 2>&1)
if grep -q bound <<<"$out" && [ -S "$OUTS/native.sock" ]; then
	out=$(cd "$WS" && "$BIN/agent-shell" --user --policy "$RDWR" -- bin/static_unix bind "$OUTS/made.sock" 2>&1)
	if grep -q "bind: refused errno=13" <<<"$out" && [ ! -e "$OUTS/made.sock" ] && grep -q "(rule default)" <<<"$out"; then
		ok "static bind of a Unix socket outside the write rules: works natively; refused by the kernel path"
	else bad "bind of a Unix socket outside the write rules: $out"; fi
else bad "bind of a Unix socket does not work even without tiergate: $out"; fi
out=$(cd "$WS" && "$BIN/agent-shell" --user --policy "$RDWR" -- bin/static_unix bind out/mine.sock 2>&1)
if grep -q bound <<<"$out"; then ok "bind of a Unix socket inside the write rules still works"
else bad "bind inside the write rules: $out"; fi
# openat2 keeps its flags in memory: asked as a read, flipped to a write by
# a second thread before the kernel reads them again
rm -rf "$OUTS"; mkdir -p "$OUTS"; echo original >"$OUTS/keep"
out=$(cd "$WS" && bin/static_openat2_race "$OUTS/keep" 2>&1)
if grep -q "write: done" <<<"$out" && ! grep -qx original "$OUTS/keep"; then
	echo original >"$OUTS/keep"
	out=$(cd "$WS" && "$BIN/agent-shell" --user --policy "$RDWR" -- bin/static_openat2_race "$OUTS/keep" 2>&1)
	if ! grep -q "write: done" <<<"$out" && grep -qx original "$OUTS/keep"; then
		ok "openat2 with its flags flipped from read to write by a second thread: works natively; no write under tiergate ($out)"
	else bad "openat2 flag race got a write through: $out"; fi
else bad "openat2 flag race does not write even without tiergate: $out"; fi
# a name the agent controls must not lend its allow to what it points at:
# a symlink in the workspace to a file, a program or an interpreter outside
# every rule is decided on the target (and the default applies there)
lend_attack() { # lend_attack WHAT WIN CMD...
	local what=$1 win=$2 out; shift 2
	out=$(cd "$WS" && "$@" 2>&1)
	if ! grep -q "$win" <<<"$out"; then bad "$what: does not work even without tiergate: $out"; return; fi
	out=$(cd "$WS" && "$BIN/agent-shell" --user --policy "$RDWR" -- "$@" 2>&1)
	if ! grep -q "$win" <<<"$out" && grep -q "(rule default)" <<<"$out"; then
		ok "$what: works natively; refused under tiergate (the target's default)"
	else bad "$what: $out"; fi
}
rm -rf "$OUTS"; mkdir -p "$OUTS"; echo original >"$OUTS/keep"
ln -sfn "$OUTS/keep" "$WS/out/lend"
lend_attack "static write through a workspace symlink to a file no rule covers" "write: done" bin/static_fs write out/lend ""
cp "$WS/bin/static_marker" "$OUTS/prog"; ln -sfn "$OUTS/prog" "$WS/bin/lendprog"
lend_attack "static exec of a workspace symlink to a program no rule covers" "program ran" bin/static_exec bin/lendprog
printf '#!%s\n' "$OUTS/prog" >"$WS/bin/lendscript"; chmod +x "$WS/bin/lendscript"
lend_attack "a workspace script whose interpreter no rule covers" "program ran" bin/static_exec bin/lendscript
rm -f "$WS/out/lend" "$WS/bin/lendprog" "$WS/bin/lendscript"
# everyday work under the default policy is not refused: git init and
# clone (hooks samples, git's own config), tar restoring a symlink's owner
# (lchown acts on the link, not on what it points to)
out=$(cd "$WS" && "$BIN/agent-shell" --user --policy "$POLICY" -- bash -c 'set -e; git init -q everyday; git -C everyday -c user.email=a@b -c user.name=n commit -q --allow-empty -m one; git clone -q everyday everyday2; ln -s /usr/bin/true lnk; tar cf t.tar lnk; mkdir -p xt; tar xf t.tar -C xt; echo fine' 2>&1)
if [ "$out" = fine ]; then ok "git init, git clone and tar of a symlink work under the default policy, no refusal"
else bad "everyday work under the default policy: $out"; fi
rm -rf "$WS/everyday" "$WS/everyday2" "$WS/lnk" "$WS/t.tar" "$WS/xt"
# argv patterns name the program by its path too: argv[0] is the caller's
cp "$WS/bin/static_marker" "$WS/bin/named_marker"
bs_attack "a program denied by an argv rule, run under another argv[0] (exec -a)" "program ran" no-named-marker bash -c 'exec -a innocent bin/named_marker'
bs_attack "static binary connects to a refused loopback address" "connected" no-127-0-0-2 bin/static_connect
# race_attack WHAT WIN N CMD...: a second thread rewrites the exec while
# policyd checks it. Natively CMD prints WIN within N runs; under agent-shell
# (settings.exec_race: verify, the default) never in the N (up to 4N) runs
# under it: policyd reads
# either version (the bad one is refused by its rule) and holds the exec
# (ptrace) until the kernel has done it; a process running anything but
# what was checked is killed there, before its first instruction, with a
# line on its stderr and an audit line (decision "killed")
race_attack() {
	local what=$1 win=$2 n=$3 out all="" won=0 before killed
	shift 3
	for _ in $(seq "$n"); do
		out=$(cd "$WS" && "$@" 2>&1)
		if grep -q "$win" <<<"$out"; then won=1; break; fi
	done
	if [ $won = 0 ]; then bad "$what: does not work even without tiergate in $n runs: $out"; return; fi
	before=$(grep -c '"decision":"killed"' "$AUDIT" 2>/dev/null)
	# N runs, and on up to 4N until one was caught at its exec stop (on a
	# loaded machine the second thread runs less often in the window)
	local i
	for i in $(seq $((n * 4))); do
		all+=$(cd "$WS" && "$BIN/agent-shell" --user --policy "$BACKSTOP" -- "$@" 2>&1)$'\n'
		[ "$i" -ge "$n" ] && [ "$(grep -c '"decision":"killed"' "$AUDIT" 2>/dev/null)" -gt "${before:-0}" ] && break
	done
	n=$i
	if grep -q "$win" <<<"$all"; then bad "$what: succeeded under tiergate: $(sort <<<"$all" | uniq -c)"; return; fi
	killed=$(( $(grep -c '"decision":"killed"' "$AUDIT" 2>/dev/null) - ${before:-0} ))
	if [ "$killed" -gt 0 ] && grep -q "${RACE_LINE:-tiergate: killed exec .*(rule exec_race)}" <<<"$all" &&
	   grep '"decision":"killed"' "$AUDIT" | grep -q '"rule":"exec_race"'; then
		ok "$what: works natively; never under tiergate in $n runs ($killed caught at the exec stop and killed, audited)"
	else bad "$what: no exec was caught at its exec stop in $n runs: $(sort <<<"$all" | uniq -c)"; fi
}
# the line names the exec by the command line decided, quoted as the other
# refusal lines quote it: "harmless", or a torn mix of the two words when
# policyd read the argument mid-rewrite ("harmlessn", "forbidde": decided as
# read, which no rule refuses, and killed when the exec ran with another)
RACE_LINE='tiergate: killed exec "bin/static_marker [a-z]*" (rule exec_race)' \
	race_attack "argv rewritten by a second thread during exec" "program ran: forbidden" 30 bin/argv_race bin/static_marker
race_attack "the exec's path flipped by a second thread (allowed -> denied program)" "program ran: raced" 60 bin/static_name_race exec /bin/true denied/smarker raced
# file calls that make, remove or change names: policyd performs them
# itself on the names it decided on, so a flipped path string changes
# nothing
XATTRS=$(python3 -c "import os; os.setxattr('$WS', 'user.tgprobe', b'1'); print('lsetxattr')" 2>/dev/null)
# setxattrat (Linux 6.13), by name and on a flipped descriptor
[ -n "$XATTRS" ] && python3 -c "
import ctypes, os, sys
libc = ctypes.CDLL(None, use_errno=True)
r = libc.syscall(ctypes.c_long(466), ctypes.c_long(-100), b'$WS', ctypes.c_long(0), b'user.tgprobe')
sys.exit(0 if r == 0 or ctypes.get_errno() != 38 else 1)" && XATTRS="$XATTRS setxattrat fsetxattrat"
for m in unlink rename truncate fchmod utimes $XATTRS; do
	# a new file each time: the attribute of an earlier run would stay
	rm -f "$WS/protected/keep"; echo original > "$WS/protected/keep"; chmod 644 "$WS/protected/keep"
	out=$(cd "$WS" && bin/static_name_race $m out/nr protected/keep 3000 2>&1)
	if grep -q "harmed the protected file" <<<"$out"; then
		rm -f "$WS/protected/keep"; echo original > "$WS/protected/keep"; chmod 644 "$WS/protected/keep"
		out=$(cd "$WS" && "$BIN/agent-shell" --user --policy "$BACKSTOP" -- bin/static_name_race $m out/nr protected/keep 400 2>&1)
		if grep -qx original "$WS/protected/keep" && [ "$(stat -c %a "$WS/protected/keep")" = 644 ] &&
		   grep -q "protected file intact after 400 tries" <<<"$out" &&
		   grep -q '(rule protected)' <<<"$out" && ! grep -q "tries (400 refused)" <<<"$out"; then
			ok "$m with its path (fchmod, fsetxattrat: its descriptor) flipped by a second thread (allowed file -> protected file): works natively; the protected file is intact under tiergate (policyd performs the $m it decided, on what it decided)"
		else bad "$m race under tiergate: $(grep -v '^tiergate' <<<"$out" | tail -2); keep=$(cat "$WS/protected/keep" 2>&1)"; fi
	else bad "$m race does not work even without tiergate: $out"; fi
done
echo original > "$WS/protected/keep"
# linkat(fd, "", AT_EMPTY_PATH) with the descriptor flipped by dup2: a
# second name for the protected file in out/, then a write through it
echo allowed > "$WS/out/fl-allowed"
out=$(cd "$WS" && bin/static_flink_race out/fl-allowed protected/keep out/fl-new 3000 2>&1)
if grep -q "linked the protected file" <<<"$out" && (cd "$WS" && echo pwned > out/fl-new) && grep -qx pwned "$WS/protected/keep"; then
	rm -f "$WS/out/fl-new"; echo original > "$WS/protected/keep"
	out=$(cd "$WS" && "$BIN/agent-shell" --user --policy "$BACKSTOP" -- bash -c 'bin/static_flink_race out/fl-allowed protected/keep out/fl-new 400; echo pwned > out/fl-new' 2>&1)
	if grep -qx original "$WS/protected/keep" && grep -q "never linked the protected file in 400 tries" <<<"$out" &&
	   grep -q '(rule protected)' <<<"$out" && ! grep -q "(400 refused)" <<<"$out" &&
	   grep '"decision":"refused"' "$AUDIT" | grep '"kind":"link"' | grep -q 'protected/keep'; then
		ok "linkat(fd, \"\", AT_EMPTY_PATH) with the descriptor flipped by a second thread: natively links the protected file into out/ and a write through it changes it; under tiergate never (policyd links its own copy of the descriptor it decided on), audited"
	else bad "flink race under tiergate: $(grep -v '^tiergate' <<<"$out" | tail -2); keep=$(cat "$WS/protected/keep")"; fi
else bad "flink race does not work even without tiergate: $out"; fi
# where policyd cannot copy the caller's descriptor (Yama in user mode,
# simulated): a single-threaded caller's flink is left to the kernel (no
# one can re-point its descriptor), a multithreaded one's is refused. (The
# kernel then refuses to flink a file policyd opened for the caller, an
# O_TMPFILE among them: AT_EMPTY_PATH wants the opener's credentials.)
NG=$TOP/nogetfd
rm -f "$WS/out/fl-new"; echo original > "$WS/protected/keep"
out=$(cd "$WS" && TIERGATE_RUNDIR=$NG TIERGATE_TEST_NO_GETFD=1 "$BIN/agent-shell" --user --policy "$BACKSTOP" -- bash -c '
	bin/static_flink_race out/fl-allowed protected/keep out/fl-new 200; echo pwned > out/fl-new
	bin/static_flink_race own out/fl-allowed out/fl-single
	echo "pipe: $(bin/static_flink_race pipe protected/keep out/fl-pipe 200)"' 2>&1)
NPD=$(cat "$NG/policyd.pid" 2>/dev/null); [ -n "$NPD" ] && kill "$NPD" 2>/dev/null
if grep -qx original "$WS/protected/keep" && grep -q "never linked the protected file in 200 tries (200 refused)" <<<"$out" &&
   grep -q "own linked" <<<"$out" && grep -qx allowed "$WS/out/fl-single" &&
   grep -q 'tiergate: refused link .*out/fl-allowed.*(rule descriptor_race)' <<<"$out" &&
   grep -q '"rule":"descriptor_race"' "$NG/audit.jsonl"; then
	ok "without a copy of the descriptor (simulated Yama): a multithreaded caller's flink is refused every time (rule descriptor_race, with its line and audit), a single-threaded caller's flink of a file it opened works"
else bad "flink without a descriptor copy: $(grep -v '^tiergate' <<<"$out" | tail -3)"; fi
# the number flipped between a pipe (in no file system: no policy to
# apply) and the protected file: natively linked; without a descriptor
# copy never, the pipe's turns refused as well
rm -f "$WS/out/fl-pipe"
nat=$(cd "$WS" && bin/static_flink_race pipe protected/keep out/fl-pipe 3000 2>&1)
if grep -q "linked the protected file" <<<"$nat" &&
   grep -q "pipe: never linked the protected file in 200 tries (200 refused)" <<<"$out" &&
   grep '"rule":"descriptor_race"' "$NG/audit.jsonl" | grep -q '"target":"pipe:'; then
	ok "without a copy of the descriptor: a number flipped between a pipe and the protected file is linked natively, never under tiergate (the pipe's turns refused by rule descriptor_race too)"
else bad "pipe flink without a descriptor copy: native: $nat; $(grep '^pipe' <<<"$out")"; fi
rm -f "$WS/out/fl-new" "$WS/out/fl-allowed" "$WS/out/fl-single" "$WS/out/fl-pipe"; echo original > "$WS/protected/keep"
# an exec from a multithreaded process that nobody rewrites runs, checked
out=$(cd "$WS" && "$BIN/agent-shell" --user --policy "$BACKSTOP" -- bin/argv_race bin/static_marker still 2>&1)
if [ "$out" = "program ran: harmless" ]; then ok "a multithreaded caller's exec that nobody rewrites runs (settings.exec_race: verify)"
else bad "a multithreaded caller's honest exec did not run: $out"; fi
# settings.exec_race: refuse keeps argv-dependent allows from racing callers
REFUSE=$TOP/policy-refuse.yaml
sed 's/^settings: { default: allow }/settings: { default: allow, exec_race: refuse }/' "$BACKSTOP" >"$REFUSE"
BACKSTOP_SAVED=$BACKSTOP BACKSTOP=$REFUSE
bs_attack "a harmless argv from a multithreaded caller (settings.exec_race: refuse)" "program ran: harmless" exec_race bin/argv_race bin/static_marker still
BACKSTOP=$BACKSTOP_SAVED
# Landlock ABI >= 6: a session's signals stay inside it (policyd, agent-shell
# and everything else on the machine are out of reach)
ABI=$(python3 -c 'import ctypes; print(ctypes.CDLL(None).syscall(444, None, 0, 1))' 2>/dev/null)
if [ "${ABI:-0}" -ge 6 ]; then
	sleep 60 & SPID=$!
	if kill -0 "$SPID" 2>/dev/null; then
		out=$(cd "$WS" && "$BIN/agent-shell" --user --policy "$BACKSTOP" -- bash -c "kill -TERM $SPID; kill -TERM \$(cat '$TIERGATE_RUNDIR/policyd.pid')" 2>&1)
		if kill -0 "$SPID" 2>/dev/null && kill -0 "$(cat "$TIERGATE_RUNDIR/policyd.pid")" 2>/dev/null &&
		   grep -q "Operation not permitted" <<<"$out"; then
			ok "signals to processes outside the session (a sleep, policyd): work natively, refused by Landlock"
		else bad "a signal left the session: $out"; fi
	else bad "kill -0 of our own sleep fails even without tiergate"; fi
	kill "$SPID" 2>/dev/null; wait "$SPID" 2>/dev/null
else
	skip "Landlock signal scoping (ABI ${ABI:-0} < 6)"
fi
# abstract Unix sockets made outside the session are out of reach (ABI >= 6)
if [ "${ABI:-0}" -ge 6 ]; then
	python3 -c 'import socket,time
s=socket.socket(socket.AF_UNIX); s.bind("\0tg-bypass-abstract"); s.listen(8); time.sleep(60)' & APID=$!
	probe='import socket
s=socket.socket(socket.AF_UNIX)
try:
    s.connect("\0tg-bypass-abstract"); print("connected")
except OSError as e:
    print("refused", e.errno)'
	for _ in $(seq 50); do # until the listener is up
		out=$(python3 -c "$probe" 2>&1)
		grep -q connected <<<"$out" && break
		sleep 0.1
	done
	if grep -q connected <<<"$out"; then
		out=$(cd "$WS" && "$BIN/agent-shell" --user --policy "$RDWR" -- /usr/bin/python3 -c "$probe" 2>&1)
		if grep -q "refused 1" <<<"$out"; then ok "an abstract Unix socket made outside the session: connects natively, refused by Landlock"
		else bad "abstract Unix socket outside the session: $out"; fi
	else bad "abstract Unix socket does not connect even without tiergate: $out"; fi
	kill "$APID" 2>/dev/null; wait "$APID" 2>/dev/null
fi
# memory shared with a process that is not a thread: clone(CLONE_VM) is
# refused; a vfork child of a vfork child of a threaded process is racy
out=$(cd "$WS" && bin/static_files_share bin/static_marker 2>&1)
if [ "$out" = "shared: the child re-pointed the parent's descriptor" ]; then
	out=$(cd "$WS" && "$BIN/agent-shell" --user --policy "$BACKSTOP" -- bin/static_files_share bin/static_marker 2>&1)
	if [ "$out" = "clone: refused errno=1" ]; then
		ok "clone(CLONE_FILES) that is not a thread: natively the child re-points the parent's descriptors (an fexecve's, after the decision); refused in a session (EPERM)"
	else bad "clone(CLONE_FILES) in a session: $out"; fi
else bad "clone(CLONE_FILES) does not share descriptors even without tiergate: $out"; fi
out=$(cd "$WS" && bin/static_vm_share clone bin/static_marker 2>&1)
if grep -q "program ran" <<<"$out"; then
	out=$(cd "$WS" && "$BIN/agent-shell" --user --policy "$BACKSTOP" -- bin/static_vm_share clone bin/static_marker 2>&1)
	if grep -q "clone: refused errno=1" <<<"$out" && ! grep -q "program ran" <<<"$out"; then
		ok "clone(CLONE_VM) without a vfork, then rewrite argv from the parent: works natively; clone refused under tiergate"
	else bad "clone(CLONE_VM) not refused: $out"; fi
else bad "clone(CLONE_VM) attack does not work even without tiergate: $out"; fi
BACKSTOP=$REFUSE
bs_attack "exec from a vfork child of a vfork child of a threaded process (settings.exec_race: refuse)" "program ran: harmless" exec_race bin/static_vm_share vforks bin/static_marker
BACKSTOP=$BACKSTOP_SAVED
before=$(grep -c '"decision":"killed"' "$AUDIT")
out=$(cd "$WS" && "$BIN/agent-shell" --user --policy "$BACKSTOP" -- bin/static_vm_share vforks bin/static_marker 2>&1)
if grep -q "program ran: harmless" <<<"$out" && [ "$(grep -c '"decision":"killed"' "$AUDIT")" = "$before" ]; then
	ok "the same exec under settings.exec_race: verify is held, checked and runs"
else bad "a vfork child's honest exec did not run under verify: $out"; fi
# agent-shell keeps a copy of the listener: a session that took it could
# answer its own calls ("continue"); pidfd_getfd is refused, and the
# session's Landlock domain keeps it out of processes outside it
bs_attack "take agent-shell's seccomp listener (pidfd_getfd) and answer our own calls" "program ran" denied-programs bin/static_reach_out steal denied/smarker
out=$(cd "$WS" && bin/static_reach_out peek 2>&1)
if grep -q "read outside memory" <<<"$out"; then
	out=$(cd "$WS" && "$BIN/agent-shell" --user --policy "$BACKSTOP" -- bin/static_reach_out peek 2>&1)
	if grep -q "peek: refused errno=13" <<<"$out"; then ok "reading agent-shell's memory (/proc/PID/mem): works natively, refused by the session's Landlock domain"
	else bad "the session read memory outside it: $out"; fi
else bad "peek does not work even without tiergate: $out"; fi
out=$(cd "$WS" && "$BIN/agent-shell" --user --policy "$BACKSTOP" -- bash -c 'echo fine > out/ok.txt; bin/static_marker hello; git --version >/dev/null && cat out/ok.txt' 2>&1)
if [ "$out" = $'program ran: hello\nfine' ]; then ok "allowed work is untouched by the backstop (static exec, write, git)"
else bad "the backstop broke allowed work: $out"; fi

out=$(cd "$WS" && "$BIN/agent-shell" --user --policy "$BACKSTOP" -- bash -c 'for i in 1 2 3; do echo a > out/inj$i.txt; done; sleep 2' & sleep 1; "$BIN/policyctl" status 2>&1; wait)
if grep -qE "files opened by policyd" <<<"$out" && ! grep -qE " 0 files opened by policyd" <<<"$out" &&
   [ "$(cat "$WS"/out/inj[123].txt 2>/dev/null)" = $'a\na\na' ]; then
	ok "allowed write-opens are done by policyd and the descriptor injected (ADDFD)"
else bad "write-opens not injected: $(grep -i user-notify <<<"$out")"; fi

echo "== kill -9 of policyd during 1,000 execs"
rm -f "$WS/out/runs.txt"
before=$(grep -c '"rule":"counted"' "$AUDIT" 2>/dev/null || true)
( cd "$WS" && TIERGATE_RESTART_AFTER_MS=600000 "$BIN/agent-shell" --user --policy "$BACKSTOP" -- \
	bash -c 'for i in $(seq 1000); do bin/static_marker $i >> out/runs.txt; done; echo loop-done' ) >"$TOP/loop.out" 2>&1 &
LOOP=$!
for _ in $(seq 200); do [ "$(wc -l 2>/dev/null <"$WS/out/runs.txt" || echo 0)" -ge 200 ] && break; sleep 0.05; done
PD=$(cat "$TIERGATE_RUNDIR/policyd.pid")
kill -9 "$PD"
mid=$(wc -l <"$WS/out/runs.txt")
sleep 1
stalled=$(wc -l <"$WS/out/runs.txt")
"$BIN/policyd" --user --policy "$BACKSTOP" >/dev/null 2>&1
wait $LOOP
runs=$(wc -l <"$WS/out/runs.txt")
after=$(grep -c '"rule":"counted"' "$AUDIT")
audited=$((after - ${before:-0}))
if [ "$mid" -lt 1000 ] && [ "$stalled" -le $((mid + 1)) ]; then ok "while policyd was down the loop waited ($mid runs, then $stalled)"
else bad "the loop did not wait for policyd: $mid then $stalled"; fi
if grep -q loop-done "$TOP/loop.out" && [ "$runs" -eq 1000 ]; then ok "after the restart the loop finished: 1000 runs"
else bad "the loop did not finish: $runs runs; $(cat "$TOP/loop.out")"; fi
if [ "$audited" -ge "$runs" ]; then ok "every exec is in the audit log ($audited lines for $runs runs): none ran undecided"
else bad "$((runs - audited)) execs ran without an audit line ($audited for $runs)"; fi

echo "== policyd killed 25 times during 3,000 appends and execs"
# every kill lands somewhere in a call policyd is carrying out (a write-open
# it has opened and is putting in the caller, an exec, a restart): each
# append must reach its file exactly once, and every command succeed
rm -f "$WS/out/appends.txt" "$WS/out/rcs.txt"
( cd "$WS" && TIERGATE_RESTART_AFTER_MS=100 "$BIN/agent-shell" --user --policy "$BACKSTOP" -- \
	bash -c 'for i in $(seq 3000); do bin/static_marker $i >> out/appends.txt; echo "$i $?" >> out/rcs.txt; done; echo loop-done' ) >"$TOP/kills.out" 2>&1 &
LOOP=$!
kills=0
for _ in $(seq 25); do
	sleep 0.2
	kill -0 "$LOOP" 2>/dev/null || break
	PD=$(cat "$TIERGATE_RUNDIR/policyd.pid" 2>/dev/null)
	# the policyd agent-shell started for this loop, nothing else
	if [ -n "$PD" ] && [ "$(cat "/proc/$PD/comm" 2>/dev/null)" = policyd ]; then
		kill -9 "$PD" && kills=$((kills + 1))
	fi
done
wait $LOOP
want=$(seq 3000 | sed 's/^/program ran: /')
if [ "$kills" -ge 10 ] && grep -q loop-done "$TOP/kills.out" &&
   [ "$(sort -V "$WS/out/appends.txt" 2>/dev/null)" = "$want" ] &&
   [ "$(grep -c ' 0$' "$WS/out/rcs.txt" 2>/dev/null)" = 3000 ]; then
	ok "$kills kills of policyd during 3,000 appends and execs: every line written once, every command succeeded"
else bad "after $kills kills: $(wc -l <"$WS/out/appends.txt" 2>/dev/null) lines of 3000, $(grep -vc ' 0$' "$WS/out/rcs.txt" 2>/dev/null) failures; $(grep -v '^tiergate: policyd' "$TOP/kills.out" | head -5 | tr '\n' ' ')"; fi

echo "== policyd dies after carrying out a call, before answering it"
# TIERGATE_TEST_DIE_AFTER_DONE=1: each policyd kills itself right after the
# first call it performs (mkdir, rmdir, a write-open put in the caller);
# the next one must answer from the in-flight mark, not do it again (a
# second mkdir answers EEXIST, a second open leaves a stray descriptor on
# a file; the interposer's own connection to the new policyd, a socket,
# is not one)
CR=$TOP/crash
out=$(cd "$WS" && rm -rf out/crashdir && TIERGATE_RUNDIR=$CR TIERGATE_RESTART_AFTER_MS=100 TIERGATE_TEST_DIE_AFTER_DONE=1 \
	timeout 60 "$BIN/agent-shell" --user --policy "$BACKSTOP" -- bash -c '
	files() { for f in /proc/$$/fd/*; do l=$(readlink "$f") && [[ $l == /* ]] && echo "${f##*/} $l"; done; }
	a=$(files); mkdir out/crashdir && echo mkdir-ok
	exec 7>out/crash.txt && echo data >&7; exec 7>&-
	b=$(files); x=$(comm -13 <(sort <<<"$a") <(sort <<<"$b"))
	[ -z "$x" ] && echo no-stray-fd || echo "stray fds: $x"
	cat out/crash.txt; rmdir out/crashdir && echo rmdir-ok' 2>&1 | grep -v '^tiergate: policyd')
marks=$(grep -c "already carried out" "$CR/policyd.log" 2>/dev/null)
CPD=$(cat "$CR/policyd.pid" 2>/dev/null)
[ -n "$CPD" ] && kill "$CPD" 2>/dev/null
if [ "$out" = $'mkdir-ok\nno-stray-fd\ndata\nrmdir-ok' ] && [ "${marks:-0}" -ge 3 ]; then
	ok "calls carried out by a policyd that died before answering are answered by the next one, not done twice ($marks)"
else bad "crash between doing and answering: $out (marks: $marks)"; fi

# ---------------------------------------------------------------------
# tiergate's own session machinery: who may answer as policyd, what a
# session leaves behind, tiergate's own files (tests/bypass/policyd_auth.sh,
# session_end.sh, selfprot.sh)
. "$(dirname "$0")/progid.sh"
. "$(dirname "$0")/policyd_auth.sh"
. "$(dirname "$0")/session_end.sh"
. "$(dirname "$0")/agent_peer.sh"
. "$(dirname "$0")/names_report.sh"
. "$(dirname "$0")/pipeline.sh"
. "$(dirname "$0")/passfd.sh"
. "$(dirname "$0")/selfprot.sh"
. "$(dirname "$0")/selfmeta.sh"
# other processes, the terminal, raw sockets (tests/bypass/proc.sh)
. "$(dirname "$0")/proc.sh"
# Unix sockets in connect rules, renames of directories (tests/bypass/unix.sh,
# rename.sh)
. "$(dirname "$0")/unix.sh"
. "$(dirname "$0")/rename.sh"
# /proc/self/fd/N reopened in a race (tests/bypass/procfd.sh)
. "$(dirname "$0")/procfd.sh"
# git's environment: posix_spawn's envp, envp rewritten during a checked
# exec (tests/bypass/execenv.sh)
. "$(dirname "$0")/execenv.sh"
# every call the refusal filter refuses by name, one by one
# (tests/bypass/sysrefuse.sh)
. "$(dirname "$0")/sysrefuse.sh"
# exec command lines past policyd's caps fail closed (tests/bypass/failclosed.sh)
. "$(dirname "$0")/failclosed.sh"
# reads of denied files by static binaries (tests/bypass/denyread.sh)
. "$(dirname "$0")/denyread.sh"
# the scratch directory's unnotified calls (tests/bypass/scratch.sh)
. "$(dirname "$0")/scratch.sh"
# core files and inode flags, written or changed by no decided call
# (tests/bypass/corefile.sh, inodeattr.sh)
. "$(dirname "$0")/corefile.sh"
. "$(dirname "$0")/inodeattr.sh"
# one session holding policyd's connections or memory from every other
# (tests/bypass/connflood.sh)
. "$(dirname "$0")/connflood.sh"
# ... and by uid for processes of no session (tests/bypass/uidflood.sh)
. "$(dirname "$0")/uidflood.sh"
# what the operator reads before granting a call (tests/bypass/prompttext.sh)
. "$(dirname "$0")/prompttext.sh"
# the operator's watch terminal, C1 controls in answers, an exec's prompt
# and its directory (tests/bypass/watchterm.sh, promptc1.sh, promptcwd.sh)
. "$(dirname "$0")/watchterm.sh"
. "$(dirname "$0")/promptc1.sh"
. "$(dirname "$0")/promptcwd.sh"
# policyd acting with the session's capabilities (tests/bypass/capdeputy.sh)
. "$(dirname "$0")/capdeputy.sh"
# a session grant used for a call the operator never saw (tests/bypass/gitgrant.sh)
. "$(dirname "$0")/gitgrant.sh"
# a builtin of newer git that an older one autocorrects (tests/bypass/gitversions.sh)
. "$(dirname "$0")/gitversions.sh"
# config keys that name a program git runs later (tests/bypass/gitconfigrun.sh)
. "$(dirname "$0")/gitconfigrun.sh"
# a push's config rewritten after its decision (tests/bypass/gitcfgrace.sh)
. "$(dirname "$0")/gitcfgrace.sh"
# a datagram sent elsewhere than its address by a source route
# (tests/bypass/srcroute.sh)
. "$(dirname "$0")/srcroute.sh"
# TCP by another protocol number, past a proto: tcp rule (tests/bypass/mptcp.sh)
. "$(dirname "$0")/mptcp.sh"
# 0.0.0.0: this machine at the source address (tests/bypass/anyaddr.sh)
. "$(dirname "$0")/anyaddr.sh"
# SCTP associations made without connect (tests/bypass/sctp.sh)
. "$(dirname "$0")/sctp.sh"
# a source address not this machine's, a routing mark (tests/bypass/transparent.sh)
. "$(dirname "$0")/transparent.sh"
# ---------------------------------------------------------------------

echo "bypass: $PASS passed, $FAIL failed, $SKIP skipped"
[ "$FAIL" -eq 0 ]
