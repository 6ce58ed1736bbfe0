# Sourced by run.sh (its ok/bad/skip, $BIN, $TOP, $WS with the attack
# programs in $WS/bin, $POLICY): one session's processes holding policyd's
# connections (idle ones, or unfinished messages of 1 MiB each) until
# every other session, agent-shell and policyctl are turned away, or
# policyd's memory is gone. Natively (a process of no session, which is an
# operator's) the flood fills policyd: another session cannot open; in a
# session it stops at the session's share (policyd/conn.h) and another
# session, and policyctl, still work; replies it asks for and never reads
# count in the share too (conn_wflood: one HELLO a connection, a policy
# whose answer is longer than the socket takes). A policyd of its own
# ($CF).
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
	# replies never read: a HELLO on each connection, its answer (the
	# session's fast-path globs) never read. Up to 2026-12-07 what the
	# socket did not take was kept out of the share, 256 KiB a
	# connection: one session's 1,900 connections took policyd from 5 MB
	# to 280 MB. One request a connection is a client that waits for its
	# answer (two in a row are closed as pipelining, pipeline.sh), so
	# the answer must be longer than the socket's queue (policyd's
	# SO_SNDBUF, net.core.wmem_default: 208 KiB here) for policyd to keep
	# any: a policy of 3,000 read globs, long enough for an answer of the
	# queue and 160 KB more (380 KiB here; where the queue takes 800 KB,
	# more than a message may hold, a counted skip). The rest stays within
	# 4 replies (256 KiB), past which policyd closes a connection that
	# never reads, another rule. A process of no session is answered in a
	# few bytes: the
	# attack has no form without a session, and is shown first below the
	# share (40 connections: policyd keeps what the attacker's queues
	# lack of each answer, no share reached), then past it.
	cf_big=$CF/many-globs.yaml
	cf_wm=$(cat /proc/sys/net/core/wmem_default 2>/dev/null || echo 212992)
	# each glob's field: its text and about 48 bytes more
	cf_glen=$(( (cf_wm + cf_wm / 20 + 160000) / 3000 - 48 ))
	{ printf '%s\n' 'version: 1' 'settings: { default: deny }' 'variables: { WS: "${PWD}" }' 'rules:' \
		'  - { id: programs, tier: 1, exec: { path: ["/usr/**", "/bin/**", "${WS}/bin/**"] } }' \
		'  - id: many-reads' '    tier: 1' '    open:' '      access: [read]' '      path: ["/**",'
	  for i in $(seq 3000); do printf '        "/nonexistent/tiergate-connflood/%04d/%0*d/**",\n' "$i" "$cf_glen" 0; done
	  echo '        "/nonexistent/tiergate-connflood/last"]'; } >"$cf_big"
	cf_rss() { awk '/^VmRSS/ {print $2}' "/proc/$CF_PD/status"; }
	cf_val() { sed -n "s/^$1 \([0-9-]*\).*/\1/p" "$CF/wflood.out"; }
	# cf_wflood CONNS: one HELLO on each of CONNS connections, held 4 s;
	# policyd's VmRSS before (cf_r0) and its most while they are held
	# (cf_max), in kB; the lines its log gained (cf_log)
	cf_wflood() {
		local lines w r
		lines=$(wc -l <"$CF/run/policyd.log")
		cf_r0=$(cf_rss) cf_max=0
		(cd "$WS" && TIERGATE_RUNDIR=$CF/run timeout 60 "$BIN/agent-shell" --user --policy "$cf_big" -- \
			bin/conn_wflood "$CF/run/agent.sock" "$1" 1 4 >"$CF/wflood.out" 2>&1) &
		w=$!
		while kill -0 "$w" 2>/dev/null; do
			r=$(cf_rss); [ "${r:-0}" -gt "$cf_max" ] && cf_max=$r
			sleep 0.2
		done
		wait "$w"
		cf_log=$(tail -n +"$((lines + 1))" "$CF/run/policyd.log")
	}
	if [ "$cf_wm" -gt 800000 ]; then
		skip "replies never read: the socket's queue (net.core.wmem_default $cf_wm) takes a whole answer of the longest a message may be"
	else
		cf_share_line="its processes' unread replies and unfinished messages hold [0-9]* bytes in policyd, its share"
		cf_wflood 40
		cf_reply=$(cf_val reply) cf_q=$(sed -n 's/^reply .* the kernel queued \([0-9]*\)$/\1/p' "$CF/wflood.out")
		cf_kept=$(cf_val "policyd keeps") cf_held=$(cf_val held)
		cf_per=$(( ${cf_reply:-0} - ${cf_q:-0} ))
		# each answer's rest, kept by policyd: at least 32 KiB (the attack
		# is worth its connections) and within 4 replies' worth (65536 each:
		# beyond, policyd closes a connection that never reads, another rule)
		if grep -q "^done" "$CF/wflood.out" && [ "${cf_held:-0}" = 40 ] && [ "$cf_per" -ge 32768 ] &&
		   [ "$cf_per" -lt 262144 ] && [ "${cf_kept:-0}" -ge $(( 40 * cf_per * 9 / 10 )) ] &&
		   ! grep -q -e "$cf_share_line" -e "without waiting for their answers" <<<"$cf_log"; then
			cf_native="40 connections: each answer $cf_reply bytes, the socket took $cf_q, policyd kept $cf_kept bytes ($(( (cf_max - cf_r0) / 1024 )) MiB of VmRSS)"
			# past the share: 600 connections would keep 600 answers'
			# rests (~100 MiB) in policyd; the share (16 MiB) closes those
			# beyond it. 600: within the descriptors' share (1,024
			# connections), whose rule would say otherwise
			cf_wflood 600
			cf_kept=$(cf_val "policyd keeps") cf_held=$(cf_val held) cf_closed=$(cf_val closed)
			cf_grew=$(( (cf_max - cf_r0) / 1024 ))
			cf_all=$(( 600 * cf_per / 1048576 ))
			# the reply share is what acted: its log line (not pipelining's),
			# what policyd keeps within 16 MiB but for one answer and at
			# least 12 MiB of it (the flood reached it), the rest closed;
			# policyd's VmRSS grew less than half of what keeping them all
			# would take (a sanitizer build's allocator keeps more)
			if grep -q "^done" "$CF/wflood.out" && grep -q "$cf_share_line" <<<"$cf_log" &&
			   ! grep -q "without waiting for their answers" <<<"$cf_log" &&
			   [ "${cf_kept:-0}" -ge $(( 12 << 20 )) ] && [ "${cf_kept:-0}" -le $(( (16 << 20) + cf_per )) ] &&
			   [ "${cf_closed:-0}" -gt 0 ] && [ "$cf_grew" -lt $(( cf_all / 2 )) ]; then
				ok "replies a session never reads ($cf_native); 600 connections: the share closed $cf_closed, policyd keeps $cf_kept bytes for the $cf_held held (not $cf_all MiB), grew ${cf_grew} MiB"
			else bad "replies never read, 600 connections, policyd grew ${cf_grew} MiB: $(cat "$CF/wflood.out"); log: $cf_log"; fi
		else bad "replies never read: the attack does not keep answers in policyd even below the share: $(cat "$CF/wflood.out"); log: $cf_log"; fi
	fi
fi
[ -n "$CF_PD" ] && kill "$CF_PD" 2>/dev/null
