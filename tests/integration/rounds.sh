# Sourced by run.sh (lib.sh's check/ok/bad, in_session; $WS, $OUT, $ERR,
# $RUN, $BIN, $TOP): the round-trip budget of docs/architecture.md ("Hot
# paths"), counted, not timed, from policyd's per-kind counters (policyctl
# status --json: round_trips, notified_calls, exec_holds). Under the
# kernel backstop:
#   - an exec costs one round trip (its notification), and the interposer
#     asks nothing about it;
#   - a new process costs none to learn the session's fast path (it reads
#     the session's snapshot file: no connect, no HELLO);
#   - a silent read costs none;
#   - a write-open or a file call costs one (the kernel path), never a
#     second one from the interposer; one that cannot have any effect
#     (removing a name that is not there, making one that is) none.
# The session's own set-up (SESSION_NEW, LISTENER, the shell's exec, the
# session's first HELLO) is the constant allowed on top.

# rt_json FILE: policyd's counters once they are still: a session that
# just ended may have notifications policyd has not received yet (they
# count when received), and those belong to the session before
rt_json() {
	local prev="" cur i
	for i in $(seq 50); do
		cur=$("$BIN/policyctl" status --json | python3 -c '
import json, sys
d = json.load(sys.stdin)
print(json.dumps([d["round_trips"], d["notified_calls"], d["exec_holds"]], sort_keys=True))')
		[ "$cur" = "$prev" ] && break
		prev=$cur
		sleep 0.1
	done
	"$BIN/policyctl" status --json >"$1"
}
# rt_changed BEFORE AFTER: every counter that grew, for a failure's line
rt_changed() {
	python3 - "$@" <<'PY'
import json, sys
a, b = (json.load(open(f)) for f in sys.argv[1:3])
out = []
for k, v in b["round_trips"].items():
    for f, n in v.items():
        if f.endswith("_ns"):
            continue  # time, not a count
        d = n - a["round_trips"].get(k, {}).get(f, 0)
        if d:
            out.append(f"{k}.{f}+{d}")
for k, n in b["notified_calls"].items():
    d = n - a["notified_calls"].get(k, 0)
    if d:
        out.append(f"calls:{k}+{d}")
print(" ".join(out))
PY
}
# rt_delta BEFORE AFTER KIND FIELD: how much KIND's FIELD (requests,
# notifications) grew; KIND "calls:NAME" is a notified call's count,
# "holds" the execs held for a check at their exec stop
rt_delta() {
	python3 - "$@" <<'PY'
import json, sys
a, b = (json.load(open(f)) for f in sys.argv[1:3])
kind, field = sys.argv[3], sys.argv[4]
def get(d):
    if kind == "holds":
        return d["exec_holds"]
    if kind.startswith("calls:"):
        return d["notified_calls"].get(kind[6:], 0)
    return d["round_trips"][kind][field]
print(get(b) - get(a))
PY
}
# rt_asks BEFORE AFTER: the interposer's requests about what the kernel
# path decides (execs, git, write-opens, file calls, connects): 0
rt_asks() {
	local n=0 k
	for k in exec git open-write file-names file-meta connect; do
		n=$((n + $(rt_delta "$1" "$2" "$k" requests)))
	done
	echo "$n"
}
# rt_time BEFORE AFTER KIND: nanoseconds policyd spent on KIND's
# notifications in between ("calls:NAME": on one system call)
rt_time() {
	python3 - "$@" <<'PY'
import json, sys
a, b = (json.load(open(f)) for f in sys.argv[1:3])
kind = sys.argv[3]
def get(d):
    if kind.startswith("calls:"):
        return d.get("notified_calls_ns", {}).get(kind[6:], 0)
    return d["round_trips"][kind].get("notifications_ns", 0)
print(get(b) - get(a))
PY
}
rt_le() { [ "$1" -le "$2" ]; }
rt_eq() { [ "$1" -eq "$2" ]; }

echo "== round trips: the budget, counted by kind"
if ! "$BIN/policyctl" status --json | grep -q '"round_trips"'; then
	bad "policyctl status --json has no round_trips"
elif ! grep -qw user_notif /proc/sys/kernel/seccomp/actions_avail 2>/dev/null; then
	skip "round-trip budget: no seccomp user notification on this kernel"
else
	RB=$TOP/rt.before RA=$TOP/rt.after
	N=200
	rt_json "$RB"
	SHELL=/bin/bash HOME=${HOME:-/root} in_session bash -c "for i in \$(seq $N); do /bin/true; done"
	rt_json "$RA"
	e=$(rt_delta "$RB" "$RA" exec notifications)
	check "$N execs of /bin/true: at most $N exec round trips + the shell's ($e)" rt_le "$e" $((N + 2))
	check "... and at least $N: every exec is decided ($e)" rt_le $N "$e"
	check "... no exec asked by the interposer too, none held" \
		rt_eq "$(( $(rt_asks "$RB" "$RA") + $(rt_delta "$RB" "$RA" holds x) ))" 0
	check "... the session set-up is a constant: at most 2 HELLO and 2 connects" \
		rt_le "$(( $(rt_delta "$RB" "$RA" hello requests) + $(rt_delta "$RB" "$RA" connect notifications) ))" 4

	# 50 processes that read files: each would have connected and asked
	# HELLO (two round trips); the snapshot file makes it none, and
	# their silent reads are decided in the process
	# SHELL and HOME set, as a login gives them: bash without them asks
	# the account database (getpwuid), and glibc first tries nscd's
	# socket, a connect of the program's own (CI's environment has no
	# SHELL: 2 such connects, natively too)
	rt_json "$RB"
	SHELL=/bin/bash HOME=${HOME:-/root} in_session bash -c "for i in \$(seq 50); do cat /etc/hostname /etc/passwd >/dev/null; done"
	rt_json "$RA"
	h=$(rt_delta "$RB" "$RA" hello requests) c=$(rt_delta "$RB" "$RA" calls:connect x)
	check "50 reading processes: at most 1 HELLO and 1 connect for the session (hello $h, connect $c)" \
		rt_le $((h + c)) 2 || echo "    grew: $(rt_changed "$RB" "$RA")"
	check "... silent reads cost no round trip" rt_eq "$(rt_delta "$RB" "$RA" open-read requests)" 0
	check "... 50 execs, 50 round trips (+ the shell's)" \
		rt_le "$(rt_delta "$RB" "$RA" exec notifications)" 52

	# writes and file calls in the workspace: one round trip each, on the
	# kernel path; the interposer does not ask the same again
	mkdir -p "$WS/out/rt"
	rt_json "$RB"
	in_session bash -c "for i in \$(seq 50); do echo x > out/rt/f\$i; done; cd out/rt && rm -f f*"
	rt_json "$RA"
	w=$(rt_delta "$RB" "$RA" open-write notifications) u=$(rt_delta "$RB" "$RA" calls:unlinkat x)
	check "50 write-opens: 50 round trips (+ the shell's) ($w)" bash -c "[ $w -ge 50 ] && [ $w -le 52 ]"
	check "one rm of 50 files: 50 unlink round trips ($u)" rt_eq "$u" 50
	check "... never a second round trip from the interposer" rt_eq "$(rt_asks "$RB" "$RA")" 0
	check "... the files are gone, as natively" bash -c "[ -z \"\$(ls '$WS/out/rt')\" ]"
	# the time policyd spent on them, by kind and by call: each a
	# measured sum that grew with its count (a count without time, or a
	# time that did not move, fails)
	tw=$(rt_time "$RB" "$RA" open-write) tu=$(rt_time "$RB" "$RA" calls:unlinkat)
	check "... policyd's time on them is counted: write-opens ${tw} ns, unlinks ${tu} ns" \
		bash -c "[ $tw -gt 0 ] && [ $tu -gt 0 ]"
	check "... and shown per round trip in policyctl status (µs each)" \
		bash -c "'$BIN/policyctl' status | grep -Eq '^ +open-write +[0-9]+ +[0-9]+ +[0-9]+ / [0-9]+'"
	# calls that cannot have any effect fail in the process (one fstatat):
	# rm -f of names that are not there, mkdir of one that is
	rt_json "$RB"
	in_session bash -c "cd out/rt && rm -f \$(seq -f g%g 50); mkdir . 2>/dev/null; echo rc=\$?"
	rt_json "$RA"
	check "rm -f of 50 missing names and mkdir of an existing one: no round trip for them" \
		rt_eq "$(( $(rt_delta "$RB" "$RA" file-names notifications) + $(rt_asks "$RB" "$RA") ))" 0
	check "... and they fail as natively (mkdir: EEXIST)" grep -qx rc=1 "$OUT"
	rm -rf "$WS/out/rt"
fi

# The session's scratch directory (policies/default.yaml: scratch: private;
# docs/architecture.md, "Hot paths"): names made and removed there by
# tempfile and shutil.rmtree cost no round trip, and the directory is the
# session's own and gone after it
echo "== round trips: the scratch directory"
if ! grep -qw user_notif /proc/sys/kernel/seccomp/actions_avail 2>/dev/null; then
	skip "scratch directory: no seccomp user notification on this kernel"
elif ! "$BIN/policyctl" status | grep -q "^  scratch directory (Landlock) *\(active\|off\) .*sessions"; then
	bad "policyctl status has no scratch directory layer: $("$BIN/policyctl" status | grep -i scratch)"
elif [ "$(python3 -c 'import ctypes,sys; l=ctypes.CDLL(None,use_errno=True); print(l.syscall(444,None,0,1))')" -lt 2 ]; then
	skip "scratch directory: Landlock below ABI 2 on this kernel"
else
	# the suite's policy with the setting
	SCP=$TOP/policy-scratch.yaml
	sed 's/^settings:$/settings:\n  scratch: private/' "$POLICY" >"$SCP"
	POLICY_SAVED=$POLICY POLICY=$SCP
	rt_json "$RB"
	in_session python3 -c '
import os, shutil, tempfile
tmp = os.environ["TMPDIR"]
print("tmpdir", tmp)
with tempfile.TemporaryDirectory() as d:
    for i in range(20):
        sub = os.path.join(d, "s%d" % i)
        os.mkdir(sub)
        fd, name = tempfile.mkstemp(dir=sub)
        os.write(fd, b"data"); os.close(fd)
        os.symlink(name, os.path.join(sub, "link"))
        os.rename(name, os.path.join(sub, "kept"))
        os.link(os.path.join(sub, "kept"), os.path.join(sub, "hard"))
    os.chdir(d)
    os.mkdir("rel"); os.rmdir("rel")
    n = sum(len(f) + len(s) for _, s, f in os.walk(d))
    print("entries", n, "data", open(os.path.join(d, "s7", "hard")).read())
    os.chdir("/")
    shutil.rmtree(os.path.join(d, "s3"))
    print("after rmtree", sorted(os.listdir(d))[:3], len(os.listdir(d)))
'
	rt_json "$RA"
	sd=$(sed -n 's/^tmpdir //p' "$OUT")
	fs=0
	for k in mkdir mkdirat unlink unlinkat rmdir symlink symlinkat rename renameat renameat2 link linkat; do
		fs=$((fs + $(rt_delta "$RB" "$RA" "calls:$k" x)))
	done
	check "python's tempfile and rmtree in the scratch directory: the work done as natively" \
		bash -c "grep -qx 'entries 80 data data' '$OUT' && grep -qx \"after rmtree \\['s0', 's1', 's10'\\] 19\" '$OUT'"
	check "... 20 mkdirs, 20 mkstemps, symlinks, renames, links and an rmtree: no round trip for a name ($fs; $(rt_changed "$RB" "$RA"))" rt_eq "$fs" 0
	check "... TMPDIR is the session's own directory ($sd), removed at the session's end" \
		bash -c "[[ '$sd' == /tmp/tiergate-*.?????? ]] && [ ! -e '$sd' ]"
	# the same calls with another directory descriptor are still decided
	rt_json "$RB"
	in_session python3 -c '
import os
os.mkdir("out-scr"); os.rmdir("out-scr")'
	rt_json "$RA"
	check "... a name in the workspace is still decided (mkdir and rmdir notified)" \
		rt_eq "$(( $(rt_delta "$RB" "$RA" calls:mkdir x) + $(rt_delta "$RB" "$RA" calls:rmdir x) ))" 2
	POLICY=$POLICY_SAVED
fi
