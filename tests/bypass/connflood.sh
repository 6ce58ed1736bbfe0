# Sourced by run.sh (its ok/bad/skip, $BIN, $TOP, $WS with the attack
# programs in $WS/bin, $POLICY): one session's processes holding policyd's
# connections (idle ones, or unfinished messages of 1 MiB each) until
# every other session, agent-shell and policyctl are turned away, or
# policyd's memory is gone. Natively (a process of no session, which is an
# operator's) the flood fills policyd: another session cannot open; in a
# session it stops at the session's share (policyd/conn.h) and another
# session, and policyctl, still work; replies it asks for and never reads
# count in the share too (conn_wflood). A policyd of its own ($CF).
echo "== bypass suite (policyd's connections shared out by session)"
CF=$TOP/connflood
mkdir -p "$CF"
(TIERGATE_RUNDIR=$CF/run exec "$BIN/policyd" --user --policy "$POLICY" >/dev/null 2>&1)
for _ in $(seq 100); do [ -S "$CF/run/agent.sock" ] && [ -s "$CF/run/policyd.pid" ] && break; sleep 0.05; done
CF_PD=$(cat "$CF/run/policyd.pid" 2>/dev/null)
cf_shell() { (cd "$WS" && TIERGATE_RUNDIR=$CF/run timeout 20 "$BIN/agent-shell" --user --policy "$POLICY" -- "$@" 2>&1); }
cf_other() { # another session and policyctl, while the flood holds
	local o
	o=$(cf_shell bash -c 'echo other-session-ran')
	grep -q other-session-ran <<<"$o" && echo "other session: ran" || echo "other session: turned away ($o)"
	o=$(TIERGATE_RUNDIR=$CF/run timeout 5 "$BIN/policyctl" status 2>&1)
	grep -q "policyd: running" <<<"$o" && echo "policyctl: answered" || echo "policyctl: turned away"
}
# cf_flood LABEL PROCS BYTES MAX WANT_NATIVE CHECK: WANT_NATIVE is the
# least number of connections held natively; CHECK the most a session may
# hold. Both runs hold for 8 s while cf_other looks after 4 s
cf_flood() {
	local label=$1 procs=$2 bytes=$3 max=$4 want=$5 cap=$6 out other held
	out=$(TIERGATE_RUNDIR=$CF/run "$WS/bin/conn_flood" "$CF/run/agent.sock" "$procs" "$bytes" 8 "$max" 2>&1 &
		sleep 4; cf_other; wait)
	held=$(sed -n 's/^held \([0-9]*\) connections$/\1/p' <<<"$out")
	# idle connections: the others turned away; unfinished messages:
	# the memory held is the proof (48 MiB turn nobody away)
	if [ "${held:-0}" -lt "$want" ] ||
	   { [ "$bytes" = 0 ] && ! grep -q "other session: turned away" <<<"$out"; }; then
		bad "$label: does not work even without tiergate: $out"; return
	fi
	local native=$held
	out=$( (cd "$WS" && TIERGATE_RUNDIR=$CF/run timeout 40 "$BIN/agent-shell" --user --policy "$POLICY" -- \
		bin/conn_flood "$CF/run/agent.sock" "$procs" "$bytes" 8 "$max" 2>&1) &
		sleep 4; cf_other; wait)
	held=$(sed -n 's/^held \([0-9]*\) connections$/\1/p' <<<"$out")
	if [ -n "$held" ] && [ "$held" -le "$cap" ] && grep -q "other session: ran" <<<"$out" &&
	   grep -q "policyctl: answered" <<<"$out" && grep -q "its share" "$CF/run/policyd.log"; then
		ok "$label: natively $native held; in a session $held (its share), another session and policyctl still served"
	else bad "$label under tiergate: $out"; fi
}
if [ -z "$CF_PD" ] || ! kill -0 "$CF_PD" 2>/dev/null; then
	bad "no policyd for the connection flood tests"
else
	# idle connections: 2 descriptors each in policyd (socket, pidfd),
	# MAX_CONNS (16384) slots or policyd's RLIMIT_NOFILE if lower; a
	# session's share is 2048 descriptors (or an eighth of that limit);
	# three processes so no RLIMIT_NOFILE of the attacker's stops it first
	cf_lim=$(awk '/^Max open files/ {print $4}' "/proc/$CF_PD/limits")
	cf_slots=$(( cf_lim < 16384 ? cf_lim : 16384 ))
	cf_share=$(( cf_lim < 16384 && cf_lim / 8 < 2048 ? cf_lim / 8 : 2048 ))
	cf_flood "idle connections to agent.sock" 3 0 $(( cf_slots / 6 + 200 )) \
		$(( cf_slots / 2 - 100 )) $(( cf_share / 2 ))
	# unfinished 1 MiB messages: 48 MiB natively, 16 MiB (the share) in
	# a session
	cf_flood "unfinished 1 MiB messages" 1 1048000 48 48 16
	# replies never read: HELLOs whose answers (the session's fast-path
	# globs, kilobytes each) the attacker leaves in policyd. Up to
	# 2026-12-07 they were out of the share, 256 KiB a connection: one
	# session's 1,900 connections took policyd from 5 MB to 280 MB. A
	# process of no session is answered in a few bytes, so there is no
	# native form: the attack is shown strong enough by reaching the
	# share (policyd's log); the connections it keeps then are the
	# share's (16 MiB / 256 KiB: 64, where 1,024 were kept before). The
	# memory policyd takes meanwhile (VmRSS, sampled while the replies are
	# held) is reported, not judged: a sanitizer build's allocator keeps
	# what was freed (69 MiB there, 0-16 MiB in a plain build; 251 MiB
	# before). Since 2026-12-07 policyd closes a connection at the
	# first request sent before the answer to the one before it
	# (tests/bypass/pipeline.sh): these HELLOs are refused there, before
	# any reply is held, which passes too (its log says which).
	cf_rss() { awk '/^VmRSS/ {print $2}' "/proc/$CF_PD/status"; }
	cf_r0=$(cf_rss) cf_max=0
	(cd "$WS" && TIERGATE_RUNDIR=$CF/run timeout 60 "$BIN/agent-shell" --user --policy "$POLICY" -- 		bin/conn_wflood "$CF/run/agent.sock" 1900 400 4 >"$CF/wflood.out" 2>&1) &
	cf_w=$!
	while kill -0 "$cf_w" 2>/dev/null; do
		r=$(cf_rss); [ "${r:-0}" -gt "$cf_max" ] && cf_max=$r
		sleep 0.2
	done
	wait "$cf_w"
	cf_grew=$(( (cf_max - cf_r0) / 1024 ))
	cf_held=$(sed -n 's/^held \([0-9]*\) connections$/\1/p' "$CF/wflood.out")
	cf_why=$(grep -q "without waiting for their answers" "$CF/run/policyd.log" &&
		echo "each connection closed at its second HELLO" || echo "its share reached")
	if grep -q -e "unread replies" -e "without waiting for their answers" "$CF/run/policyd.log" &&
	   grep -q "^done" "$CF/wflood.out" && [ -n "$cf_held" ] && [ "$cf_held" -le 128 ]; then
		ok "replies a session never reads: $cf_why ($cf_held connections held, not 1,024), policyd grew ${cf_grew} MiB (share 16 MiB)"
	else bad "replies never read: policyd grew ${cf_grew} MiB; $(cat "$CF/wflood.out"); $(grep -c "unread replies" "$CF/run/policyd.log") share lines"; fi
fi
[ -n "$CF_PD" ] && kill "$CF_PD" 2>/dev/null
