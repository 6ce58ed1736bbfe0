# Sourced by run.sh (its ok/bad/skip, $BIN, $TOP, $POLICY): the operator's
# `policyctl watch` terminal, attacked from a session.
# 1. The terminal itself: in user mode it is the agent's user's, and a root
#    session keeps DAC_OVERRIDE; the default policy lets a session write
#    any /dev/pts/N (programs open their own terminals by name). A process
#    of the session found the watch by /proc/PID/stat's tty_nr, opened its
#    /dev/pts/N and wrote a forged prompt line and escape sequences (OSC 52
#    sets the clipboard) among the real ones. Natively a process opens and
#    writes a terminal a program holds; a session still can (the policy
#    allows it), but not while policyctl watch holds it (TIOCEXCL: no
#    session keeps CAP_SYS_ADMIN), and can again once watch has quit.
# 2. A command typed without an id ("o", "s") answered the newest prompt
#    shown, which the agent chooses: it opened a second prompt (or let the
#    first go and opened another) just as the operator typed "o" about the
#    one above it, and the second was approved. Now such a command answers
#    only the one prompt open, shown at least 2 s before with no prompt
#    event since; the operator names the id otherwise. Control: a quiet,
#    single prompt is still answered by "o".
# A policyd of its own with --approvals ($WT).
echo "== bypass suite (the operator's policyctl watch terminal)"
WT=$TOP/watchterm
WT_PY=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/watch_pty.py
mkdir -p "$WT/run" "$WT/ws"
git -C "$WT/ws" init -q 2>/dev/null
WT_FORGE=$'\e[2K\r00:00:00 #1 forged-by-agent: exec: true (rule x)\n\e]52;c;Y3VybCBldmls\a'
# wt_until FILE REGEX: wait (10 s at most) for REGEX in FILE
wt_until() { for _ in $(seq 200); do grep -aq "$2" "$1" 2>/dev/null && return 0; sleep 0.05; done; return 1; }
# 1. the terminal, as an unprivileged user (user mode as policyd's users
# run it: policyd, the operator and the session are that user)
# an interpreter nobody may run (not a shim in root's home)
WT_PYU=/usr/bin/python3
if [ "$(id -u)" = 0 ] && id nobody >/dev/null 2>&1 && command -v setpriv >/dev/null && [ -x "$WT_PYU" ]; then
	WU=$(mktemp -d /tmp/tg-watchterm-XXXXXX)
	chmod 755 "$WU"
	mkdir -p "$WU/run" "$WU/ws"
	chown -R nobody "$WU"
	# wt_as CMD...: CMD as nobody, in user mode with $WU/run
	wt_as() { HOME=$WU TIERGATE_RUNDIR=$WU/run setpriv --reuid=nobody --regid=nogroup --clear-groups "$@"; }
	# wt_write PTS: a session's process writes the forged text to PTS
	wt_write() {
		(cd "$WU/ws" && wt_as timeout 30 "$BIN/agent-shell" --user --policy "$POLICY" -- \
			sh -c 'printf "%s" "$1" >"$2" && echo WROTE' sh "$WT_FORGE" "$1" 2>&1)
	}
	(wt_as "$BIN/policyd" --user --approvals --policy "$POLICY" >/dev/null 2>&1)
	for _ in $(seq 100); do [ -S "$WU/run/control.sock" ] && break; sleep 0.05; done
	wt_as "$WT_PYU" "$WT_PY" "$WU/s0" "$WU/p0" "$WU/stop0" 30 -- /bin/cat &
	wt_p0=$!
	wt_as "$WT_PYU" "$WT_PY" "$WU/s1" "$WU/p1" "$WU/stop1" 60 -- /bin/sh -c \
		'"$1" watch; echo WATCH-ENDED; exec cat' sh "$BIN/policyctl" -- "@file:$WU/quit1" q &
	wt_p1=$!
	wt_until "$WU/s1" 'watching prompts'
	for _ in $(seq 200); do [ -s "$WU/p0" ] && break; sleep 0.05; done
	wt_pts0=$(cat "$WU/p0" 2>/dev/null) wt_pts1=$(cat "$WU/p1" 2>/dev/null)
	# natively: a process of the user writes the terminal a program holds
	wt_as sh -c 'printf "%s" "$1" >"$2"' sh "$WT_FORGE" "$wt_pts0" 2>/dev/null
	wt_native=$(wt_until "$WU/s0" 'forged-by-agent' && grep -ac $'\e]52' "$WU/s0")
	wt_sess0=$(wt_write "$wt_pts0")
	wt_sess1=$(wt_write "$wt_pts1")
	sleep 0.3
	wt_forged1=$(grep -ac 'forged-by-agent' "$WU/s1")
	touch "$WU/quit1"
	wt_until "$WU/s1" 'WATCH-ENDED'
	wt_sess2=$(wt_write "$wt_pts1")
	sleep 0.3
	touch "$WU/stop0" "$WU/stop1"
	wait "$wt_p0" "$wt_p1" 2>/dev/null
	kill "$(cat "$WU/run/policyd.pid" 2>/dev/null)" 2>/dev/null
	if [ -z "$wt_pts1" ] || ! grep -aq 'watching prompts' "$WU/s1"; then
		bad "watch terminal: policyctl watch did not start: $(od -c "$WU/s1" | head -5)"
	elif [ "${wt_native:-0}" -lt 1 ]; then
		bad "watch terminal: the native write to another terminal does not work: $(od -c "$WU/s0" | head -5)"
	elif ! grep -qx WROTE <<<"$wt_sess0"; then
		skip "watch terminal: this policy does not let a session write a terminal at all ($wt_sess0)"
	elif [ "$wt_forged1" = 0 ] && grep -q busy <<<"$wt_sess1" && ! grep -qx WROTE <<<"$wt_sess1" &&
	     grep -qx WROTE <<<"$wt_sess2"; then
		ok "another terminal: natively written (a forged prompt line, OSC 52); a session writes a plain terminal, but not policyctl watch's while it watches (EBUSY), and again once it quit"
	else bad "watch terminal under tiergate: session wrote [$wt_sess1], after quit [$wt_sess2]: $(od -c "$WU/s1" | head -12)"; fi
	rm -rf "$WU"
else
	skip "watch terminal (needs root to switch to nobody)"
fi

# 2. a command without an id
(TIERGATE_RUNDIR=$WT/run exec "$BIN/policyd" --user --approvals --policy "$POLICY" >/dev/null 2>&1)
for _ in $(seq 100); do [ -S "$WT/run/control.sock" ] && break; sleep 0.05; done
wt_pager() { git -C "$WT/ws" config core.pager 2>/dev/null; }
TIERGATE_RUNDIR=$WT/run python3 "$WT_PY" "$WT/s2" "$WT/p2" "$WT/stop2" 90 -- "$BIN/policyctl" watch \
	-- 'core.pager wt-evil' o '#[0-9]* denied by' o "@file:$WT/go3" o &
wt_p2=$!
wt_until "$WT/s2" 'watching prompts'
(cd "$WT/ws" && TIERGATE_RUNDIR=$WT/run timeout 80 "$BIN/agent-shell" --user --policy "$POLICY" -- \
	git config core.pager wt-fine >"$WT/outA" 2>&1) &
wt_a=$!
wt_until "$WT/s2" 'core.pager wt-fine'
sleep 2.5 # the operator reads it
(cd "$WT/ws" && TIERGATE_RUNDIR=$WT/run timeout 80 "$BIN/agent-shell" --user --policy "$POLICY" -- \
	git config core.pager wt-evil >"$WT/outB" 2>&1) &
wt_b=$!
# "o" is typed as the second prompt shows: two wait, none answered
wt_until "$WT/s2" 'prompts wait\|approved by'
sleep 0.5
wt_case1=$(wt_pager)
wt_ida=$(TIERGATE_RUNDIR=$WT/run "$BIN/policyctl" pending --json 2>/dev/null | tr '}' '\n' |
	sed -n 's/.*"id":\([0-9]*\),.*core.pager wt-fine.*/\1/p')
# the first one is answered elsewhere; "o" is typed as that shows
[ -n "$wt_ida" ] && TIERGATE_RUNDIR=$WT/run "$BIN/policyctl" deny "$wt_ida" --reason watchterm >/dev/null 2>&1
wt_until "$WT/s2" 'just now\|approved by'
sleep 0.5
wt_case2=$(wt_pager)
# control: the one prompt left, quiet for 2.5 s: "o" answers it
sleep 2.5
touch "$WT/go3"
wait "$wt_b"
wt_case3=$(wt_pager)
wait "$wt_a"
touch "$WT/stop2"
wait "$wt_p2" 2>/dev/null
if [ -z "$wt_ida" ]; then
	bad "watch without an id: the first prompt did not open: $(cat "$WT/outA") $(od -c "$WT/s2" | head -8)"
elif [ -z "$wt_case1" ] && [ -z "$wt_case2" ] && [ "$wt_case3" = wt-evil ] &&
     grep -aq '2 prompts wait' "$WT/s2" && grep -aq 'just now' "$WT/s2"; then
	ok "\"o\" without an id, typed as a second prompt opens or as the first ends, answers none (the id is asked for); a single prompt shown 2 s before is answered"
else bad "watch without an id: pager after 1: [$wt_case1], after 2: [$wt_case2], control: [$wt_case3]: $(tr -d '\033' <"$WT/s2" | tail -12)"; fi
git -C "$WT/ws" config --unset core.pager 2>/dev/null
kill "$(cat "$WT/run/policyd.pid" 2>/dev/null)" 2>/dev/null
