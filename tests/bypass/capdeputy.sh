# Sourced by run.sh (its ok/bad/skip, $BIN, $TOP, $WS, $POLICY): policyd
# opens, makes and removes names for a session's calls; the kernel's
# checks of those calls must see the session's capabilities, not
# policyd's. A root session has dropped several (CAP_SYS_ADMIN among
# them). The case shown: a terminal made exclusive (TIOCEXCL, what
# `policyctl watch` does to the operator's terminal) opens only for a
# process with CAP_SYS_ADMIN. Natively root opens it and a root process
# without CAP_SYS_ADMIN gets EBUSY; in a session the open must be refused
# the same way, and nothing reaches the terminal. Until 2026-12-08 a root
# policyd performed the open with its own capabilities and it succeeded.
echo "== bypass suite (policyd acts with the session's capabilities, not its own)"
CD=$TOP/capdeputy
mkdir -p "$CD"
# cd_pty: a pty made exclusive, held by a process of this test; its slave's
# name in $CD/pts, what arrives at its master in $CD/got
cd_pty() {
	rm -f "$CD/pts" "$CD/got"
	/usr/bin/python3 - "$CD" <<'EOF' &
import fcntl, os, sys, termios, time, select
d = sys.argv[1]
m, s = os.openpty()
fcntl.ioctl(s, termios.TIOCEXCL)
with open(d + "/pts.tmp", "w") as f:
    f.write(os.ttyname(s))
os.rename(d + "/pts.tmp", d + "/pts")
got = b""
end = time.time() + 30
while time.time() < end and not os.path.exists(d + "/stop"):
    r, _, _ = select.select([m], [], [], 0.1)
    if r:
        got += os.read(m, 4096)
        with open(d + "/got", "wb") as f:
            f.write(got)
EOF
	CD_PID=$!
	for _ in $(seq 100); do [ -s "$CD/pts" ] && break; sleep 0.05; done
}
cd_stop() { touch "$CD/stop"; wait "$CD_PID" 2>/dev/null; rm -f "$CD/stop"; }
# the writer: an open for writing, then a line; prints "wrote" or the errno
CD_WRITE='import errno, sys
try:
    f = open(sys.argv[1], "w")
    f.write("tg-capdeputy\n"); f.flush()
    print("wrote")
except OSError as e:
    print("refused " + errno.errorcode.get(e.errno, str(e.errno)))'
if [ "$(id -u)" != 0 ]; then
	skip "capdeputy: needs root (a root session, and a root policyd acting for it)"
elif [ ! -x /usr/bin/python3 ] || ! command -v setpriv >/dev/null; then
	skip "capdeputy: needs /usr/bin/python3 and setpriv"
else
	cd_pty
	pts=$(cat "$CD/pts" 2>/dev/null)
	if [ -z "$pts" ]; then
		bad "capdeputy: no pty made"
	else
		root=$(/usr/bin/python3 -c "$CD_WRITE" "$pts" 2>&1)
		nocap=$(setpriv --inh-caps=-sys_admin --bounding-set=-sys_admin /usr/bin/python3 -c "$CD_WRITE" "$pts" 2>&1)
		sleep 0.2
		if [ "$root" != wrote ] || [ "$nocap" != "refused EBUSY" ]; then
			bad "capdeputy: natively root should open the exclusive terminal and root without CAP_SYS_ADMIN get EBUSY (root: $root; without: $nocap)"
		else
			n0=$(grep -c tg-capdeputy "$CD/got")
			py=$(cd "$WS" && "$BIN/agent-shell" --user --policy "$POLICY" -- /usr/bin/python3 -c "$CD_WRITE" "$pts" 2>&1)
			sh=$(cd "$WS" && "$BIN/agent-shell" --user --policy "$POLICY" -- bash -c "echo tg-capdeputy > $pts && echo wrote" 2>&1)
			sleep 0.3
			n1=$(grep -c tg-capdeputy "$CD/got")
			if grep -q "refused EBUSY" <<<"$py" && ! grep -q wrote <<<"$sh" && [ "$n1" = "$n0" ]; then
				ok "capdeputy: natively root opens an exclusive terminal and root without CAP_SYS_ADMIN gets EBUSY; a root session gets EBUSY (python3, bash), nothing written"
			else
				bad "capdeputy: a root session opened the exclusive terminal $pts (python3: $py; bash: $sh; lines that arrived: $((n1 - n0)))"
			fi
		fi
	fi
	cd_stop
	# what a session may open still opens: a terminal not made exclusive
	/usr/bin/python3 - "$CD" <<'EOF' &
import os, sys, time
d = sys.argv[1]
m, s = os.openpty()
with open(d + "/pts2.tmp", "w") as f:
    f.write(os.ttyname(s))
os.rename(d + "/pts2.tmp", d + "/pts2")
end = time.time() + 20
while time.time() < end and not os.path.exists(d + "/stop2"):
    time.sleep(0.05)
EOF
	P2=$!
	for _ in $(seq 100); do [ -s "$CD/pts2" ] && break; sleep 0.05; done
	out=$(cd "$WS" && "$BIN/agent-shell" --user --policy "$POLICY" -- /usr/bin/python3 -c "$CD_WRITE" "$(cat "$CD/pts2")" 2>&1)
	touch "$CD/stop2"; wait "$P2" 2>/dev/null
	if [ "$out" = wrote ]; then ok "capdeputy: a terminal not made exclusive still opens in a root session"
	else bad "capdeputy: a plain terminal no longer opens in a session: $out"; fi
fi
