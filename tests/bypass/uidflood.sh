# Sourced by run.sh (its ok/bad/skip, $BIN, $TOP, $WS with the attack
# programs in $WS/bin, $POLICY): local accounts outside any session holding
# policyd's connections (idle ones, or unfinished messages of 1 MiB each)
# until every session and policyctl are turned away. In system mode the
# agent socket is open to every local user (0666); here a user-mode
# policyd of root's whose run directory other uids can reach stands for
# it (the shares are by the peer's uid, the mode does not enter). Natively
# (root outside a session: out of every share, as every uid was until
# 2026-12-07) the flood fills policyd and a session cannot open; from
# another uid (nobody) it stops at that uid's share (policyd/conn.h), and a
# session, policyctl and a third uid are still served; many uids together
# stop at their pool (half the slots); past CONN_UIDS_MAX uids at once a
# new uid is refused. A policyd of its own ($UF).
echo "== bypass suite (policyd's connections shared out by uid outside sessions)"
UF=$TOP/uidflood
uf_top_mode=$(stat -c %a "$TOP")
# the other uids reach the socket through $TOP (the suite's, 0700): they
# may pass through it, not list it
chmod 711 "$TOP"
mkdir -p "$UF/run"
chmod 755 "$UF" "$UF/run"
(TIERGATE_RUNDIR=$UF/run exec "$BIN/policyd" --user --policy "$POLICY" >/dev/null 2>&1)
for _ in $(seq 100); do [ -S "$UF/run/agent.sock" ] && [ -s "$UF/run/policyd.pid" ] && break; sleep 0.05; done
UF_PD=$(cat "$UF/run/policyd.pid" 2>/dev/null)
UF_SOCK=$UF/run/agent.sock
# uid_flood UID0 NUIDS CONNS BYTES SECS, from / (no working directory of
# root's to refuse the other uids)
uf_run() { (cd / && timeout 60 "$WS/bin/uid_flood" "$UF_SOCK" "$@" 2>&1); }
uf_num() { sed -n "s/^$1 \([0-9]*\).*/\1/p" <<<"$2"; }
# what is still served while a flood holds: a session, policyctl, and a
# uid of its own (25 connections)
uf_served() {
	local o
	o=$( (cd "$WS" && TIERGATE_RUNDIR=$UF/run timeout 20 "$BIN/agent-shell" --user --policy "$POLICY" -- \
		bash -c 'echo session-ran') 2>&1)
	grep -q session-ran <<<"$o" && echo "session: ran" || echo "session: turned away ($o)"
	o=$(TIERGATE_RUNDIR=$UF/run timeout 5 "$BIN/policyctl" status 2>&1)
	grep -q "policyd: running" <<<"$o" && echo "policyctl: answered" || echo "policyctl: turned away"
	o=$(uf_run 3999999 1 25 0 0)
	echo "third uid: held $(uf_num held "$o")"
}
# uf_flood UID0 NUIDS CONNS BYTES: the flood holds 8 s while uf_served
# looks after 4 s
uf_flood() { uf_run "$1" "$2" "$3" "$4" 8 & sleep 4; uf_served; wait; }
uf_log() { grep -c -e "$1" "$UF/run/policyd.log"; }

if ! uf_o=$(uf_run 0 0 0 0 0) && grep -q unsupported <<<"$uf_o"; then
	skip "connections by uid: $uf_o"
elif [ -z "$UF_PD" ] || ! kill -0 "$UF_PD" 2>/dev/null; then
	bad "no policyd for the uid flood tests"
else
	# idle connections hold 2 descriptors each in policyd (socket,
	# pidfd); MAX_CONNS (16384) slots, or policyd's RLIMIT_NOFILE if
	# lower; a uid's share is 2048 (or an eighth of that limit), all uids
	# together half the slots
	uf_lim=$(awk '/^Max open files/ {print $4}' "/proc/$UF_PD/limits")
	uf_slots=$(( uf_lim < 16384 ? uf_lim : 16384 ))
	uf_share=$(( uf_lim < 16384 && uf_lim / 8 < 2048 ? uf_lim / 8 : 2048 ))
	uf_conns=$(( uf_slots / 2 + 500 ))
	# natively: the unshared path (root, out of every share) takes every
	# slot, and a session cannot open
	out=$(uf_flood 0 1 "$uf_conns" 0)
	held=$(uf_num held "$out")
	if [ "${held:-0}" -lt $(( uf_slots / 2 - 100 )) ] || ! grep -q "session: turned away" <<<"$out"; then
		bad "idle connections outside sessions: the flood does not work even unshared: $out"
	else
		native=$held
		out=$(uf_flood 65534 1 "$uf_conns" 0)
		held=$(uf_num held "$out")
		if [ -n "$held" ] && [ "$held" -le $(( uf_share / 2 )) ] && [ "$held" -ge $(( uf_share / 2 - 8 )) ] &&
		   grep -q "session: ran" <<<"$out" && grep -q "policyctl: answered" <<<"$out" &&
		   grep -q "third uid: held 25$" <<<"$out" &&
		   [ "$(uf_log "uid 65534 (processes of no session): its processes hold [0-9]* descriptors")" = 1 ]; then
			ok "idle connections outside sessions: unshared $native held, a session turned away; uid nobody $held (its share), a session, policyctl and another uid still served, one log line"
		else bad "idle connections from uid nobody: $out"; fi
	fi
	# unfinished 1 MiB messages: 48 MiB unshared, 16 MiB (the share) from
	# nobody
	out=$(uf_run 0 1 48 1048000 1)
	native=$(uf_num held "$out")
	out=$(uf_flood 65534 1 48 1048000)
	held=$(uf_num held "$out")
	if [ "${native:-0}" -lt 48 ]; then
		bad "unfinished messages outside sessions: the flood does not work even unshared: $native held"
	elif [ -n "$held" ] && [ "$held" -le 16 ] && grep -q "session: ran" <<<"$out" &&
	     grep -q "policyctl: answered" <<<"$out" &&
	     [ "$(uf_log "uid 65534 (processes of no session): its processes' unfinished messages")" = 1 ]; then
		ok "unfinished 1 MiB messages outside sessions: unshared $native held; uid nobody $held (its share, 16 MiB), a session and policyctl still served"
	else bad "unfinished messages from uid nobody: $out"; fi
	# many uids, each within its own share (2 x 1000 descriptors), take
	# every slot between them but for the pool: half the slots
	uf_n=$(( uf_slots / 2000 + 1 ))
	out=$(uf_flood 4000000 "$uf_n" 1000 0)
	held=$(uf_num held "$out")
	if [ -n "$held" ] && [ "$held" -le $(( uf_slots / 4 )) ] && [ "$held" -ge $(( uf_slots / 4 - 8 )) ] &&
	   grep -q "session: ran" <<<"$out" && grep -q "policyctl: answered" <<<"$out" &&
	   [ "$(uf_log "every uid's together: their processes hold")" = 1 ]; then
		ok "idle connections of $uf_n uids together ($(( uf_n * 1000 )) asked): $held held (their pool, half the slots), a session and policyctl still served"
	else bad "idle connections of $uf_n uids: $out"; fi
	# more uids at once than policyd counts: the new ones are refused
	# (a fixed table), policyd stays up
	out=$(uf_run 4100000 300 1 0 2)
	uids=$(uf_num uids "$out")
	if [ "$uids" = 256 ] && kill -0 "$UF_PD" 2>/dev/null &&
	   [ "$(uf_log "the most it counts; connections of new uids are closed")" = 1 ] &&
	   grep -q "policyctl: answered" <<<"$(uf_served)"; then
		ok "300 uids at once: 256 held a connection (the table), the rest refused, one log line, policyd still serves"
	else bad "300 uids at once: $out"; fi
fi
[ -n "$UF_PD" ] && kill "$UF_PD" 2>/dev/null
chmod "$uf_top_mode" "$TOP"
