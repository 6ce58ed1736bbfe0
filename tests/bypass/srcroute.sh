# Sourced by run.sh (its ok/bad/skip, $BIN, $TOP, $WS with the attack
# programs in $WS/bin, $BACKSTOP): source routes. A datagram sent to an
# address the policy allows (127.0.0.1, ::1) carries a route whose first
# hop is one it denies (127.0.0.2, this machine's own IPv6 address); the
# kernel puts the first hop in the IP header and sends it there. Natively a
# packet socket on lo sees the datagram go to the first hop; in a session
# the option (setsockopt: rule sandbox) or the control message (sendmsg:
# rule source-route) is refused, audited, and nothing is seen. A mode this
# kernel does not take (cmsg6, pktopt6: mobile IPv6's type 2 header) is a
# counted skip natively and still checked refused in a session.
echo "== bypass suite (source routes: a packet sent elsewhere than the address decided)"
SRT=$TOP/srcroute
mkdir -p "$SRT"
SRT_SNIFF=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/srcroute_sniff.py
SRT_AUDIT=$SRT/run/audit.jsonl
# this machine's own IPv6 address (delivered through lo): the IPv6 hop
SRT_HOP6=$(ip -6 -o addr show scope global 2>/dev/null | awk '{sub("/.*", "", $4); print $4; exit}')
SRT_POL=$SRT/policy.yaml
{
	cat "$BACKSTOP"
	[ -n "$SRT_HOP6" ] &&
		echo "  - { id: no-hop6, action: deny, message: \"the IPv6 hop is closed\", connect: { cidr: [\"$SRT_HOP6/128\"] } }"
} >"$SRT_POL"
# srt_sniff SECONDS: the packets on lo of static_srcroute, in $SRT/seen
srt_sniff() {
	python3 "$SRT_SNIFF" "$1" >"$SRT/seen" 2>&1 &
	SRT_SP=$!
	for _ in $(seq 100); do grep -q ready "$SRT/seen" && break; sleep 0.05; done
}
srt_stop() { kill "$SRT_SP" 2>/dev/null; wait "$SRT_SP" 2>/dev/null; }
# srt_attack MODE HOP DST: natively the datagram goes to HOP; in a session
# refused (rule RULE), audited, nothing seen
srt_attack() {
	local mode=$1 hop=$2 dst=$3 rule=$4 out rc native=1
	srt_sniff 10
	out=$(cd "$WS" && bin/static_srcroute "$mode" "$hop" "$dst" 9 2>&1); rc=$?
	sleep 0.2; srt_stop
	if [ $rc = 77 ]; then
		skip "$mode: natively $out (this kernel does not take it)"; native=0
	elif ! grep -q "$mode: sent" <<<"$out" || ! grep -qx "$hop $mode" "$SRT/seen"; then
		bad "$mode source route: does not work even without tiergate (rc=$rc: $out; seen: $(tr '\n' ' ' <"$SRT/seen"))"; return
	fi
	srt_sniff 10
	out=$(cd "$WS" && TIERGATE_RUNDIR=$SRT/run "$BIN/agent-shell" --user --policy "$SRT_POL" -- bin/static_srcroute "$mode" "$hop" "$dst" 9 2>&1)
	sleep 0.2; srt_stop
	if grep -q "$mode: refused errno=1" <<<"$out" && grep -q "(rule $rule)" <<<"$out" &&
	   ! grep -q " $mode$" "$SRT/seen" &&
	   grep '"decision":"refused"' "$SRT_AUDIT" 2>/dev/null | grep "\"rule\":\"$rule\"" | grep -q "\"$mode\""; then
		if [ $native = 1 ]; then ok "$mode: a datagram to $dst goes to $hop natively; refused in a session (rule $rule, audited), nothing sent"
		else ok "$mode: refused in a session (rule $rule, audited), nothing sent"; fi
	else bad "$mode source route in a session: $out (seen: $(tr '\n' ' ' <"$SRT/seen"))"; fi
}
if [ "$(id -u)" != 0 ]; then
	skip "source routes (not root: no packet socket to see where a datagram went)"
else
	srt_attack opt4 127.0.0.2 127.0.0.1 sandbox
	srt_attack cmsg4 127.0.0.2 127.0.0.1 source-route
	if [ -n "$SRT_HOP6" ]; then
		srt_attack rthdr6 "$SRT_HOP6" ::1 sandbox
		srt_attack cmsg6 "$SRT_HOP6" ::1 source-route
		srt_attack pktopt6 "$SRT_HOP6" ::1 sandbox
	else skip "IPv6 source routes (no global IPv6 address on this machine to be the hop)"; fi
	# what stays: options and control messages that route nothing
	for m in plain4:127.0.0.1 plain6:::1; do
		out=$(cd "$WS" && TIERGATE_RUNDIR=$SRT/run "$BIN/agent-shell" --user --policy "$SRT_POL" -- bin/static_srcroute "${m%%:*}" "${m#*:}" "${m#*:}" 9 2>&1)
		if grep -q "${m%%:*}: sent" <<<"$out" && ! grep -q "tiergate: refused" <<<"$out"; then ok "${m%%:*}: a hop limit by setsockopt and by a control message still works in a session"
		else bad "${m%%:*} in a session: $out"; fi
	done
fi
p=$(cat "$SRT/run/policyd.pid" 2>/dev/null)
[ -n "$p" ] && [ "$(cat "/proc/$p/comm" 2>/dev/null)" = policyd ] && kill "$p" 2>/dev/null
