#!/bin/bash
# tests/bypass/names_report.sh's body, in mount and network namespaces of
# its own (unshare -m -n: a bpffs for the eBPF layer's pins, a loopback,
# an /etc/hosts that names allowed.test): prints one line per result,
# "ok|bad|skip<TAB>text", for the caller to count.
# Usage: names_report_ns.sh BINDIR WORKDIR
set -u
BIN=$1 NR=$2
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/../tgp_version.sh"
say() { printf '%s\t%s\n' "$1" "$2"; }
nr_wait() { # nr_wait SECONDS CONDITION...
	local n=$(($1 * 20)); shift
	for _ in $(seq $n); do "$@" 2>/dev/null && return 0; sleep 0.05; done
	return 1
}
mkdir -p "$NR/ws" "$NR/run"
export TIERGATE_RUNDIR=$NR/run
mount -t bpf bpf /sys/fs/bpf 2>/dev/null || { say skip "names reported to policyd: cannot mount a bpffs"; exit 0; }
ip link set lo up
# policyd's own lookups and the session's: allowed.test is 127.0.0.1 (no
# DNS server needed), never 127.0.0.2
printf '127.0.0.1 allowed.test\n' >"$NR/hosts"
mount --bind "$NR/hosts" /etc/hosts || { say skip "names reported to policyd: cannot bind an /etc/hosts"; exit 0; }
# the reporting lie's target (127.0.0.2) and the name's address (127.0.0.1)
# reach one server
python3 -c 'import socket, sys, time
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("0.0.0.0", 0)); s.listen(64)
open(sys.argv[1] + ".tmp", "w").write(str(s.getsockname()[1]))
import os; os.rename(sys.argv[1] + ".tmp", sys.argv[1])
s.settimeout(1)
end = time.time() + 120
while time.time() < end:
    try: s.accept()[0].close()
    except OSError: pass' "$NR/port" &
SRV=$!
nr_wait 10 test -s "$NR/port"
P=$(cat "$NR/port")
cat >"$NR/policy.yaml" <<YAML
version: 1
name: names-report
settings: { default: deny }
rules:
  - { id: read-all, tier: 1, open: { path: ["/**"], access: [read] } }
  - { id: writes, tier: 1, open: { path: ["$NR/**", "/tmp/**", "/dev/null", "/dev/tty"], access: [write, create, delete] } }
  - { id: programs, tier: 1, exec: { path: ["/**"] } }
  - { id: by-name, tier: 1, connect: { host: [allowed.test], port: ["$P"] } }
YAML
PD=
stop() {
	[ -n "${AS:-}" ] && { : >"$NR/go"; : >"$NR/done"; nr_wait 10 bash -c "! kill -0 $AS"; kill "$AS" 2>/dev/null; }
	[ -n "$PD" ] && { kill "$PD" 2>/dev/null; nr_wait 5 bash -c "! kill -0 $PD"; }
	kill "$SRV" 2>/dev/null
}
trap stop EXIT
"$BIN/policyd" --system --policy "$NR/policy.yaml" --audit "$NR/run/audit.jsonl" >/dev/null 2>&1
nr_wait 10 bash -c "[ -S '$NR/run/agent.sock' ] && [ -s '$NR/run/policyd.pid' ]"
PD=$(cat "$NR/run/policyd.pid" 2>/dev/null)
"$BIN/policyctl" status >"$NR/status" 2>&1
if ! grep -Eq "eBPF cgroup egress +active" "$NR/status"; then
	say skip "names reported to policyd: the eBPF egress layer is not active here ($(grep -E "eBPF cgroup egress" "$NR/status" | sed 's/  */ /g' | head -c 200))"
	exit 0
fi
# connect_from CGROUP_DIR ADDR: a process moved into the session's cgroup
# (no interposer, no seccomp filter: the eBPF layer alone decides) or, with
# "", outside every session
connect_from() {
	python3 -c 'import socket, sys
if sys.argv[1]: open(sys.argv[1] + "/cgroup.procs", "w").write("0")
try: socket.create_connection((sys.argv[2], int(sys.argv[3])), timeout=5).close(); print("connected")
except OSError as e: print("errno=%s" % e.errno)' "$1" "$2" "$P"
}
out=$(connect_from "" 127.0.0.2)
if [ "$out" = connected ]; then
	say ok "natively 127.0.0.2:$P connects (the address the session will lie about)"
else
	say bad "natively 127.0.0.2:$P does not connect ($out): the attack cannot be told from a refusal"; exit 0
fi
( cd "$NR/ws" && exec "$BIN/agent-shell" --system --policy "$NR/policy.yaml" -- \
	python3 "$HERE/names_report.py" "$NR/run/agent.sock" allowed.test 127.0.0.2 "$P" "$NR/go" "$NR/done" "$NR/ws/out" ) >"$NR/as.out" 2>&1 &
AS=$!
nr_wait 30 test -s "$NR/ws/out.report"
CG=$(awk -F: '$1 == "0" {print $3}' "/proc/$AS/cgroup" 2>/dev/null)
CGDIR=$(awk '$3 == "cgroup2" {print $2; exit}' /proc/mounts)$CG
if ! grep -qx "reported 11" "$NR/ws/out.report" 2>/dev/null || [[ $CG != */tiergate*/* ]] || [ ! -d "$CGDIR" ]; then
	say bad "names reported to policyd: the session did not report (its output: $(head -c 300 "$NR/as.out"); $(cat "$NR/ws/out.report" 2>/dev/null))"; exit 0
fi
# the old policyd handed the reported address to the eBPF layer's host
# rules: the lie's address connected from the session's cgroup
out=$(connect_from "$CGDIR" 127.0.0.2)
if [ "$out" = errno=1 ]; then
	say ok "a session's report that allowed.test is 127.0.0.2 does not open 127.0.0.2 in the eBPF layer (EPERM)"
else
	say bad "a session's report that allowed.test is 127.0.0.2 opened 127.0.0.2:$P in the eBPF layer for its cgroup: $out"
fi
: >"$NR/go"
nr_wait 30 test -s "$NR/ws/out"
if grep -qx "lie errno=1" "$NR/ws/out" && grep -qx "host connected" "$NR/ws/out"; then
	say ok "in the session: the lie's address refused (kernel path), allowed.test itself connects (policyd's lookup)"
else
	say bad "in the session: $(tr '\n' ' ' <"$NR/ws/out" 2>/dev/null) (wanted: lie errno=1, host connected); $(head -c 300 "$NR/as.out")"
fi
# the name's own address, which policyd's lookup gave, is learned by the
# layer when policyd decides the connect: open there now too
out=$(connect_from "$CGDIR" 127.0.0.1)
if [ "$out" = connected ]; then
	say ok "the address policyd's own lookup gave allowed.test passes the eBPF layer"
else
	say bad "the address policyd's own lookup gave allowed.test is refused by the eBPF layer: $out"
fi
