# Sourced by run.sh (lib.sh's check/ok/bad, in_session, audit_has; $WS,
# $OUT, $ERR, $RUN): every refusal explained. Calls the seccomp filter
# refuses whatever the policy says (ptrace, namespaces, the machine's
# settings) get one line on stderr (what, rule "sandbox", what to do
# instead) and an audit line; calls programs probe and do without get the
# audit line only; refused command lines are quoted as a shell would.

echo "== calls a session never makes: refused, explained and audited"
in_session bash -c "strace -o /dev/null true 'a b'; echo strace=\$?; unshare -U true; echo unshare=\$?"
check "strace fails as before (EPERM)" bash -c "grep -q 'strace=1' '$OUT' && grep -q 'Operation not permitted' '$ERR'"
check "one line: the call, the command line quoted, the rule, what to do instead" \
	grep -qF "tiergate: refused ptrace \"strace -o /dev/null true 'a b'\" (rule sandbox): a tiergate session cannot trace or read other processes (strace, gdb, ltrace attach with ptrace); debug outside agent-shell" "$ERR"
check "strace's retries (from strace and its children) give one line" \
	bash -c "[ \"\$(grep -c \"refused ptrace \\\"strace -o\" '$ERR')\" = 1 ]"
check "audit line for the ptrace refusal" \
	audit_has '"argv":["strace","-o","/dev/null","true","a b"]' '"kind":"syscall"' '"target":"ptrace"' '"rule":"sandbox"' '"action":"deny"' '"decision":"refused"'
check "unshare: the line says namespaces and where to run them" \
	grep -qF 'tiergate: refused unshare "unshare -U true" (rule sandbox): a tiergate session cannot make or enter namespaces' "$ERR"
check "unshare still fails (EPERM)" bash -c "grep -q 'unshare=1' '$OUT' && grep -q 'unshare failed: Operation not permitted' '$ERR'"
check "audit line for the unshare refusal" audit_has '"argv":["unshare","-U","true"]' '"target":"unshare"' '"rule":"sandbox"' '"decision":"refused"'
# a probe with a fallback (libuv's io_uring at every start): no line, the
# refusal audited, the errno the filter always gave
cat >"$TOP/probe.py" <<'PY'
import ctypes, ctypes.util, os
libc = ctypes.CDLL(None, use_errno=True)
r = libc.syscall(425, 4, ctypes.c_void_p(0))  # io_uring_setup(4, NULL)
print("io_uring_setup", r, os.strerror(ctypes.get_errno()))
PY
in_session python3 "$TOP/probe.py"
check "a probed call fails with EPERM as before" grep -qx "io_uring_setup -1 Operation not permitted" "$OUT"
check "and prints no refusal line (the program does without it)" bash -c "! grep -q 'tiergate:' '$ERR'"
check "but is audited" audit_has '"target":"io_uring_setup"' '"rule":"sandbox"' '"decision":"refused"' '"kind":"syscall"'

echo "== refused command lines are quoted as a shell would, control characters escaped"
in_session bash -c "touch 'a b' \$'forbidden\\e[2J\\nx'; echo rc=\$?"
check "the exec is refused" bash -c "grep -q rc=126 '$OUT' && [ ! -e '$WS/a b' ]"
check "spaces quoted, escape and newline written as \$'...' escapes" \
	grep -qF "tiergate: refused exec \"touch 'a b' \$'forbidden\\x1b[2J\\nx'\" (rule no-touch-forbidden)" "$ERR"
check "no raw control character reaches the agent's terminal" bash -c "! LC_ALL=C grep -q \$'\\x1b' '$ERR'"

echo "== a refused link by git that a copy can replace: audited, no line (git clone falls back to copying)"
src=/dev/shm/tg-it-src-$$
rm -rf "$src" && git init -q "$src" && echo a >"$src/f" && git -C "$src" add f &&
	git -C "$src" -c user.email=t@t -c user.name=t commit -qm one
in_session bash -c "git clone -q '$src' out/clone; echo clone=\$?; echo x > out/l1; ln out/l1 protected/l1; echo ln=\$?; ln '$src/f' out/l2; echo ln2=\$?"
check "the clone succeeds" bash -c "grep -q clone=0 '$OUT' && [ -s '$WS/out/clone/f' ]"
check "with no refusal line for the links git replaces by copies" bash -c "! grep -q 'refused link' '$ERR' || grep 'refused link' '$ERR' | grep -qv '$src'"
check "the refused links are audited, saying why there was no line" \
	audit_has '"kind":"link"' "\"target\":\"$src/.git/objects/" '"rule":"default"' '"decision":"refused"' 'no refusal line'
check "the same link by another program (ln: no fallback) gets its line" \
	bash -c "grep -q ln2=1 '$OUT' && grep -qF 'tiergate: refused link \"$src/f -> $WS/out/l2\" (rule default)' '$ERR'"
check "a link a rule refuses still gets its line" \
	grep -qF "tiergate: refused link \"$WS/out/l1 -> $WS/protected/l1\" (rule protected)" "$ERR"
rm -rf "$src"

echo "== attributes that need a capability the session dropped: not set by policyd on its behalf"
cat >"$TOP/xattr.py" <<'PY'
import os, sys
open("out/xa", "w").close()
for name, val in (("trusted.tg", b"v"), ("security.capability", bytes.fromhex("0100000200200000000000000000000000000000"))):
    try:
        os.setxattr("out/xa", name, val)
        print(name, "set")
    except OSError as e:
        print(name, os.strerror(e.errno))
PY
( cd "$WS" && python3 "$TOP/xattr.py" ) >"$TOP/xattr.native" 2>&1
rm -f "$WS/out/xa"
if grep -qx "trusted.tg set" "$TOP/xattr.native"; then
	in_session python3 "$TOP/xattr.py"
	check "trusted.* (CAP_SYS_ADMIN) refused EPERM as the session's own call would be" grep -qx "trusted.tg Operation not permitted" "$OUT"
	check "file capabilities (CAP_SETFCAP) likewise" grep -qx "security.capability Operation not permitted" "$OUT"
	check "and the file has neither" python3 -c "import os, sys; sys.exit(bool(set(os.listxattr('$WS/out/xa')) & {'trusted.tg', 'security.capability'}))"
else
	skip "setting trusted.* attributes needs CAP_SYS_ADMIN here (natively: $(head -1 "$TOP/xattr.native"))"
fi
rm -f "$WS/out/xa"

echo "== a program's own pipes opened again by name (/dev/stdout, /dev/fd/N, /proc/self/fd/N)"
in_session bash -c "{ echo via-stdout > /dev/stdout; echo via-fd > /dev/fd/1; echo via-proc > /proc/self/fd/1; echo via-stderr > /dev/stderr; } 2>&1 | cat"
check "written to the pipe, as natively, with no refusal" \
	bash -c "[ \"\$(cat '$OUT')\" = \$'via-stdout\\nvia-fd\\nvia-proc\\nvia-stderr' ] && ! grep -q tiergate: '$ERR'"

echo "== a read a rule denies is refused whether or not the file is there; other missing files fail as natively"
in_session bash -c "cat secret/absent; echo rc=\$?; cat secret/nodir/absent; echo rc2=\$?; python3 -c 'open(\"secret/absent-py\")'; echo rc3=\$?; cat out/absent; echo rc4=\$?"
check "a missing file under a deny rule: refused (EACCES) with the rule's line" \
	bash -c "grep -q rc=1 '$OUT' && grep -q 'cat: secret/absent: Permission denied' '$ERR' &&
		grep -qF 'tiergate: refused read \"$WS/secret/absent\" (rule secret-read): secret/ is not for agents.' '$ERR'"
check "also when its directory is missing, and from Python's open" \
	bash -c "grep -qF 'refused read \"$WS/secret/nodir/absent\" (rule secret-read)' '$ERR' &&
		grep -qF 'refused read \"$WS/secret/absent-py\" (rule secret-read)' '$ERR' && grep -q PermissionError '$ERR'"
check "and audited" audit_has "\"target\":\"$WS/secret/absent\"" '"rule":"secret-read"' '"decision":"refused"'
check "a missing file no rule refuses: ENOENT, no line, no audit line" \
	bash -c "grep -q rc4=1 '$OUT' && grep -q 'cat: out/absent: No such file or directory' '$ERR' &&
		! grep -q 'out/absent\"' '$ERR' && ! grep -q '$WS/out/absent' '$RUN/audit.jsonl'"

# The interposer's path, as on a kernel without seccomp user-notify: a
# session whose filter notifies nothing (TIERGATE_TEST_NO_NOTIFY, test
# builds only; its warning line says it took effect)
no_seccomp_session() { # like in_session
	( cd "$WS" && TIERGATE_TEST_NO_NOTIFY=1 timeout 120 "$BIN/agent-shell" --user --policy "$POLICY" -- "$@" ) >"$OUT" 2>"$ERR"
}
no_seccomp_took() { grep -q "the kernel has no seccomp user notification" "$ERR"; }

echo "== names spelled so that the kernel fails the call whatever the policy says: as natively, with no line, on both paths"
sp_setup() { # sp_setup PROTECTED OUT: PROTECTED/sp/{d,f}, OUT/spo/sl -> the f
	rm -rf "$1/sp" "$2/spo" && mkdir -p "$1/sp/d" "$2/spo" && echo x >"$1/sp/f" && ln -s "../../${1##*/}/sp/f" "$2/spo/sl"
}
mkdir -p "$TOP/spn/protected" "$TOP/spn/out"
sp_setup "$TOP/spn/protected" "$TOP/spn/out"
( cd "$TOP/spn" && "$PROGS/spelled" protected/sp out/spo ) >"$TOP/sp.native" 2>&1
check "natively: EINVAL, ENOTEMPTY, EISDIR, EEXIST, EBUSY, ENOTDIR, ENOENT, ELOOP" \
	bash -c "grep -qx 'rmdir d/. EINVAL' '$TOP/sp.native' && grep -qx 'open O_NOFOLLOW sl ELOOP' '$TOP/sp.native' && [ \$(grep -c ' ok\$' '$TOP/sp.native') = 0 ]"
sp_run() { # sp_run WHAT PROG [no-seccomp]
	sp_setup "$WS/protected" "$WS/out"
	if [ -n "${3:-}" ]; then no_seccomp_session "$2" protected/sp out/spo; else in_session "$2" protected/sp out/spo; fi
	if [ -n "${3:-}" ] && ! no_seccomp_took; then skip "$1: agent-shell ignored TIERGATE_TEST_NO_NOTIFY (not a test build)"; return; fi
	check "$1: every call fails as natively" cmp "$TOP/sp.native" "$OUT"
	check "$1: no refusal line" bash -c "! grep -q 'tiergate: refused' '$ERR'"
	check "$1: nothing refused in the audit log" bash -c "! grep '$WS/protected/sp' '$RUN/audit.jsonl' | grep -q '\"decision\":\"refused\"'"
}
sp_run "kernel path, dynamic program" "$PROGS/spelled"
sp_run "kernel path, static program" "$PROGS/static_spelled"
sp_run "interposer path, dynamic program" "$PROGS/spelled" no-seccomp
rm -rf "$WS/protected/sp" "$WS/out/spo"

echo "== the interposer's path: a refused link by git that a copy can replace gets no line; other refusals do"
src=/dev/shm/tg-it-src2-$$
rm -rf "$src" "$WS/out/clone2" && git init -q "$src" && echo a >"$src/f" && git -C "$src" add f &&
	git -C "$src" -c user.email=t@t -c user.name=t commit -qm one
no_seccomp_session bash -c "git clone -q '$src' out/clone2; echo clone=\$?; ln '$src/f' out/l4; echo ln=\$?; cat secret/absent2; echo cat=\$?"
if no_seccomp_took; then
	check "interposer path: the clone succeeds" bash -c "grep -q clone=0 '$OUT' && [ -s '$WS/out/clone2/f' ]"
	check "interposer path: no refusal line for the links git replaces by copies" bash -c "! grep 'refused link' '$ERR' | grep -q '$src/.git'"
	check "interposer path: the refused links are audited, saying why there was no line" \
		audit_has "\"target\":\"$src/.git/objects/" '"rule":"default"' '"decision":"refused"' 'no refusal line'
	check "interposer path: the same link by ln gets its line" \
		bash -c "grep -q ln=1 '$OUT' && grep -qF 'tiergate: refused link \"$src/f -> $WS/out/l4\" (rule default)' '$ERR'"
	check "interposer path: a missing file a rule denies is refused with its line" \
		bash -c "grep -q cat=1 '$OUT' && grep -qF 'tiergate: refused read \"$WS/secret/absent2\" (rule secret-read)' '$ERR'"
else
	skip "interposer path: agent-shell ignored TIERGATE_TEST_NO_NOTIFY (not a test build)"
fi
rm -rf "$src" "$WS/out/clone2"

echo "== a write Landlock refuses, on the interposer's path: one line naming the layer and the write boundary, audited"
# the policy allows writes under late/, which is made after the session
# started: Landlock, given the trees that existed then, refuses them
LL=$TOP/ll && rm -rf "$LL" && mkdir -p "$LL"
sed -e "s|@LATE@|$LL/late|" >"$LL/policy.yaml" <<'Y'
version: 1
name: landlock-late
settings:
  default: deny
variables:
  WS: ${PWD}
rules:
  - id: read-all
    tier: 1
    open: { path: ["/**"], access: [read] }
  - id: writes
    tier: 1
    open: { path: ["${WS}/out/**", "/dev/null", "/dev/tty", "@LATE@/**"], access: [write, create, delete] }
  - id: programs
    tier: 1
    exec: { path: ["/usr/**", "/bin/**", "/sbin/**"] }
Y
ll_run() { # ll_run ENV...: the session writes late/f once late/ exists
	rm -rf "$LL/late" "$WS/out/ll-started"
	( cd "$WS" && env "$@" timeout 60 "$BIN/agent-shell" --user --policy "$LL/policy.yaml" -- bash -c \
		"touch out/ll-started; for i in \$(seq 100); do [ -d '$LL/late' ] && break; sleep 0.1; done; echo x > '$LL/late/f'; echo rc=\$?; echo y > out/ll-ok; echo ok=\$?" ) >"$OUT" 2>"$ERR" &
	local p=$!
	for _ in $(seq 100); do [ -e "$WS/out/ll-started" ] && break; sleep 0.1; done
	mkdir -p "$LL/late"
	wait "$p"
}
# landlock_create_ruleset(NULL, 0, LANDLOCK_CREATE_RULESET_VERSION): the ABI
if [ "$(python3 -c 'import ctypes; print(ctypes.CDLL(None).syscall(444, None, 0, 1))')" -lt 1 ]; then
	skip "Landlock refusals: the kernel has no Landlock"
else
	ll_run TIERGATE_TEST_NO_NOTIFY=1
	if ! no_seccomp_took; then
		skip "Landlock refusals on the interposer's path: agent-shell ignored TIERGATE_TEST_NO_NOTIFY (not a test build)"
	else
		check "interposer path: the write fails with EACCES, the next one in out/ works" \
			bash -c "grep -q rc=1 '$OUT' && grep -q ok=0 '$OUT' && grep -q 'Permission denied' '$ERR' && [ ! -e '$LL/late/f' ]"
		check "interposer path: one line naming Landlock and the session's write boundary" \
			grep -qF "tiergate: refused write \"$LL/late/f\" (rule landlock): the kernel's Landlock layer refused it: this session may write only under $WS/out, /dev/null, /dev/tty (" "$ERR"
		check "interposer path: audited (rule landlock)" audit_has "\"target\":\"$LL/late/f\"" '"rule":"landlock"' '"decision":"refused"' 'Landlock (kernel)'
	fi
	ll_run
	check "kernel path: policyd performs the write the policy allows (Landlock does not bound policyd), no line" \
		bash -c "grep -q rc=0 '$OUT' && [ -s '$LL/late/f' ] && ! grep -q 'tiergate: refused' '$ERR'"
fi
rm -rf "$LL" "$WS/out/ll-started" "$WS/out/ll-ok"
