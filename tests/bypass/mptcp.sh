# Sourced by run.sh (its ok/bad/skip, $BIN, $TOP, $WS with the attack
# programs in $WS/bin, $BACKSTOP): TCP by another protocol number. An
# MPTCP socket connects to any TCP server (the server sees TCP), but its
# protocol is IPPROTO_MPTCP: decided as "any", a `proto: tcp` deny let it
# through. Natively static_mptcp connects to a listener on 127.0.0.3; in a
# session under a policy that denies TCP to 127.0.0.3 it is refused by that
# rule, audited, as plain TCP is.
echo "== bypass suite (MPTCP: TCP by another protocol number)"
MPT=$TOP/mptcp
mkdir -p "$MPT"
MPT_POL=$MPT/policy.yaml
{
	cat "$BACKSTOP"
	echo '  - { id: no-tcp-127-0-0-3, action: deny, message: "TCP to 127.0.0.3 is closed", connect: { cidr: ["127.0.0.3/32"], proto: tcp } }'
} >"$MPT_POL"
mpt_attack() { # mpt_attack [tcp]
	local how=${1:-mptcp} out rc
	out=$(cd "$WS" && bin/static_mptcp 127.0.0.3 ${1:-} 2>&1); rc=$?
	if [ $rc = 77 ]; then skip "$how connect: $out"; return; fi
	if [ $rc != 0 ] || ! grep -q connected <<<"$out"; then
		bad "$how connect to 127.0.0.3: does not work even without tiergate (rc=$rc: $out)"; return
	fi
	out=$(cd "$WS" && TIERGATE_RUNDIR=$MPT/run "$BIN/agent-shell" --user --policy "$MPT_POL" -- bin/static_mptcp 127.0.0.3 ${1:-} 2>&1)
	if grep -q "connect: refused errno=1" <<<"$out" && grep -q "(rule no-tcp-127-0-0-3)" <<<"$out" &&
	   grep '"decision":"refused"' "$MPT/run/audit.jsonl" 2>/dev/null | grep '"rule":"no-tcp-127-0-0-3"' | grep -q "static_mptcp\",\"127.0.0.3\"${1:+,\"tcp\"}\]"; then
		ok "$how connect to a TCP listener: works natively; refused in a session by a proto: tcp deny (audited)"
	else bad "$how connect in a session under a proto: tcp deny: $out"; fi
}
mpt_attack
mpt_attack tcp
p=$(cat "$MPT/run/policyd.pid" 2>/dev/null)
[ -n "$p" ] && [ "$(cat "/proc/$p/comm" 2>/dev/null)" = policyd ] && kill "$p" 2>/dev/null
