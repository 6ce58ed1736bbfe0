#!/bin/bash
# The eBPF egress layer under a system-mode policyd (root, cgroup v2):
# the kernel's decisions for a static program that no interposer and no
# seccomp filter sees (moved into a session's cgroup), audit lines with
# the session's name, names through policyd's DNS forwarder, a rate cap
# measured through a veth pair, a pinned layer outliving a policyd killed
# with SIGKILL and adopted by the next, and nothing left afterwards (no
# cgroup, no BPF object: bpftool).
# Runs in private mount and network namespaces of its own (bpffs for the
# pins, loopback, the veth pair, the peer namespace all go with them).
# Usage: egress.sh BINDIR PROGDIR STATIC_CONNECT
set -u
if [ -z "${TG_EGRESS_NS:-}" ]; then
	exec env TG_EGRESS_NS=1 unshare -m -n --propagation private "$0" "$@"
fi
BIN=$(cd "$1" && pwd) PROGS=$(cd "$2" && pwd) SC=$(realpath "$3")
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/lib.sh"

echo "== eBPF egress layer (system mode, its own namespaces)"
if [ "$(id -u)" != 0 ] || ! grep -q " cgroup2 " /proc/mounts || ! command -v bpftool >/dev/null; then
	skip "eBPF egress: needs root, a cgroup v2 mount and bpftool"
	echo "egress: $PASS passed, $FAIL failed, $SKIP skipped"; exit 0
fi
TOP=$(mktemp -d /tmp/tg-eg-XXXXXX)
export TIERGATE_RUNDIR=$TOP/run
export ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0
RUN=$TIERGATE_RUNDIR WS=$TOP/ws OUT=$TOP/out.txt ERR=$TOP/err.txt
mkdir -p "$WS" "$RUN"
PIDS=() # servers and sessions this test started
cleanup() {
	if [ "${FAIL:-0}" -gt 0 ] && [ -f "$RUN/policyd.log" ]; then
		echo "-- policyd.log (last 30 lines) --"; tail -30 "$RUN/policyd.log"
	fi
	stop_policyd
	for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done
	ip netns del tgeg-peer 2>/dev/null
	[ "${FAIL:-0}" -gt 0 ] && [ -n "${TG_EGRESS_KEEP:-}" ] && cp -r "$TOP" "$TG_EGRESS_KEEP"
	rm -rf "$TOP"
}
trap cleanup EXIT

mount -t bpf bpf /sys/fs/bpf || { bad "cannot mount a bpffs"; exit 1; }
# the peer namespace's name lives in a /run/netns of this mount namespace
# only (the machine's /run/netns is shared by every test run)
mkdir -p /run/netns && mount -t tmpfs -o mode=0755 tmpfs /run/netns ||
	{ bad "cannot mount a private /run/netns"; exit 1; }
ip link set lo up
ip netns add tgeg-peer && ip link add tgeg0 type veth peer name tgeg1 &&
	ip link set tgeg1 netns tgeg-peer && ip addr add 10.203.0.1/24 dev tgeg0 &&
	ip link set tgeg0 up && ip -n tgeg-peer addr add 10.203.0.2/24 dev tgeg1 &&
	ip -n tgeg-peer link set tgeg1 up && ip -n tgeg-peer link set lo up ||
	{ bad "cannot make the veth pair"; exit 1; }

read -r P_OK P_NO P_SINK P_ASK < <(python3 -c '
import socket
s=[socket.socket() for _ in range(4)]
[x.bind(("127.0.0.1",0)) for x in s]
print(*[x.getsockname()[1] for x in s])')
python3 "$PROGS/netserver.py" "$TOP/counts" 600 "$P_OK" "$P_NO" "$P_ASK" & PIDS+=($!)
ip netns exec tgeg-peer python3 "$PROGS/sink.py" 10.203.0.2 "$P_SINK" 600 & PIDS+=($!)
python3 "$PROGS/dnsserver.py" "$TOP/dnsport" 600 allowed.test=10.203.0.2 denied.test=10.203.0.2 & PIDS+=($!)
wait_for test -s "$TOP/dnsport" && wait_for test -s "$TOP/counts"
# policyd's upstream resolver (test build: TIERGATE_TEST_RESOLV_CONF);
# the sessions' own resolv.conf names whatever it names: port 53 of any
# address is steered to policyd
printf 'nameserver 127.0.0.1 %s\n' "$(cat "$TOP/dnsport")" >"$TOP/resolv.conf"
export TIERGATE_TEST_RESOLV_CONF=$TOP/resolv.conf

POLICY=$TOP/policy.yaml
cat >"$POLICY" <<YAML
version: 1
name: egress
settings: { default: deny }
rules:
  - { id: read-all, tier: 1, open: { path: ["/**"], access: [read] } }
  - { id: writes, tier: 1, open: { path: ["$TOP/**", "/tmp/**", "/dev/null", "/dev/tty"], access: [write, create, delete] } }
  - { id: programs, tier: 1, exec: { path: ["/**"] } }
  - { id: dns, tier: 1, connect: { cidr: [nameservers, "127.0.0.0/8"], port: [53] } }
  - { id: loop-ok, tier: 1, connect: { cidr: ["127.0.0.1/32"], port: ["$P_OK"] } }
  - { id: loop-no, action: deny, connect: { cidr: ["127.0.0.1/32"], port: ["$P_NO"] } }
  - { id: loop-ask, action: prompt, connect: { cidr: ["127.0.0.1/32"], port: ["$P_ASK"] } }
  - { id: by-name, tier: 1, connect: { host: [allowed.test], port: ["$P_SINK"] } }
  - { id: bad-name, action: deny, connect: { host: [denied.test] } }
limits: { egress_total: 100GiB }
YAML
# the same without limits: a session of it has no packet programs of its
# own and keeps no byte counts (bpf/egress_sessprogs.c)
NPOL=$TOP/nolimits.yaml
grep -v '^limits:' "$POLICY" >"$NPOL"
RPOL=$TOP/rate.yaml
cat >"$RPOL" <<YAML
version: 1
name: egress-rate
settings: { default: deny }
rules:
  - { id: read-all, tier: 1, open: { path: ["/**"], access: [read] } }
  - { id: writes, tier: 1, open: { path: ["$TOP/**", "/tmp/**", "/dev/null"], access: [write, create, delete] } }
  - { id: programs, tier: 1, exec: { path: ["/**"] } }
  - { id: peer, tier: 1, connect: { cidr: ["10.203.0.0/24"] } }
limits: { egress_rate: 2MiB/s }
YAML
"$BIN/policyctl" check -q "$POLICY" "$RPOL" "$NPOL" 2>/dev/null || bad "the test policies check"

start_system_policyd() {
	rm -f "$RUN/policyd.pid"
	"$BIN/policyd" --system --approvals --policy "$POLICY" --audit "$RUN/audit.jsonl" >/dev/null 2>&1 || return 1
	for _ in $(seq 200); do [ -S "$RUN/agent.sock" ] && [ -f "$RUN/policyd.pid" ] && break; sleep 0.05; done
	PD_PID=$(cat "$RUN/policyd.pid")
}
start_system_policyd || { bad "policyd --system did not start"; exit 1; }
"$BIN/policyctl" status >"$TOP/status" 2>&1
if grep -Eq "eBPF cgroup egress +off" "$TOP/status"; then
	# a host that cannot run the layer: counted, with policyd's reason
	skip "eBPF egress: $(grep -E "eBPF cgroup egress +off" "$TOP/status" | sed 's/  */ /g')"
	echo "egress: $PASS passed, $FAIL failed, $SKIP skipped"; exit 0
fi
check "status: eBPF cgroup egress active, with its attach types" \
	grep -Eq "eBPF cgroup egress +active +attached to .*attach types: connect4 connect6 sendmsg4 sendmsg6 .*sock_create cgroup_skb/egress" "$TOP/status"
check "status: the BPF LSM line says on or why it is off" \
	grep -Eq "BPF LSM +(off +load refused \([A-Z]+\)|off +available, not used)" "$TOP/status"
PARENT=$(sed -n 's/.*sessions in \(\/[^ ]*\)\/$/\1/p' "$TOP/status" | head -1)
PARENT=${PARENT:-$(sed -n 's/.*attached to \([^,]*\),.*/\1/p' "$TOP/status")}
check "the sessions' parent cgroup is under the cgroup v2 mount of /proc/mounts" \
	bash -c "awk '\$3==\"cgroup2\"{print \$2}' /proc/mounts | grep -qx '$(dirname "$PARENT")'"
PROG_IDS=$(bpftool cgroup show "$PARENT" 2>/dev/null | awk '$1 ~ /^[0-9]+$/ {print $1}')
# (the packet programs and sockops are the sessions' own: not here)
check "bpftool: the layer's programs are attached to the parent ($(echo $PROG_IDS | wc -w)), the deciding ones among them" \
	bash -c "[ $(echo $PROG_IDS | wc -w) -ge 9 ] && for p in tg_connect4 tg_connect6 tg_sendmsg4 tg_sendmsg6 tg_sock_create; do bpftool cgroup show '$PARENT' | grep -qw \$p || exit 1; done"
check "bpftool: the packet programs are not on the parent (per session only)" \
	bash -c "! bpftool cgroup show '$PARENT' | grep -Eq 'tg_skb_|tg_sockops'"

echo "== policyctl check: are limits: and host rules enforced here?"
"$BIN/policyctl" check "$POLICY" "$RPOL" >"$TOP/check.out" 2>"$TOP/check.err"; rc=$?
check "root, a system policyd with the layer active: check warns of nothing, exit 0" \
	bash -c "[ $rc = 0 ] && ! grep -q warning '$TOP/check.err'"

# a session that stays open; a static program moved into its cgroup by
# root is seen by neither the interposer nor the seccomp filter: only the
# kernel's programs decide for it
( cd "$WS" && exec "$BIN/agent-shell" --system --policy "$POLICY" --session eg-kernel -- sleep 300 ) </dev/null >"$TOP/shell.out" 2>&1 &
SHELL_PID=$!; PIDS+=($SHELL_PID)
wait_for grep -q "tiergate" "/proc/$SHELL_PID/cgroup"
CG=$(awk -F: '$1=="0"{print $3}' "/proc/$SHELL_PID/cgroup" 2>/dev/null)
CGDIR=$(awk '$3=="cgroup2"{print $2; exit}' /proc/mounts)$CG
if ! check "the session runs in a cgroup under the parent ($CG)" test "${CGDIR%/*}" = "$PARENT"; then
	cat "$TOP/shell.out"; exit 1
fi
in_cg() { sh -c 'echo $$ > "$0/cgroup.procs" && exec "$@"' "$CGDIR" "$@"; }
check "natively the static program reaches the refused port" bash -c "'$SC' 127.0.0.1 $P_NO | grep -qx connected"
check "in the session's cgroup: the allowed port connects (kernel)" bash -c "$(declare -f in_cg); CGDIR='$CGDIR' in_cg '$SC' 127.0.0.1 $P_OK | grep -qx connected"
check "in the session's cgroup: the denied port is refused by the kernel (EPERM)" bash -c "$(declare -f in_cg); CGDIR='$CGDIR' in_cg '$SC' 127.0.0.1 $P_NO | grep -q 'errno=1\$'"
check "the default (deny) holds for any other address" bash -c "$(declare -f in_cg); CGDIR='$CGDIR' in_cg '$SC' 10.203.0.2 $P_SINK | grep -q 'errno=1\$'"
check "audit line for the kernel's refusal, with the rule and the session's name" \
	wait_for audit_has '"kind":"connect"' "127.0.0.1:$P_NO/tcp" '"rule":"loop-no"' '"decision":"refused"' 'eBPF cgroup hook' 'session eg-kernel'

# a program the kernel refuses is told why on its stderr (policyd, from
# the ring buffer's event: after the fact, so this one waits a moment)
cat >"$TOP/refused.py" <<'PY'
import socket, sys, time
try:
    socket.create_connection((sys.argv[1], int(sys.argv[2])), timeout=5); print("connected")
except OSError as e:
    print("errno=%d" % e.errno)
sys.stdout.flush(); time.sleep(float(sys.argv[3]))
PY
CGDIR=$CGDIR bash -c "$(declare -f in_cg); in_cg python3 '$TOP/refused.py' 127.0.0.1 $P_NO 2" >"$TOP/refused.out" 2>"$TOP/refused.err"
check "a program in the session's cgroup refused by the kernel gets the one-line reason naming the rule" \
	bash -c "grep -qx errno=1 '$TOP/refused.out' && grep -qx 'tiergate: refused connect \"127.0.0.1:$P_NO/tcp\" (rule loop-no): refused by the kernel (eBPF egress layer)' '$TOP/refused.err'"

echo "== names through policyd's DNS forwarder"
( cd "$WS" && timeout 60 "$BIN/agent-shell" --system --policy "$POLICY" -- python3 -c '
import socket
for n in ("allowed.test", "denied.test"):
    try: print(n, socket.gethostbyname(n))
    except OSError as e: print(n, "failed")' ) >"$OUT" 2>"$ERR"
check "an allowed name resolves (through the forwarder)" grep -qx "allowed.test 10.203.0.2" "$OUT"
check "a denied name does not" grep -qx "denied.test failed" "$OUT"
check "the denied name never reached the resolver" bash -c "! grep -qx denied.test '$TOP/dnsport.log'"
check "audit line for the refused name" audit_has '"kind":"dns"' '"target":"denied.test"' '"rule":"bad-name"' '"decision":"refused"'
# the name's address, learned in the eg-kernel session too, opens the
# host rule's port in the kernel for the static program
in_cg_dns() { sh -c 'echo $$ > "$0/cgroup.procs" && exec "$@"' "$CGDIR" "$@"; }
( cd "$WS" && CG2=$CGDIR python3 - ) <<PY
import os, socket, struct
# a query straight to a public resolver from inside the session's cgroup:
# steered to policyd, whose answer teaches the kernel the address
with open(os.environ["CG2"] + "/cgroup.procs", "w") as f: f.write(str(os.getpid()))
q = struct.pack(">HHHHHH", 0x1234, 0x0100, 1, 0, 0, 0) + b"\x07allowed\x04test\x00\x00\x01\x00\x01"
# one try: a query the forwarder drops must fail this (its timeouts once
# expired queries up to a second early, and about one run in three lost
# this one)
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.settimeout(5)
s.sendto(q, ("8.8.8.8", 53))
a, peer = s.recvfrom(512)
open("$TOP/dig.txt", "w").write("%s %d answers=%d\n" % (peer[0], peer[1], struct.unpack(">H", a[6:8])[0]))
PY
check "a query to 8.8.8.8 from the session is answered by policyd's forwarder, as from 8.8.8.8" grep -qx "8.8.8.8 53 answers=1" "$TOP/dig.txt"
( cd "$WS" && CG2=$CGDIR python3 - ) <<PY
import os, socket, struct
with open(os.environ["CG2"] + "/cgroup.procs", "w") as f: f.write(str(os.getpid()))
q = struct.pack(">HHHHHH", 0x4321, 0x0100, 1, 0, 0, 0) + b"\x07allowed\x04test\x00\x00\x01\x00\x01"
s = socket.create_connection(("9.9.9.9", 53), timeout=5)
s.sendall(struct.pack(">H", len(q)) + q)
buf = b""
while len(buf) < 2 or len(buf) < 2 + struct.unpack(">H", buf[:2])[0]:
    d = s.recv(4096)
    if not d: break
    buf += d
a = buf[2:]
open("$TOP/tcp.txt", "w").write("%s id=%x answers=%d\n" % (s.getpeername()[0], struct.unpack(">H", a[:2])[0], struct.unpack(">H", a[6:8])[0]))
PY
check "over TCP too: a query to 9.9.9.9:53 is answered by the forwarder, with the program's ID" grep -qx "9.9.9.9 id=4321 answers=1" "$TOP/tcp.txt"
check "after that lookup the name's address is let through on the rule's port (kernel)" bash -c "$(declare -f in_cg); CGDIR='$CGDIR' in_cg '$SC' 10.203.0.2 $P_SINK | grep -qx connected"

echo "== the session's counters in the layer (policyctl sessions --json, status)"
check "1 MiB sent from the session's cgroup through the veth pair" bash -c "$(declare -f in_cg); CGDIR='$CGDIR' in_cg python3 '$PROGS/send_bytes.py' 10.203.0.2 $P_SINK 1048576 | grep -q '^sent 1048576 '"
"$BIN/policyctl" sessions --json eg-kernel >"$TOP/sessions.json" 2>&1
check "sessions --json: bytes, packets, connects, refusals, DNS steered, no drops (eg-kernel)" python3 -c "
import json
e = json.load(open('$TOP/sessions.json'))[0]['egress']
assert e['bytes_out'] >= 1048576 and 0 < e['bytes_in'] < e['bytes_out'], e
assert e['packets_out'] > 0 and e['packets_in'] > 0, e
assert e['connects'] >= 3 and e['refused'] >= 3 and e['refusals'] >= e['refused'], e
assert e['dns_steered'] >= 2 and e['drops'] == 0 and e['prompts'] == 0, e
assert e['egress_total_spent'] is False, e"
"$BIN/policyctl" status >"$TOP/status2" 2>&1
"$BIN/policyctl" status --json >"$TOP/status2.json" 2>&1
check "status: a counters line for the session" \
	grep -Eq "^  [^ ]+ eg-kernel: bytes_out [0-9]{7,}, bytes_in [1-9][0-9]*, .*connects [1-9][0-9]*, refusals [1-9][0-9]*, .*drops 0, " "$TOP/status2"
check "status --json: the session's counters, the same as sessions --json says (within what passed meanwhile)" python3 -c "
import json
st = json.load(open('$TOP/status2.json'))
e = [x for x in st['egress_sessions'] if x['name'] == 'eg-kernel'][0]['egress']
s = json.load(open('$TOP/sessions.json'))[0]['egress']
assert e['bytes_out'] >= s['bytes_out'] and e['refused'] >= s['refused'], (e, s)"

check "bpftool: the session of a policy with a total has its own packet programs" \
	bash -c "bpftool cgroup show '$CGDIR' | grep -q tg_skb_egress && bpftool cgroup show '$CGDIR' | grep -q tg_skb_ingress"
( cd "$WS" && exec "$BIN/agent-shell" --system --policy "$NPOL" --session eg-plain -- sleep 60 ) </dev/null >"$TOP/plain.out" 2>&1 &
PLAIN_PID=$!; PIDS+=($PLAIN_PID)
wait_for bash -c "'$BIN/policyctl' sessions --json eg-plain 2>/dev/null | grep -q packet_counters"
wait_for grep -q tiergate "/proc/$PLAIN_PID/cgroup"
"$BIN/policyctl" sessions --json eg-plain >"$TOP/plain.json" 2>&1
check "a session without rate or total limits: byte counters said off (never zeros), its other counters kept" python3 -c "
import json
e = json.load(open('$TOP/plain.json'))[0]['egress']
assert e['packet_counters'] == 'off' and all(e[k] == 'off' for k in ('bytes_out', 'bytes_in', 'packets_out', 'packets_in')), e
assert isinstance(e['connects'], int) and isinstance(e['refused'], int), e"
check "sessions --json: the session with a total says its byte counters are on" \
	bash -c "grep -q '\"packet_counters\":\"on\"' '$TOP/sessions.json'"
PCG=$(awk -F: '$1=="0"{print $3}' "/proc/$PLAIN_PID/cgroup" 2>/dev/null)
PCGDIR=$(awk '$3=="cgroup2"{print $2; exit}' /proc/mounts)$PCG
check "bpftool: and no packet program on its cgroup" \
	bash -c "[ -n '$PCG' ] && [ -d '$PCGDIR' ] && ! bpftool cgroup show '$PCGDIR' | grep -q tg_skb"
kill "$PLAIN_PID" 2>/dev/null; wait "$PLAIN_PID" 2>/dev/null
# its command (sleep) is ours too: by the pids in its cgroup
[ -n "$PCG" ] && for p in $(cat "$PCGDIR/cgroup.procs" 2>/dev/null); do kill "$p" 2>/dev/null; done

echo "== a prompt-tier connect waits for the operator; approved, it passes the kernel"
ask_wait_id() { # the newest waiting prompt's id, within 20 s
	local i
	for _ in $(seq 400); do
		i=$("$BIN/policyctl" pending --json 2>/dev/null | grep -o '"id":[0-9]*' | cut -d: -f2 | tail -1)
		[ -n "$i" ] && { echo "$i"; return 0; }
		sleep 0.05
	done
	return 1
}
( cd "$WS" && exec timeout 60 "$BIN/agent-shell" --system --policy "$POLICY" --session eg-ask -- python3 "$TOP/refused.py" 127.0.0.1 "$P_ASK" 0 ) >"$TOP/ask.out" 2>"$TOP/ask.err" &
ASK=$!; PIDS+=($ASK)
id=$(ask_wait_id)
check "the prompt-tier connect waits for an operator (prompt #${id:-?})" test -n "$id"
sleep 0.5
check "nothing connected meanwhile" bash -c "kill -0 $ASK && [ ! -s '$TOP/ask.out' ] && grep -qw '$P_ASK=0' '$TOP/counts'"
"$BIN/policyctl" approve "${id:-0}" >/dev/null
wait "$ASK"
check "approved: the connect passes the kernel too" grep -qx connected "$TOP/ask.out"
check "the server saw the connection" wait_for grep -qw "$P_ASK=1" "$TOP/counts"
check "no refusal line for it" bash -c "! grep -q refused '$TOP/ask.err'"
check "audit: the connect allowed, naming its prompt" audit_has '"kind":"connect"' "127.0.0.1:$P_ASK/tcp" '"decision":"allowed"' "prompt #$id approved"
check "audit: no refusal by the kernel for it" bash -c "! grep 'eBPF cgroup hook' '$RUN/audit.jsonl' | grep -q '127.0.0.1:$P_ASK/tcp'"
# another session (eg-kernel) has no approval: the kernel refuses the port
# to a program there that policyd never saw (nobody could be asked)
check "another session's static program is refused the prompt-tier port by the kernel" bash -c "$(declare -f in_cg); CGDIR='$CGDIR' in_cg '$SC' 127.0.0.1 $P_ASK | grep -q 'errno=1\$'"
check "audit: that refusal, action prompt, rule loop-ask" \
	wait_for audit_has '"kind":"connect"' "127.0.0.1:$P_ASK/tcp" '"rule":"loop-ask"' '"action":"prompt"' '"decision":"refused"' 'session eg-kernel'
check "sessions --json counts it as a prompt" bash -c "'$BIN/policyctl' sessions --json eg-kernel | grep -q '\"prompts\":[1-9]'"

echo "== user mode: no session cgroups, no layer; limits said unenforced once"
URUN=$TOP/urun
mkdir -p "$URUN"
TIERGATE_RUNDIR=$URUN "$BIN/policyd" --user --policy "$RPOL" --audit "$URUN/audit.jsonl" >/dev/null 2>&1
wait_for test -S "$URUN/control.sock" && wait_for test -s "$URUN/policyd.pid"
UPD=$(cat "$URUN/policyd.pid" 2>/dev/null); [ -n "$UPD" ] && PIDS+=($UPD)
( cd "$WS" && TIERGATE_RUNDIR=$URUN exec timeout 30 "$BIN/agent-shell" --user --policy "$RPOL" --session eg-user -- true ) >/dev/null 2>&1
u_audit() { RUN=$URUN audit_has "$@"; }
check "user mode: a session with limits: is told at its start that nothing enforces them (audit)" \
	u_audit '"kind":"session"' '"decision":"unenforced"' '"session_name":"eg-user"' 'limits: not enforced (eBPF egress layer off'
check "user mode: once (one such line)" test "$(grep -c '"decision":"unenforced"' "$URUN/audit.jsonl")" = 1
check "user mode: status says the eBPF layer is off and that limits: are not enforced" \
	bash -c "TIERGATE_RUNDIR='$URUN' '$BIN/policyctl' status | grep -Eq 'eBPF cgroup egress +off .*limits: are not enforced'"
TIERGATE_RUNDIR=$URUN "$BIN/policyctl" check "$RPOL" "$POLICY" >"$TOP/ucheck.out" 2>"$TOP/ucheck.err"; rc=$?
LL=$(grep -n '^limits:' "$RPOL" | cut -d: -f1) HL=$(grep -n 'id: by-name' "$POLICY" | cut -d: -f1)
check "user-mode policyd: check warns at the limits: key (line $LL), naming the running policyd and its reason; exit 0" \
	bash -c "[ $rc = 0 ] && grep -Eq '^$RPOL:$LL:1: warning: limits: not enforced on this host.*the running policyd \(pid $UPD, user mode\) has its eBPF cgroup egress layer off' '$TOP/ucheck.err'"
check "user-mode policyd: and at the host rule by-name (line $HL)" \
	grep -Eq "^$POLICY:$HL:[0-9]+: warning: rule 'by-name' names hosts" "$TOP/ucheck.err"
# no policyd, an unprivileged user: a probe, said to be one
PUB=$(mktemp -d /tmp/tg-eg-pub-XXXXXX); chmod 755 "$PUB"; cp "$RPOL" "$PUB/rate.yaml"; chmod 644 "$PUB/rate.yaml"
TIERGATE_RUNDIR=$PUB/run setpriv --reuid=65534 --regid=65534 --clear-groups "$BIN/policyctl" check "$PUB/rate.yaml" >"$TOP/pcheck.out" 2>"$TOP/pcheck.err"; rc=$?
check "no policyd, uid 65534: check probes and warns at limits: (user mode), exit 0" \
	bash -c "[ $rc = 0 ] && grep -Eq '^$PUB/rate.yaml:$LL:1: warning: limits: not enforced on this host.*probe \(no policyd answers; assuming policyd would run as this user, uid 65534\): policyd would run in user mode' '$TOP/pcheck.err'"
rm -rf "$PUB"
[ -n "$UPD" ] && kill "$UPD" 2>/dev/null
for _ in $(seq 100); do [ -n "$UPD" ] && kill -0 "$UPD" 2>/dev/null || break; sleep 0.05; done

echo "== the rate cap (limits: egress_rate 2MiB/s), through the veth pair"
python3 "$PROGS/send_bytes.py" 10.203.0.2 "$P_SINK" 4194304 >"$TOP/native-rate" 2>&1
( cd "$WS" && timeout 120 "$BIN/agent-shell" --system --policy "$RPOL" --session eg-rate -- python3 "$PROGS/send_bytes.py" 10.203.0.2 "$P_SINK" 20971520 ) >"$OUT" 2>"$ERR"
secs=$(sed -n 's/^sent 20971520 in \([0-9.]*\) s$/\1/p' "$OUT")
nsecs=$(sed -n 's/^sent 4194304 in \([0-9.]*\) s$/\1/p' "$TOP/native-rate")
rate=$(python3 -c "print('%.3f' % (20971520 / float('${secs:-0}' or 'inf') / 2097152))" 2>/dev/null)
echo "  20 MiB at 2 MiB/s: ${secs:-?} s (rate ${rate:-?} x the cap); natively 4 MiB in ${nsecs:-?} s"
check "20 MiB at a 2 MiB/s cap arrive within 5% of the cap (${rate:-?}x)" \
	python3 -c "import sys; r=float('${rate:-0}'); sys.exit(0 if 0.95 <= r <= 1.05 else 1)"
check "natively (no session) the same path is faster than the cap" \
	python3 -c "import sys; sys.exit(0 if 4194304/float('${nsecs:-1000}') > 3*2097152 else 1)"

echo "== a pinned layer outlives a policyd killed with SIGKILL and is adopted"
kill -9 "$PD_PID"; sleep 0.3
check "policyd dead: the session's cgroup is still refused the denied port" bash -c "$(declare -f in_cg); CGDIR='$CGDIR' in_cg '$SC' 127.0.0.1 $P_NO | grep -q 'errno=1\$'"
check "and still let through to the allowed one" bash -c "$(declare -f in_cg); CGDIR='$CGDIR' in_cg '$SC' 127.0.0.1 $P_OK | grep -qx connected"
PD_PID=
start_system_policyd || bad "policyd did not start again"
check "the new policyd adopted the pinned layer with the earlier session" \
	wait_for grep -Eq "eBPF egress layer attached .*pinned.*\(([1-9][0-9]*) sessions of an earlier policyd kept\)" "$RUN/policyd.log"
check "after the adoption: still refused in the kernel" bash -c "$(declare -f in_cg); CGDIR='$CGDIR' in_cg '$SC' 127.0.0.1 $P_NO | grep -q 'errno=1\$'"
check "and still let through" bash -c "$(declare -f in_cg); CGDIR='$CGDIR' in_cg '$SC' 127.0.0.1 $P_OK | grep -qx connected"
check "the adopted session's refusals are audited by the new policyd" \
	wait_for audit_has '"kind":"connect"' "127.0.0.1:$P_NO/tcp" '"decision":"refused"' 'eBPF cgroup hook'

echo "== nothing left afterwards"
kill "$SHELL_PID" 2>/dev/null; wait "$SHELL_PID" 2>/dev/null
# the session's command (sleep) is ours too: by the pids in its cgroup
for p in $(cat "$CGDIR/cgroup.procs" 2>/dev/null); do kill "$p" 2>/dev/null; done
check "the left-over session cgroup is removed once it is empty" wait_for test ! -d "$CGDIR"
stop_policyd
check "no session cgroup and no parent cgroup left" test ! -d "$PARENT"
# (maps.debug and progs.debug are the bpffs's own iterators, in every mount)
check "no pinned object left in the bpffs" bash -c "[ -z \"\$(ls -A /sys/fs/bpf | grep -v '\.debug\$')\" ]"
left=0; for id in $PROG_IDS; do bpftool prog show id "$id" >/dev/null 2>&1 && left=$((left + 1)); done
check "bpftool: none of the layer's programs exists any more ($left left)" test "$left" = 0

echo "egress: $PASS passed, $FAIL failed, $SKIP skipped"
[ "$FAIL" -eq 0 ]
