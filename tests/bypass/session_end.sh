# Sourced by run.sh (its ok/bad/skip, $BIN, $TOP): when a session's
# command exits, every process of the session ends with it.
#
# A process left running by one session keeps working for an agent whose
# session is over: it answered the next agent-shell as policyd (took its
# listener, disabled its Landlock) or talked to the control socket as an
# operator. agent-shell is the session's subreaper; when the command
# exits it kills what is left (settings.background: kill, the default).
# Each attack first runs natively, where what it started survives.
END_HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
END_POLICY=$END_HERE/policy-session.yaml
ED=$TOP/end
mkdir -p "$ED/ws"
END_MARK=31.$$ # an argument no other process has: sleep 31.PID

# Leaves a setsid+nohup sleep and a double-forked daemon (its own session,
# its parent gone) behind, writes their pids, exits 3.
END_DAEMONS="setsid nohup sleep $END_MARK >/dev/null 2>&1 & echo \$! >pids
python3 -c '
import os, time  # $END_MARK
if os.fork() == 0:
    os.setsid()
    if os.fork() == 0:
        open(\"pids\", \"a\").write(\"%d\\n\" % os.getpid()); time.sleep(31)
    os._exit(0)
'
exit 3"
# A process that forks without pause, each child sleeping (a session
# that forks while it is being killed); every pid it makes goes to pids.
END_FORKER="python3 -c '
import os, time  # $END_MARK
open(\"pids\", \"a\").write(\"%d\\n\" % os.getpid())
while True:
    pid = os.fork()
    if pid == 0:
        time.sleep(31); os._exit(0)
    open(\"pids\", \"a\").write(\"%d\\n\" % pid)
    time.sleep(0.002)
' &
while [ ! -s pids ]; do sleep 0.05; done; sleep 1"

# the processes listed in $ED/ws/pids that still run: by pid, and by a
# command line that is theirs
end_alive() {
	local p n=0 c
	for p in $(cat "$ED/ws/pids" 2>/dev/null); do
		c=()
		mapfile -d '' -t c 2>/dev/null <"/proc/$p/cmdline"
		[[ ${c[*]} == *"$END_MARK"* ]] && n=$((n + 1))
	done
	echo $n
}
end_kill() { # the processes listed in pids that still run, by pid
	local p c
	for p in $(cat "$ED/ws/pids" 2>/dev/null); do
		c=()
		mapfile -d '' -t c 2>/dev/null <"/proc/$p/cmdline"
		[[ ${c[*]} == *"$END_MARK"* ]] && kill -9 "$p" 2>/dev/null
	done
}

echo "== a session's processes end with its command"
rm -f "$ED/ws/pids"
( cd "$ED/ws" && bash -c "$END_DAEMONS" ) >/dev/null 2>&1
sleep 0.5
n=$(end_alive)
end_kill
if [ "$n" = 2 ]; then
	rm -f "$ED/ws/pids"
	rc=0
	( cd "$ED/ws" && timeout 60 "$BIN/agent-shell" --user --policy "$END_POLICY" -- bash -c "$END_DAEMONS" ) >"$ED/out" 2>"$ED/err" || rc=$?
	n=$(end_alive)
	if [ "$n" = 0 ] && [ "$(wc -l <"$ED/ws/pids")" = 2 ] && [ $rc = 3 ] &&
	   grep -q "^tiergate: ended 2 processes the command left in the session (settings.background: kill)$" "$ED/err"; then
		ok "a setsid+nohup process and a double-forked daemon: survive natively, ended with their session (its exit status kept, 3)"
	else bad "daemons left by a session: $n alive, rc=$rc: $(cat "$ED/err")"; end_kill; fi
else bad "daemons do not survive their command even natively ($n of 2)"; fi

echo "== a policy cannot keep them (settings.background: keep is refused)"
# the same policy with background: keep: no session starts, nothing runs
sed 's/^settings: {/settings: { background: keep,/' "$END_POLICY" >"$ED/keep.yaml"
rm -f "$ED/ws/pids"
rc=0
( cd "$ED/ws" && timeout 60 "$BIN/agent-shell" --user --policy "$ED/keep.yaml" -- bash -c "$END_DAEMONS" ) >"$ED/out" 2>"$ED/err" || rc=$?
if [ $rc != 0 ] && [ ! -s "$ED/ws/pids" ] && [ "$(end_alive)" = 0 ] &&
   grep -q "background: keep is not supported" "$ED/err"; then
	ok "a policy with background: keep starts no session (exit $rc), runs nothing and says why"
else bad "background: keep: rc=$rc, pids: $(cat "$ED/ws/pids" 2>/dev/null | tr '\n' ' '): $(cat "$ED/err")"; end_kill; fi

rm -f "$ED/ws/pids"
( cd "$ED/ws" && bash -c "$END_FORKER" ) >/dev/null 2>&1
n=$(end_alive)
end_kill; sleep 0.1; end_kill
if [ "$n" -gt 10 ]; then
	rm -f "$ED/ws/pids"
	rc=0
	( cd "$ED/ws" && timeout 60 "$BIN/agent-shell" --user --policy "$END_POLICY" -- bash -c "$END_FORKER" ) >"$ED/out" 2>"$ED/err" || rc=$?
	made=$(wc -l <"$ED/ws/pids") left=$(end_alive)
	if [ "$left" = 0 ] && [ $rc = 0 ] && [ "$made" -gt 10 ] &&
	   grep -q "^tiergate: ended [0-9]* processes the command left in the session" "$ED/err"; then
		ok "a process forking without pause: natively $n of its processes run on after 1 s; under tiergate none of its $made is left when agent-shell returns"
	else bad "forker: $left of $made processes left (rc=$rc): $(cat "$ED/err")"; end_kill; fi
else bad "the forker does not leave processes even natively ($n)"; fi
