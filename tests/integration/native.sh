# Differential tests, sourced by run.sh (its policyd, $TOP, $BIN, $PROGS):
# real programs run natively, in a session under a permissive policy
# (default: allow, no rules), and under the interposer alone (no kernel
# path, as on a kernel without seccomp user notification: every call asked
# of allow_policyd.py, which allows it) must give the same results.

ALLOW=$TOP/allow.yaml
printf 'version: 1\nsettings: { default: allow }\nrules: []\n' >"$ALLOW"
# the same, but every read asked of policyd (logged, so never on the read
# fast path): for the tests of the descriptors tiergate holds meanwhile
ASKREADS=$TOP/askreads.yaml
printf 'version: 1\nsettings: { default: allow }\nrules:\n  - { id: reads, action: log, open: { access: [read] } }\n' >"$ASKREADS"
ALONE=$TOP/alone
mkdir -p "$ALONE"
python3 "$PROGS/allow_policyd.py" "$ALONE/agent.sock" "$ALONE/requests" "$ALONE/ready" &
ALONE_PID=$!
wait_for test -e "$ALONE/ready"

# alike NAME SETUP CMD...: CMD in three fresh directories, each named w and
# prepared by the shell code SETUP: natively, in a session under $ALLOW (or
# $ALIKE_POLICY), and under the interposer alone. Output in $TOP/alike/NAME/MODE/out and
# err (MODE: native, session, alone), the same names in every run.
alike() {
	local name=$1 setup=$2 m d
	shift 2
	for m in native session alone; do
		d=$TOP/alike/$name/$m/w
		rm -rf "$d"
		mkdir -p "$d"
		(cd "$d" && eval "$setup")
		case $m in
		native) (cd "$d" && timeout 120 "$@") ;;
		session) (cd "$d" && timeout 120 "$BIN/agent-shell" --user --policy "${ALIKE_POLICY:-$ALLOW}" -- "$@") ;;
		alone) (cd "$d" && LD_PRELOAD="$BIN/libtiergate-preload.so" \
			TIERGATE_SOCKET="$ALONE/agent.sock" timeout 120 "$@") ;;
		esac >"$TOP/alike/$name/$m/out" 2>"$TOP/alike/$name/$m/err"
	done
}
# same NAME [err]: the three runs printed the same (stdout; with err,
# stderr too); shows the differences when not
same() {
	local m k r=0
	for m in session alone; do
		for k in out ${2:-}; do
			if ! cmp -s "$TOP/alike/$1/native/$k" "$TOP/alike/$1/$m/$k"; then
				r=1
				diff "$TOP/alike/$1/native/$k" "$TOP/alike/$1/$m/$k" | sed "s/^/    | $m: /" | head -20
			fi
		done
	done
	return $r
}

echo "== alike natively and mediated: descriptor numbers"
ALIKE_POLICY=$ASKREADS alike fdtable 'echo r > r' "$PROGS/fdtable"
check "natively: every open gets 3, the dup2s over 3..1023 hold" \
	bash -c "[ \$(grep -c 'open gives 3;' '$TOP/alike/fdtable/native/out') = 5 ] &&
		grep -q 'all still there, nothing written to it' '$TOP/alike/fdtable/native/out'"
check "the same numbers, and the program's files untouched, in a session and under the interposer alone" same fdtable
check "a request was made where the files were (policyd's connection is needed there)" \
	test "$(wc -l <"$ALONE/requests")" -gt 5
check "tiergate's descriptors are high (>= 896) and close-on-exec" bash -c "
	for m in session alone; do
		grep -q . '$TOP/alike/fdtable/'\$m/err || exit 1
		while read -r _ n flag; do [ \"\$n\" -ge 896 ] && [ \"\$flag\" = cloexec ] || exit 1
		done <'$TOP/alike/fdtable/'\$m/err
	done"
# ls lists its own descriptors: after its start, the interposer holds none
alike ls-fd '' ls /proc/self/fd
check "ls /proc/self/fd lists the same descriptors" same ls-fd err
# a program that lowered its limit counts its descriptors: none is kept
# (under a policy that logs every read, each read here is asked of policyd)
ALIKE_POLICY=$ASKREADS alike lowlimit '' bash -c 'ulimit -n 29; exec python3 -c "
import os
for _ in range(3):
    open(\"/etc/hostname\").read()
print(sorted(os.listdir(\"/proc/self/fd\")))"'
check "under a soft limit of 29, the same descriptors after reads policyd decided" same lowlimit err

echo "== alike natively and mediated: write-opens of names spelled as directories"
cat >"$TOP/dirnames.py" <<'PY'
import errno, os
os.mkdir("d")
open("f", "w").close()
W, C = os.O_WRONLY, os.O_CREAT
for p, fl in (("missing_dir/", W | C), ("missing_dir/", W), ("missing_dir/", os.O_RDWR | C | os.O_EXCL),
              ("d/", W | C), ("d/", W), ("f/", W | C), ("f/", W), ("f/", os.O_RDONLY), ("nodir/x/", W | C),
              ("d/.", W | C), ("d/..", W), ("missing_dir/.", W | C), ("d//", W | C | os.O_TRUNC),
              ("/", W | C), ("d/", os.O_TMPFILE | W), ("d/", os.O_RDONLY)):
    try:
        os.close(os.open(p, fl, 0o644))
        r = "opened"
    except OSError as e:
        r = errno.errorcode[e.errno]
    print(p, oct(fl), r)
for mode in ("w", "a", "r+"):
    try:
        open("missing_dir/", mode)
        print("fopen", mode, "opened")
    except OSError as e:
        print("fopen", mode, errno.errorcode[e.errno])
print(sorted(os.listdir(".")))
PY
alike dirnames '' python3 "$TOP/dirnames.py"
check "natively: EISDIR, ENOENT, ENOTDIR as the kernel walks them, nothing made" \
	bash -c "grep -qx 'missing_dir/ 0o101 EISDIR' '$TOP/alike/dirnames/native/out' &&
		grep -qx 'f/ 0o1 ENOTDIR' '$TOP/alike/dirnames/native/out' &&
		grep -qx \"\\['d', 'f'\\]\" '$TOP/alike/dirnames/native/out'"
check "the same errors, and no file made, in a session and under the interposer alone" same dirnames err

echo "== alike natively and mediated: posix_spawn's file actions"
alike spawnfa '' "$PROGS/spawnfa"
check "natively: each action has its effect, a missing program is ENOENT" \
	bash -c "grep -q 'fds 1:out 2:err' '$TOP/alike/spawnfa/native/out' &&
		[ \$(grep -c 'cwd sub' '$TOP/alike/spawnfa/native/out') = 3 ] &&
		grep -qx 'no such program: No such file or directory' '$TOP/alike/spawnfa/native/out' &&
		grep -qx 'dup.txt: written by the child through 5' '$TOP/alike/spawnfa/native/out'"
check "close, open, dup2, chdir, fchdir: the same in a session and under the interposer alone" same spawnfa err
# the child's open is libc's own, which no hook sees: decided in the parent
mkdir -p "$WS/secret"
echo topsecret >"$WS/secret/spawnkey"
( cd "$WS" && "$PROGS/spawnfa" read secret/spawnkey ) >"$OUT" 2>&1
check "natively a file action opens a file for a child" grep -qx topsecret "$OUT"
in_session "$PROGS/spawnfa" read secret/spawnkey
check "in a session a file action's read of a denied file is refused (EACCES), with the rule" \
	bash -c "! grep -q topsecret '$OUT' && grep -qx 'spawn cat <secret/spawnkey: Permission denied' '$OUT' &&
		grep -q '(rule secret-read)' '$ERR'"

echo "== alike natively and mediated: read-only fopen (the interposer's read fast path)"
# a regular file, through a symlink, through a symlinked directory, a
# directory, nothing, a file as a directory; in every read mode glibc
# takes, fopen64 too: the same streams, errnos and close-on-exec flags
alike fopenr 'mkdir sub && echo line >sub/a && ln -s sub/a lnk && ln -s sub dirlnk' \
	"$PROGS/fopenr" sub/a lnk dirlnk/a sub missing sub/a/x
check "natively: the line, EISDIR, ENOENT, ENOTDIR, close-on-exec for 'e'" \
	bash -c "grep -qx 'lnk re: cloexec line' '$TOP/alike/fopenr/native/out' &&
		grep -qx 'sub r: (nothing: EISDIR)' '$TOP/alike/fopenr/native/out' &&
		grep -qx 'missing rb: ENOENT' '$TOP/alike/fopenr/native/out' &&
		grep -qx 'sub/a/x r: ENOTDIR' '$TOP/alike/fopenr/native/out'"
check "the same in a session and under the interposer alone" same fopenr err
in_session "$PROGS/fopenr" secret/spawnkey
check "in a session a read-only fopen of a denied file is refused (EACCES), with the rule" \
	bash -c "! grep -q topsecret '$OUT' && grep -qx 'secret/spawnkey re: EACCES' '$OUT' &&
		grep -q 'refused read \"$WS/secret/spawnkey\" (rule secret-read)' '$ERR'"

echo "== alike natively and mediated: the environment a program sees"
cat >"$TOP/env.sh" <<'SH'
env | grep -v -e '^_=' -e '^PWD=' -e '^OLDPWD=' | sort
python3 -c 'import os; print(sorted(k for k in os.environ if k.startswith(("TIERGATE", "LD_"))))'
echo "[${LD_PRELOAD-unset}] [${TIERGATE_SOCKET-unset}]"
# a preload of the program's own, for its child
LD_PRELOAD=libc.so.6 printenv LD_PRELOAD
LD_PRELOAD=libc.so.6 bash -c 'echo "[$LD_PRELOAD]"'
env -i PATH="$PATH" env
SH
alike env '' bash "$TOP/env.sh"
check "natively: no session variable, the child's own LD_PRELOAD" \
	bash -c "! grep -q -e TIERGATE_SOCKET -e '^LD_PRELOAD=' '$TOP/alike/env/native/out' && [ \$(grep -cx 'libc.so.6\|\[libc.so.6\]' '$TOP/alike/env/native/out') = 2 ]"
check "environ, getenv, env and os.environ: the same in a session and under the interposer alone" same env err
# the variables the next program needs are still passed on
in_session bash -c 'env -i PATH=/usr/bin:/bin bash -c "echo x > protected/env-i.txt"; LD_PRELOAD=libc.so.6 bash -c "echo x > protected/own-preload.txt"'
check "a child with an emptied environment, or a preload of its own, is still mediated" \
	test ! -e "$WS/protected/env-i.txt" -a ! -e "$WS/protected/own-preload.txt"

echo "== alike natively and mediated: calls that cannot succeed, and a large environment"
alike errs 'mkdir dir; echo "not a program" > plain' "$PROGS/errs" env
check "natively: EBADF, ENOENT, EACCES, EEXIST, EINVAL as the kernel says; 5,000 variables and execl arguments passed on" \
	bash -c "[ \$(grep -c 'Bad file descriptor' '$TOP/alike/errs/native/out') = 3 ] &&
		[ \$(grep -c 'O_TMPFILE.*Invalid argument' '$TOP/alike/errs/native/out') = 3 ] &&
		[ \$(grep -c 'File exists' '$TOP/alike/errs/native/out') = 3 ] &&
		grep -qx 'a child given 5000 variables of its own sees 5000' '$TOP/alike/errs/native/out' &&
		grep -qx 'execl passed 5000 arguments' '$TOP/alike/errs/native/out'"
check "the same errors, and every variable and argument, in a session and under the interposer alone" same errs
# and with a policyd that refuses everything (the process is in no
# session): these are not decided, so the same errors (an exec of a
# directory or of a file that is no program is decided: refused, EACCES
# as natively)
d=$TOP/alike/errs/refusing/w
mkdir -p "$d/dir"
echo "not a program" >"$d/plain"
(cd "$d" && LD_PRELOAD="$BIN/libtiergate-preload.so" TIERGATE_SOCKET="$RUN/agent.sock" "$PROGS/errs") >"$d/../out" 2>"$d/../err"
check "the same errors when policyd would refuse (not decided)" bash -c "
	grep -v -e 'sees' -e 'execl passed' '$TOP/alike/errs/native/out' | cmp -s - '$d/../out' &&
	[ \$(grep -c 'tiergate: refused' '$d/../err') = 2 ]"

# system() and popen() run with the session's variables lent to environ
# for the call: threads calling them at once (Python releases its lock
# in os.system) must each find them, and the program none afterwards
cat >"$TOP/system-mt.py" <<'PY'
import ctypes, os, threading
libc = ctypes.CDLL(None)
libc.getenv.restype = ctypes.c_char_p
# the shell's own environment, as the kernel gave it: the variables lent
SH = "tr '\\0' '\\n' < /proc/$$/environ | grep -c '^TIERGATE_SOCKET='"
bad = []
def work():
    for _ in range(20):
        if os.system(SH + " >/dev/null") != 0:
            bad.append("system")
        if os.popen(SH).read() != "1\n":
            bad.append("popen")
ts = [threading.Thread(target=work) for _ in range(4)]
[t.start() for t in ts]
[t.join() for t in ts]
print("children without the variables:", len(bad))
print("seen after:", libc.getenv(b"TIERGATE_SOCKET"), libc.getenv(b"LD_PRELOAD"))
PY
in_session python3 "$TOP/system-mt.py"
check "four threads in system() and popen() at once: every shell got the variables, environ none after" \
	bash -c "grep -qx 'children without the variables: 0' '$OUT' && grep -qx 'seen after: None None' '$OUT'"

kill "$ALONE_PID" 2>/dev/null
wait "$ALONE_PID" 2>/dev/null
