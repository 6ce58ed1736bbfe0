# Sourced by run.sh (its ok/bad/skip, $BIN, $TOP, $WS with the attack
# programs in $WS/bin, $BACKSTOP): SCTP. An SCTP association is made by a
# setsockopt (sctp_connectx) and a send can name destinations in control
# messages: no connect rule sees either. static_sctp associates with a
# listener on 127.0.0.2 (denied by the backstop policy) natively (a counted
# skip on a kernel without SCTP); in a session the socket is refused (rule
# raw-sockets, audited) unless settings.raw_sockets: allow.
echo "== bypass suite (SCTP: associations made without connect)"
SCT=$TOP/sctp
mkdir -p "$SCT"
for sct_mode in stream seqpacket; do
	out=$(cd "$WS" && bin/static_sctp "$sct_mode" 127.0.0.2 2>&1); rc=$?
	if [ $rc = 77 ]; then skip "SCTP $sct_mode natively: $out (no SCTP in this kernel)"
	elif [ $rc != 0 ] || ! grep -q "$sct_mode: connected" <<<"$out"; then
		bad "SCTP $sct_mode: does not associate even without tiergate (rc=$rc: $out)"; continue
	fi
	out=$(cd "$WS" && TIERGATE_RUNDIR=$SCT/run "$BIN/agent-shell" --user --policy "$BACKSTOP" -- bin/static_sctp "$sct_mode" 127.0.0.2 2>&1)
	if grep -q "$sct_mode: refused errno=1" <<<"$out" && grep -q '"SCTP socket (family 2, protocol [0-9]*)" (rule raw-sockets)' <<<"$out" &&
	   grep '"decision":"refused"' "$SCT/run/audit.jsonl" 2>/dev/null | grep '"rule":"raw-sockets"' | grep -q "\"$sct_mode\",\"127.0.0.2\""; then
		ok "SCTP $sct_mode socket: refused in a session (rule raw-sockets, audited)"
	else bad "SCTP $sct_mode in a session: $out"; fi
done
p=$(cat "$SCT/run/policyd.pid" 2>/dev/null)
[ -n "$p" ] && [ "$(cat "/proc/$p/comm" 2>/dev/null)" = policyd ] && kill "$p" 2>/dev/null
