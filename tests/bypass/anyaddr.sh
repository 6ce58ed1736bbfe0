# Sourced by run.sh (its ok/bad/skip, $BIN, $TOP, $WS with the attack
# programs in $WS/bin, $BACKSTOP): the unspecified address. The kernel
# sends a connect or send to 0.0.0.0 to the call's source address on the
# loopback device (the address the socket is bound to, an IP_PKTINFO's),
# so a socket bound to a denied address of this machine reached it through
# 0.0.0.0, which the policy decided instead. Natively static_anyaddr
# reaches a listener on 127.0.0.2 (denied by the backstop policy); in a
# session it is refused by that rule, audited. Unbound, 0.0.0.0 still
# reaches 127.0.0.1.
echo "== bypass suite (the unspecified address 0.0.0.0: this machine, at the source address)"
ANY=$TOP/anyaddr
mkdir -p "$ANY"
for any_mode in bound mapped pktinfo; do
	out=$(cd "$WS" && bin/static_anyaddr "$any_mode" 127.0.0.2 2>&1); rc=$?
	if [ $rc != 0 ] || ! grep -q "$any_mode: reached 127.0.0.2" <<<"$out"; then
		bad "$any_mode: 0.0.0.0 does not reach 127.0.0.2 even without tiergate (rc=$rc: $out)"; continue
	fi
	out=$(cd "$WS" && TIERGATE_RUNDIR=$ANY/run "$BIN/agent-shell" --user --policy "$BACKSTOP" -- bin/static_anyaddr "$any_mode" 127.0.0.2 2>&1)
	if grep -q "$any_mode: refused errno=1" <<<"$out" && grep -q '"127.0.0.2:[0-9]*/[a-z]*" (rule no-127-0-0-2)' <<<"$out" &&
	   grep '"decision":"refused"' "$ANY/run/audit.jsonl" 2>/dev/null | grep '"rule":"no-127-0-0-2"' | grep -q "\"$any_mode\",\"127.0.0.2\""; then
		ok "$any_mode: 0.0.0.0 reaches 127.0.0.2 natively; refused in a session as 127.0.0.2 (rule no-127-0-0-2, audited)"
	else bad "$any_mode: 0.0.0.0 to 127.0.0.2 in a session: $out"; fi
done
out=$(cd "$WS" && TIERGATE_RUNDIR=$ANY/run "$BIN/agent-shell" --user --policy "$BACKSTOP" -- bin/static_anyaddr unbound - 2>&1)
if grep -q "unbound: reached 127.0.0.1" <<<"$out" && ! grep -q "tiergate: refused" <<<"$out"; then ok "0.0.0.0 from an unbound socket still reaches 127.0.0.1 in a session"
else bad "0.0.0.0 from an unbound socket in a session: $out"; fi
p=$(cat "$ANY/run/policyd.pid" 2>/dev/null)
[ -n "$p" ] && [ "$(cat "/proc/$p/comm" 2>/dev/null)" = policyd ] && kill "$p" 2>/dev/null
