# Sourced by anyaddr.sh and sctp.sh (run.sh's ok/bad/skip, $WS with the
# attack programs in $WS/bin, $BIN, $BACKSTOP): one mode of an attack
# program that reaches 127.0.0.2 natively and is refused in a session.
#
# sr_attack LABEL PROG MODE WIN NOTNATIVE RUNDIR REFUSAL RULE OK [SKIPWHY]
# Natively `bin/PROG MODE 127.0.0.2` prints "MODE: WIN", or it is bad
# "LABEL: NOTNATIVE even without tiergate" (exit 77 with SKIPWHY given: a
# counted skip, and the session is still tried). In a session of the
# backstop policy (run directory RUNDIR) it prints "MODE: refused
# errno=1" and the refusal line REFUSAL (a grep pattern), and the audit
# says refused by RULE with MODE and 127.0.0.2: ok "LABEL: OK".
sr_attack() {
	local label=$1 prog=$2 mode=$3 win=$4 notnative=$5 run=$6 refusal=$7 rule=$8 text=$9 why=${10:-} out rc
	out=$(cd "$WS" && "bin/$prog" "$mode" 127.0.0.2 2>&1); rc=$?
	if [ $rc = 77 ] && [ -n "$why" ]; then skip "$label natively: $out ($why)"
	elif [ $rc != 0 ] || ! grep -q "$mode: $win" <<<"$out"; then
		bad "$label: $notnative even without tiergate (rc=$rc: $out)"; return
	fi
	out=$(cd "$WS" && TIERGATE_RUNDIR=$run "$BIN/agent-shell" --user --policy "$BACKSTOP" -- "bin/$prog" "$mode" 127.0.0.2 2>&1)
	if grep -q "$mode: refused errno=1" <<<"$out" && grep -q "$refusal" <<<"$out" &&
	   grep '"decision":"refused"' "$run/audit.jsonl" 2>/dev/null | grep "\"rule\":\"$rule\"" | grep -q "\"$mode\",\"127.0.0.2\""; then
		ok "$label: $text"
	else bad "$label in a session: $out"; fi
}

# sr_stop RUNDIR: the policyd of run directory RUNDIR stopped (by its pid
# file, if that names a policyd)
sr_stop() {
	local p
	p=$(cat "$1/policyd.pid" 2>/dev/null)
	[ -n "$p" ] && [ "$(cat "/proc/$p/comm" 2>/dev/null)" = policyd ] && kill "$p" 2>/dev/null
}
