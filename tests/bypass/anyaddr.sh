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
. "$(dirname "$0")/sessrefuse.sh"
for any_mode in bound mapped pktinfo; do
	sr_attack "$any_mode" static_anyaddr "$any_mode" "reached 127.0.0.2" "0.0.0.0 does not reach 127.0.0.2" "$ANY/run" \
		'"127.0.0.2:[0-9]*/[a-z]*" (rule no-127-0-0-2)' no-127-0-0-2 \
		"0.0.0.0 reaches 127.0.0.2 natively; refused in a session as 127.0.0.2 (rule no-127-0-0-2, audited)"
done
out=$(cd "$WS" && TIERGATE_RUNDIR=$ANY/run "$BIN/agent-shell" --user --policy "$BACKSTOP" -- bin/static_anyaddr unbound - 2>&1)
if grep -q "unbound: reached 127.0.0.1" <<<"$out" && ! grep -q "tiergate: refused" <<<"$out"; then ok "0.0.0.0 from an unbound socket still reaches 127.0.0.1 in a session"
else bad "0.0.0.0 from an unbound socket in a session: $out"; fi
sr_stop "$ANY/run"
