# Sourced by run.sh (its ok/bad/skip, $BIN, $TOP, $WS with the attack
# programs in $WS/bin, $BACKSTOP): a datagram from a source address that
# is not this machine's, or sent by a mark the host routes by. A
# transparent socket (IP_TRANSPARENT, IPV6_TRANSPARENT: CAP_NET_RAW, which
# a root session keeps) and a free-binding IPv6 one (IPV6_FREEBIND, or
# IP_FREEBIND on an IPv6 socket: no privilege) send from any address, bound
# or named by a PKTINFO control message: a listener on 127.0.0.1 or ::1
# sees the foreign source natively. A mark (SO_MARK) sends the address
# decided through the table of the host's fwmark rule: natively, in a pair
# of network namespaces this test makes, the same address reaches another
# host. In a session the setsockopt is refused (rule sandbox, EPERM),
# audited, and nothing arrives.
echo "== bypass suite (a source address not this machine's, a routing mark)"
TPT=$TOP/transparent
mkdir -p "$TPT"
TPT_AUDIT=$TPT/run/audit.jsonl
TPT_PORT=47057
# tpt_listen ADDR [NETNS]: a listener at ADDR:TPT_PORT (60 s at most), in
# $TPT/seen; tpt_stop ends it once what was sent had time to arrive
tpt_listen() {
	if [ -n "${2:-}" ]; then ip netns exec "$2" "$WS/bin/static_transparent" recv "$1" $TPT_PORT 60 >"$TPT/seen" 2>&1 &
	else "$WS/bin/static_transparent" recv "$1" $TPT_PORT 60 >"$TPT/seen" 2>&1 & fi
	TPT_LP=$!
	for _ in $(seq 100); do grep -q ready "$TPT/seen" && break; sleep 0.05; done
}
tpt_stop() { sleep 0.3; kill "$TPT_LP" 2>/dev/null; wait "$TPT_LP" 2>/dev/null; }
# tpt_session MODE SRC DST OPTHEX: refused in a session (rule sandbox, the
# option in the audit line), nothing seen at DST; NATIVE is what the
# native run showed
tpt_session() {
	local mode=$1 src=$2 dst=$3 opt=$4 native=$5 out
	tpt_listen "$dst"
	out=$(cd "$WS" && TIERGATE_RUNDIR=$TPT/run "$BIN/agent-shell" --user --policy "$BACKSTOP" -- bin/static_transparent "$mode" "$src" "$dst" $TPT_PORT 2>&1)
	tpt_stop
	if grep -q "$mode: refused errno=1" <<<"$out" && grep -q "refused setsockopt .*(rule sandbox): .*transparent or free binding" <<<"$out" &&
	   ! grep -q "tg-transparent $mode" "$TPT/seen" &&
	   grep '"decision":"refused"' "$TPT_AUDIT" 2>/dev/null | grep '"rule":"sandbox"' | grep "\"$mode\"" | grep -q "arguments [^\"]*, $opt\""; then
		ok "$mode: $native; refused in a session (rule sandbox, audited), nothing sent"
	else bad "$mode in a session: $out (seen: $(tr '\n' ' ' <"$TPT/seen"))"; fi
}
# tpt_attack MODE SRC DST OPTHEX [nobody]: natively (as nobody: with no
# privilege) a datagram to DST arrives from SRC; then tpt_session
tpt_attack() {
	local mode=$1 src=$2 dst=$3 opt=$4 who=${5:-} out rc
	local -a as=()
	local prog=$WS/bin/static_transparent
	# (the suite's directories are root's alone: a copy nobody can run)
	[ "$who" = nobody ] && as=(setpriv --reuid=65534 --regid=65534 --clear-groups) prog=$TPT_PUB/static_transparent
	tpt_listen "$dst"
	out=$("${as[@]}" "$prog" "$mode" "$src" "$dst" $TPT_PORT 2>&1); rc=$?
	tpt_stop
	if [ $rc = 77 ]; then
		skip "$mode: natively $out (this kernel does not take it)"
		tpt_session "$mode" "$src" "$dst" "$opt" "natively not taken by this kernel"; return
	fi
	if ! grep -q "$mode: sent" <<<"$out" || ! grep -qx "from $src tg-transparent $mode" "$TPT/seen"; then
		bad "$mode: a foreign source does not work even without tiergate (rc=$rc: $out; seen: $(tr '\n' ' ' <"$TPT/seen"))"; return
	fi
	tpt_session "$mode" "$src" "$dst" "$opt" "natively${who:+ as $who} a datagram to $dst arrives from $src"
}
if [ "$(id -u)" != 0 ]; then
	skip "foreign source addresses and marks (not root: no CAP_NET_RAW to set IP_TRANSPARENT or SO_MARK natively, no network namespace for the mark's second host)"
else
	TPT_PUB=$(mktemp -d /tmp/tg-transparent-XXXXXX)
	chmod 755 "$TPT_PUB" && cp "$WS/bin/static_transparent" "$TPT_PUB/" && chmod 755 "$TPT_PUB/static_transparent"
	# addresses of no host here: TEST-NET-2 and the IPv6 documentation
	# prefix
	tpt_attack trans4 198.51.100.57 127.0.0.1 0x13
	tpt_attack tpkt4 198.51.100.58 127.0.0.1 0x13
	if [ -e /proc/net/if_inet6 ] && ip -6 addr show dev lo | grep -q '::1/128'; then
		tpt_attack trans6 2001:db8::57 ::1 0x4b
		tpt_attack trans46 2001:db8::58 ::1 0x13
		tpt_attack free6 2001:db8::59 ::1 0x4e nobody
		tpt_attack fpkt6 2001:db8::5a ::1 0x4e nobody
		tpt_attack free46 2001:db8::5b ::1 0xf nobody
	else skip "IPv6 foreign sources (no IPv6 on lo)"; fi
	# IP_FREEBIND on an IPv4 socket: the kernel's route lookup refuses a
	# source not of this machine by itself (ENETUNREACH here); refused in a
	# session all the same, as the filter cannot tell the socket's family
	out=$("$WS/bin/static_transparent" free4 198.51.100.59 127.0.0.1 $TPT_PORT 2>&1)
	if grep -q "free4: send failed" <<<"$out"; then
		tpt_session free4 198.51.100.59 127.0.0.1 0xf "natively the kernel sends nothing from a foreign IPv4 source ($out)"
	else bad "free4 natively: $out (expected the kernel to refuse the foreign IPv4 source)"; fi
	# SO_MARK: in namespace A, 10.77.9.9 is A's own (lo) and B's (past a
	# veth); A's fwmark rule sends marked packets by table 100, to B
	TPT_NA=tgtp-a-$$ TPT_NB=tgtp-b-$$
	if ip netns add "$TPT_NA" 2>/dev/null && ip netns add "$TPT_NB" 2>/dev/null &&
	   ip link add tgtp-va$$ netns "$TPT_NA" type veth peer name tgtp-vb$$ netns "$TPT_NB" 2>/dev/null &&
	   ip -n "$TPT_NA" link set lo up && ip -n "$TPT_NB" link set lo up &&
	   ip -n "$TPT_NA" link set tgtp-va$$ up && ip -n "$TPT_NB" link set tgtp-vb$$ up &&
	   ip -n "$TPT_NA" addr add 10.77.0.1/24 dev tgtp-va$$ && ip -n "$TPT_NB" addr add 10.77.0.2/24 dev tgtp-vb$$ &&
	   ip -n "$TPT_NA" addr add 10.77.9.9/32 dev lo && ip -n "$TPT_NB" addr add 10.77.9.9/32 dev lo &&
	   ip -n "$TPT_NA" rule add pref 100 lookup local && ip -n "$TPT_NA" rule del pref 0 &&
	   ip -n "$TPT_NA" rule add pref 10 fwmark 0x1234 lookup 100 &&
	   ip -n "$TPT_NA" route add 10.77.9.9/32 via 10.77.0.2 table 100; then
		tpt_listen 10.77.9.9 "$TPT_NB"
		ip netns exec "$TPT_NA" "$WS/bin/static_transparent" mark4 0 10.77.9.9 $TPT_PORT >/dev/null 2>&1
		out=$(ip netns exec "$TPT_NA" "$WS/bin/static_transparent" mark4 4660 10.77.9.9 $TPT_PORT 2>&1)
		cout=$(ip netns exec "$TPT_NA" "$WS/bin/static_transparent" cmark4 4660 10.77.9.9 $TPT_PORT 2>&1)
		tpt_stop
		cseen=no
		grep -qx "from 10.77.0.1 tg-transparent cmark4" "$TPT/seen" && cseen=yes
		# B sees the marked datagrams only (from A's veth address)
		if grep -q "mark4: sent" <<<"$out" && [ "$(grep -c tg-transparent "$TPT/seen")" = 2 ] &&
		   grep -qx "from 10.77.0.1 tg-transparent mark4" "$TPT/seen"; then
			tpt_session mark4 4660 127.0.0.1 0x24 "natively a marked datagram to 10.77.9.9 reaches another host (namespace B) than an unmarked one"
		else bad "mark4: a mark does not route elsewhere even without tiergate ($out; seen: $(tr '\n' ' ' <"$TPT/seen"))"; fi
		# the same mark as a control message of one send (CAP_NET_RAW)
		if grep -q "cmark4: sent" <<<"$cout" && [ "$cseen" = yes ]; then
			tpt_listen 127.0.0.1
			cout=$(cd "$WS" && TIERGATE_RUNDIR=$TPT/run "$BIN/agent-shell" --user --policy "$BACKSTOP" -- bin/static_transparent cmark4 4660 127.0.0.1 $TPT_PORT 2>&1)
			tpt_stop
			if grep -q "cmark4: send failed errno=1" <<<"$cout" && grep -q "(rule source-route): .*routing marks" <<<"$cout" &&
			   ! grep -q "tg-transparent cmark4" "$TPT/seen" &&
			   grep '"decision":"refused"' "$TPT_AUDIT" 2>/dev/null | grep -q '"rule":"source-route"'; then
				ok "cmark4: natively a datagram marked by a control message reaches namespace B; refused in a session (rule source-route, audited), nothing sent"
			else bad "cmark4 in a session: $cout (seen: $(tr '\n' ' ' <"$TPT/seen"))"; fi
		else bad "cmark4: a mark by control message does not route elsewhere even without tiergate ($cout; reached B: $cseen)"; fi
	else
		skip "mark4: natively (no network namespaces with a veth pair here)"
		tpt_session mark4 4660 127.0.0.1 0x24 "natively not checked"
	fi
	ip netns del "$TPT_NA" 2>/dev/null; ip netns del "$TPT_NB" 2>/dev/null
	rm -rf "$TPT_PUB"
	# what stays: another socket option of SO_MARK's level (the
	# listener's SO_REUSEADDR), and its bind to a local address
	out=$(cd "$WS" && TIERGATE_RUNDIR=$TPT/run "$BIN/agent-shell" --user --policy "$BACKSTOP" -- bin/static_transparent recv 127.0.0.1 $TPT_PORT 0 2>&1)
	if [ "$out" = ready ]; then ok "recv: SO_REUSEADDR and a bind to 127.0.0.1 still work in a session"
	else bad "recv in a session: $out"; fi
fi
p=$(cat "$TPT/run/policyd.pid" 2>/dev/null)
[ -n "$p" ] && [ "$(cat "/proc/$p/comm" 2>/dev/null)" = policyd ] && kill "$p" 2>/dev/null
