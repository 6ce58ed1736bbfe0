# Sourced by run.sh (its ok/bad/skip, $BIN, $TOP, $POLICY): the directory
# an approved exec runs in. `git reset --hard` asks an operator (rule
# git-reset-hard); `policyctl pending` shows the prompt with its caller's
# working directory, repository A. The same command line in repository B
# joined that prompt (a prompt was keyed by the call without its
# directory), so approving it "once" also discarded B's work; and a thread
# that changed the process's directory to B while its exec waited had the
# approval carried out in B. Natively the command discards B's change; in a
# session, after the prompt for A is approved, B's call asks again (a
# prompt of its own, showing B), and denied, B's change is kept. A policyd
# of its own with --approvals ($PW).
echo "== bypass suite (the directory an approved exec runs in)"
PW=$TOP/promptcwd
PW_PY=/usr/bin/python3
mkdir -p "$PW/run"
pw_ctl() { TIERGATE_RUNDIR=$PW/run "$BIN/policyctl" "$@"; }
# pw_repo DIR: a repository with a commit and an uncommitted change
pw_repo() {
	rm -rf "$1"; mkdir -p "$1"
	git -C "$1" init -q && echo kept >"$1/f" && git -C "$1" add f &&
		git -C "$1" -c user.name=t -c user.email=t@t commit -qm one && echo work >"$1/f"
}
# pw_pending: "ID CWD" of each prompt waiting
pw_pending() {
	pw_ctl pending --json 2>/dev/null | tr '}' '\n' |
		sed -n 's/.*"id":\([0-9]*\),.*"cwd":"\([^"]*\)".*/\1 \2/p'
}
# pw_wait N: until N prompts wait (10 s at most)
pw_wait() { for _ in $(seq 200); do [ "$(pw_pending | wc -l)" -ge "$1" ] && return 0; sleep 0.05; done; return 1; }
# natively: the command discards B's change
pw_repo "$PW/native"
git -C "$PW/native" reset -q --hard
if [ "$(cat "$PW/native/f")" = kept ] && [ -x "$PW_PY" ]; then
	(TIERGATE_RUNDIR=$PW/run exec "$BIN/policyd" --user --approvals --policy "$POLICY" >/dev/null 2>&1)
	for _ in $(seq 100); do [ -S "$PW/run/control.sock" ] && break; sleep 0.05; done
	for how in joined chdir; do
		pw_repo "$PW/A"; pw_repo "$PW/B"
		if [ $how = joined ]; then
			# B's call comes once A's prompt is shown
			(cd "$PW/A" && TIERGATE_RUNDIR=$PW/run timeout 60 "$BIN/agent-shell" --user --policy "$POLICY" -- \
				sh -c 'git reset -q --hard & while [ ! -e "$1/go" ]; do sleep 0.05; done; cd "$1/B" && git reset -q --hard; wait' \
				sh "$PW" >"$PW/out" 2>&1) &
		else
			# one process: a thread moves to B while the exec waits
			(cd "$PW/A" && TIERGATE_RUNDIR=$PW/run timeout 60 "$BIN/agent-shell" --user --policy "$POLICY" -- \
				"$PW_PY" -c 'import os,sys,threading,time
def move():
    while not os.path.exists(sys.argv[1] + "/go"): time.sleep(0.05)
    os.chdir(sys.argv[1] + "/B"); open(sys.argv[1] + "/moved", "w").close()
threading.Thread(target=move, daemon=True).start()
# through libc (ctypes lets go of the interpreter lock; os.execv does not)
import ctypes
argv = (ctypes.c_char_p * 5)(b"git", b"reset", b"-q", b"--hard", None)
ctypes.CDLL(None, use_errno=True).execv(b"/usr/bin/git", argv)' "$PW" >"$PW/out" 2>&1) &
		fi
		pw_sh=$!
		pw_wait 1
		pw_a=$(pw_pending | head -1)
		touch "$PW/go"
		if [ $how = joined ]; then sleep 1.5; else
			for _ in $(seq 100); do [ -e "$PW/moved" ] && break; sleep 0.05; done; fi
		# the operator approves, once, the prompt shown for A
		[ -n "$pw_a" ] && pw_ctl approve "${pw_a%% *}" --once >/dev/null 2>&1
		pw_wait 1
		sleep 0.5
		pw_b=$(pw_pending | head -1)
		[ -n "$pw_b" ] && pw_ctl deny "${pw_b%% *}" --reason promptcwd >/dev/null 2>&1
		wait "$pw_sh"
		rm -f "$PW/go" "$PW/moved"
		pw_fa=$(cat "$PW/A/f") pw_fb=$(cat "$PW/B/f")
		if [ "${pw_a#* }" != "$PW/A" ]; then
			bad "approved exec ($how): the prompt was not shown for A: [$pw_a]: $(cat "$PW/out")"
		elif [ "$pw_fb" = work ] && [ "${pw_b#* }" = "$PW/B" ] && { [ $how = chdir ] || [ "$pw_fa" = kept ]; }; then
			ok "approved exec ($how): natively git reset --hard discards B's change; the operator's \"once\" for the prompt shown in A does not reach B, whose call asks again (shown in B)"
		else bad "approved exec ($how): A [$pw_a] $pw_fa, B [$pw_b] $pw_fb: $(cat "$PW/out")"; fi
	done
	kill "$(cat "$PW/run/policyd.pid" 2>/dev/null)" 2>/dev/null
elif [ ! -x "$PW_PY" ]; then skip "approved exec: no $PW_PY"
else bad "approved exec: git reset --hard does not discard the change even without tiergate"; fi
