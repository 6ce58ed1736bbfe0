# Sourced by run.sh (its ok/bad/skip, $BIN, $TOP, $WS with the attack
# programs in $WS/bin, $BACKSTOP): what a session can do to processes
# outside it without a signal, to the terminal it shares with the
# operator, and to the network below the addresses policyd decides on
# (issue 21). Each attack first works natively, then is refused under
# agent-shell. Everything runs against a policyd of its own ($PR).
PR=$TOP/proc
mkdir -p "$PR"
PR_AUDIT=$PR/run/audit.jsonl
# a policyd for these tests, started with a low soft limit of descriptors
# (it must raise it to its hard limit)
(ulimit -Sn 256; TIERGATE_RUNDIR=$PR/run exec "$BIN/policyd" --user --policy "$BACKSTOP" >/dev/null 2>&1)
for _ in $(seq 100); do [ -S "$PR/run/agent.sock" ] && [ -s "$PR/run/policyd.pid" ] && break; sleep 0.05; done
PR_PD=$(cat "$PR/run/policyd.pid" 2>/dev/null)
pr_shell() { # pr_shell POLICY CMD...: the command in a session of $PR's policyd
	local pol=$1; shift
	(cd "$WS" && TIERGATE_RUNDIR=$PR/run "$BIN/agent-shell" --user --policy "$pol" -- "$@" 2>&1)
}
pr_refused() { # pr_refused RULE: the audit log has a refusal by RULE
	grep '"decision":"refused"' "$PR_AUDIT" 2>/dev/null | grep -q "\"rule\":\"$1\""
}

echo "== bypass suite (other processes, the terminal, raw sockets: issue 21)"
if [ -z "$PR_PD" ] || ! kill -0 "$PR_PD" 2>/dev/null; then
	bad "no policyd for the process tests"
fi
soft=$(awk '/^Max open files/ {print $4}' "/proc/$PR_PD/limits" 2>/dev/null)
hard=$(awk '/^Max open files/ {print $5}' "/proc/$PR_PD/limits" 2>/dev/null)
if [ -n "$soft" ] && [ "$soft" = "$hard" ] && [ "$soft" != 256 ]; then
	ok "policyd started with a soft limit of 256 descriptors runs with its hard limit ($hard)"
else bad "policyd's descriptor limit: soft $soft, hard $hard"; fi

# the state of process $1 that the attacks change: limits, CPUs, nice,
# scheduling policy (stat fields 19 and 41)
proc_state() {
	cat "/proc/$1/limits" 2>/dev/null
	grep Cpus_allowed_list "/proc/$1/status" 2>/dev/null
	awk '{print $19, $41}' "/proc/$1/stat" 2>/dev/null
}
# proc_attack MODE: natively static_proc_reach changes a sleep of ours;
# under agent-shell the same call on a sleep outside the session is
# refused (EPERM, rule other-process, audited) and the sleep is unchanged
proc_attack() {
	local mode=$1 v out before after
	sleep 60 & v=$!
	out=$(cd "$WS" && bin/static_proc_reach "$mode" "$v" 2>&1)
	kill "$v" 2>/dev/null; wait "$v" 2>/dev/null
	if ! grep -q "$mode: changed pid $v" <<<"$out"; then
		bad "$mode of another process: does not work even without tiergate: $out"; return
	fi
	sleep 60 & v=$!
	before=$(proc_state "$v")
	out=$(pr_shell "$BACKSTOP" bin/static_proc_reach "$mode" "$v")
	after=$(proc_state "$v")
	if grep -q "$mode: refused errno=1" <<<"$out" && grep -q "(rule other-process)" <<<"$out" &&
	   pr_refused other-process && [ "$before" = "$after" ] && kill -0 "$v" 2>/dev/null; then
		ok "$mode of a process outside the session: works natively; refused under tiergate (rule other-process, audited), the process unchanged"
	else bad "$mode of a process outside the session under tiergate: $out"; fi
	kill "$v" 2>/dev/null; wait "$v" 2>/dev/null
}
for m in fsize nofile affinity idle nice ionice kcmp pidfd; do proc_attack "$m"; done

# the attack of the issue: RLIMIT_FSIZE of 1 byte on policyd, then an
# audited refusal. Natively (prlimit from outside any session) policyd
# takes the limit; it must survive its audit log's EFBIG (SIGXFSZ
# ignored) and keep refusing. From inside a session the prlimit itself is
# refused, as are its siblings.
# The session opens first: policyd pins each new session's policy content
# in its run directory, and under a 1-byte limit it cannot, so it refuses
# new sessions (fail closed, checked below); the limit is set while one
# runs, as an attacker's would be.
echo original >"$WS/protected/keep"
rm -f "$WS/pr-ready" "$WS/pr-go"
# (its output through a pipe: policyd writes refusal lines to the
# caller's stderr itself, and a file there would be one more write past
# the limit)
pr_shell "$BACKSTOP" bash -c ': >pr-ready; while [ ! -e pr-go ]; do sleep 0.05; done; for i in 1 2 3; do bin/static_fs write protected/keep ""; done; bin/static_marker counted; echo done' | cat >"$PR/fsize.out" &
PR_SH=$!
for _ in $(seq 200); do [ -e "$WS/pr-ready" ] && break; sleep 0.05; done
out=$(cd "$WS" && bin/static_proc_reach fsize "$PR_PD" 2>&1)
if grep -q "fsize: changed pid $PR_PD" <<<"$out"; then
	lines=$(wc -l <"$PR_AUDIT")
	# three refusals, then an allow the policy audits (tier 2): refused
	# too, its audit line cannot be written
	: >"$WS/pr-go"
	wait "$PR_SH"
	out=$(cat "$PR/fsize.out")
	if kill -0 "$PR_PD" 2>/dev/null && grep -qx original "$WS/protected/keep" &&
	   [ "$(grep -c 'write: refused errno=13' <<<"$out")" = 3 ] && [ "$(wc -l <"$PR_AUDIT")" = "$lines" ] &&
	   grep -q "(rule audit-failed)" <<<"$out" && ! grep -q "program ran" <<<"$out"; then
		ok "policyd with RLIMIT_FSIZE 1 (set from outside): its audit writes fail (EFBIG), it does not die of SIGXFSZ, refusals stay refused and an audited allow is refused (rule audit-failed)"
	else bad "policyd with RLIMIT_FSIZE 1: alive=$(kill -0 "$PR_PD" 2>/dev/null && echo yes || echo no): $out"; fi
	out=$(pr_shell "$BACKSTOP" bin/static_marker opened)
	if ! grep -q "program ran" <<<"$out" && grep -q "cannot pin" <<<"$out" && kill -0 "$PR_PD" 2>/dev/null; then
		ok "policyd with RLIMIT_FSIZE 1: a new session is refused (its policy content cannot be pinned), policyd alive"
	else bad "policyd with RLIMIT_FSIZE 1: a new session: $out"; fi
	# the limit back, from outside, for the tests below
	prlimit --pid "$PR_PD" --fsize=unlimited: 2>/dev/null
else bad "prlimit of policyd does not work even without tiergate: $out"; fi
before=$(proc_state "$PR_PD")
out=$(pr_shell "$BACKSTOP" bash -c "for m in fsize nofile idle affinity nice ionice pidfd; do bin/static_proc_reach \$m $PR_PD; done; bin/static_fs write protected/keep ''")
if [ "$(grep -c ': refused errno=1$' <<<"$out")" = 7 ] && [ "$before" = "$(proc_state "$PR_PD")" ] &&
   kill -0 "$PR_PD" && grep -q "write: refused errno=13" <<<"$out"; then
	ok "a session cannot change policyd (limits, scheduling, nice, I/O priority, CPUs, a pidfd's signal): all refused, policyd unchanged and deciding"
else bad "a session changed policyd: $out"; fi
# agent-shell (the session's root, outside its sandbox) is not the
# session's to change either
out=$(pr_shell "$BACKSTOP" bash -c 'bin/static_proc_reach nofile $PPID')
if grep -q "nofile: refused errno=1" <<<"$out"; then ok "prlimit of agent-shell from its own session: refused"
else bad "prlimit of agent-shell from its session: $out"; fi
# the session's own processes stay its own to change
out=$(pr_shell "$BACKSTOP" bash -c 'sleep 20 & s=$!; for m in fsize affinity idle nice ionice pidfd; do bin/static_proc_reach $m $s; done; taskset -c 0 true && nice -n 5 true && renice -n 3 -p $$ >/dev/null && echo ordinary-ok')
if [ "$(grep -c "changed pid" <<<"$out")" = 6 ] && grep -q ordinary-ok <<<"$out" && ! grep -q "tiergate: refused" <<<"$out"; then
	ok "the same calls on the session's own processes work (and taskset, nice, renice)"
else bad "calls on the session's own processes: $out"; fi

# the terminal: TIOCSTI pushes a line the operator's shell would run
out=$(cd "$WS" && bin/static_tty_inject sti 2>&1); rc=$?
if [ $rc = 77 ]; then skip "TIOCSTI: $out"
elif grep -q "injected: echo pwned" <<<"$out"; then
	out=$(pr_shell "$BACKSTOP" bin/static_tty_inject sti)
	if grep -q "sti: refused errno=1" <<<"$out" && ! grep -q pwned <<<"$out"; then
		ok "TIOCSTI into a terminal: works natively, refused in a session (EPERM)"
	else bad "TIOCSTI in a session: $out"; fi
else skip "TIOCSTI does not work here even without tiergate (dev.tty.legacy_tiocsti=$(cat /proc/sys/dev/tty/legacy_tiocsti 2>/dev/null)): $out"; fi
out=$(cd "$WS" && bin/static_tty_inject linux 2>&1)
if grep -q "linux: pasted" <<<"$out"; then bad "TIOCLINUX works on a pty?: $out"
else
	skip "TIOCLINUX paste natively: needs a virtual console, this is a pty ($out)"
	out=$(pr_shell "$BACKSTOP" bin/static_tty_inject linux)
	if grep -q "linux: refused errno=1$" <<<"$out"; then ok "TIOCLINUX in a session: EPERM from the filter, before the terminal is asked"
	else bad "TIOCLINUX in a session: $out"; fi
fi

# the network below the address: UDP listeners outside the session
cat >"$PR/udp.py" <<'EOF'
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind((sys.argv[1], 0)); s.settimeout(float(sys.argv[2]))
print(s.getsockname()[1], flush=True)
try:
    while True:
        print(s.recv(100).decode(), flush=True)
except OSError:
    pass
EOF
# net_attack MODE ADDR POLICY WANT: natively a datagram reaches a
# listener on ADDR through static_net_raw MODE; in a session under POLICY
# WANT is "refused RULE" (nothing arrives, audited) or "sent"
net_attack() {
	local mode=$1 addr=$2 pol=$3 want=$4 port out got lp
	python3 "$PR/udp.py" "$addr" 15 >"$PR/udp.out" & lp=$!
	for _ in $(seq 100); do [ -s "$PR/udp.out" ] && break; sleep 0.05; done
	port=$(head -1 "$PR/udp.out")
	out=$(cd "$WS" && bin/static_net_raw "$mode" "$addr" "$port" 2>&1); rc=$?
	for _ in $(seq 20); do grep -q "tg-raw $mode" "$PR/udp.out" && break; sleep 0.05; done
	got=$(grep -c "tg-raw $mode" "$PR/udp.out")
	if [ $rc = 77 ]; then kill "$lp" 2>/dev/null; wait "$lp" 2>/dev/null; skip "$mode: $out"; return; fi
	# a packet socket's frame: seen on lo by a second one
	[ "$mode" = packet ] && grep -q "sent (seen on lo)" <<<"$out" && got=1
	if [ "$got" = 0 ]; then
		kill "$lp" 2>/dev/null; wait "$lp" 2>/dev/null
		bad "$mode send: does not work even without tiergate: $out"; return
	fi
	out=$(pr_shell "$pol" bin/static_net_raw "$mode" "$addr" "$port")
	sleep 0.3
	got=$(grep -c "tg-raw $mode" "$PR/udp.out")
	kill "$lp" 2>/dev/null; wait "$lp" 2>/dev/null
	if [ "$want" = sent ]; then
		if grep -q "$mode: sent" <<<"$out" && [ "$got" = 2 ]; then ok "$mode send under settings.raw_sockets: allow: works in a session"
		else bad "$mode send with raw sockets allowed: $out (got $got)"; fi
		return
	fi
	local rule=${want#refused }
	[ "$mode" = packet ] && got=1 # none came to the listener natively
	if grep -q "$mode: refused errno=1" <<<"$out" && grep -q "(rule $rule)" <<<"$out" &&
	   [ "$got" = 1 ] && pr_refused "$rule"; then
		ok "$mode send: reaches the listener natively; refused in a session (rule $rule, audited), nothing arrives"
	else bad "$mode send in a session: $out (datagrams: $got)"; fi
}
# sendto with sin_family AF_UNSPEC: UDP sends to sin_addr (127.0.0.2 is
# closed by the backstop policy)
net_attack unspec 127.0.0.2 "$BACKSTOP" "refused no-127-0-0-2"
net_attack sendmsg 127.0.0.2 "$BACKSTOP" "refused no-127-0-0-2"
net_attack sendmmsg 127.0.0.2 "$BACKSTOP" "refused no-127-0-0-2"
net_attack raw 127.0.0.1 "$BACKSTOP" "refused raw-sockets"
net_attack rawudp 127.0.0.1 "$BACKSTOP" "refused raw-sockets"
net_attack packet 127.0.0.1 "$BACKSTOP" "refused raw-sockets"
RAWOK=$PR/policy-raw.yaml
sed 's/^settings: { default: allow }/settings: { default: allow, raw_sockets: allow }/' "$BACKSTOP" >"$RAWOK"
net_attack raw 127.0.0.1 "$RAWOK" sent
# resolvers open raw netlink sockets: untouched
out=$(pr_shell "$BACKSTOP" bash -c 'ip -o link show lo && getent ahosts localhost >/dev/null && echo netlink-ok')
if grep -q "netlink-ok" <<<"$out" && ! grep -q "tiergate: refused" <<<"$out"; then ok "raw netlink sockets (ip, resolvers) still work in a session"
else bad "netlink in a session: $out"; fi

[ -n "$PR_PD" ] && kill "$PR_PD" 2>/dev/null
