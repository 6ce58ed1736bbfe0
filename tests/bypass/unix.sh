# Sourced by run.sh (its ok/bad/skip, $BIN, $TOP, $WS with the attack
# programs in $WS/bin, $AUDIT): Unix-socket connects are decided by the
# connect rules (connect: {unix: [...]}, issue 21 §2), on the socket the
# kernel reaches (symlinks followed, relative names from the caller's
# directory) and on abstract names. Each attack first connects natively,
# then is refused under agent-shell, by a static program (the kernel path
# alone) and a dynamic one (python3, with the interposer loaded). The
# sockets are the suite's own: never a real engine's or systemd's.
echo "== bypass suite (Unix sockets in connect rules: issue 21)"
UDIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
UNIXP=$UDIR/policy-unix.yaml
US=$TOP/usock
mkdir -p "$US" "$WS/ulinks"
UABS="tg-bypass-abs-$$"
python3 -c 'import socket,sys,time
ss=[]
for a in sys.argv[1:]:
	s=socket.socket(socket.AF_UNIX); s.bind("\0"+a[1:] if a[0]=="@" else a); s.listen(64); ss.append(s)
time.sleep(120)' "$US/engine.sock" "$US/ok.sock" "@$UABS" & USPID=$!
for _ in $(seq 50); do [ -S "$US/ok.sock" ] && break; sleep 0.1; done
ln -sf "$US/engine.sock" "$WS/ulinks/innocent.sock"
# a dynamic program's connect: "connected" or "connect: refused errno=N"
UPY='import socket,sys
a=sys.argv[1]; s=socket.socket(socket.AF_UNIX)
try: s.connect("\0"+a[1:] if a[0]=="@" else a); print("connected")
except OSError as e: print("connect: refused errno=%d" % e.errno)'
u_refused() { # u_refused RULE WHAT: audited as a refused connect by RULE
	grep '"decision":"refused"' "$AUDIT" | grep '"kind":"connect"' | grep "\"rule\":\"$1\"" | grep -qF "$2"
}
u_attack() { # u_attack LABEL RULE AUDITED DIR ADDR
	local label=$1 rule=$2 audited=$3 dir=$4 addr=$5 out
	for prog in static dynamic; do
		local cmd=("$WS/bin/static_unix" "$addr")
		[ $prog = dynamic ] && cmd=(python3 -c "$UPY" "$addr")
		out=$(cd "$dir" && "${cmd[@]}" 2>&1)
		if ! grep -q connected <<<"$out"; then
			bad "$label ($prog): does not connect even without tiergate: $out"; continue
		fi
		out=$(cd "$dir" && "$BIN/agent-shell" --user --policy "$UNIXP" -- "${cmd[@]}" 2>&1)
		if grep -q "connect: refused errno=1" <<<"$out" && grep -q "(rule $rule)" <<<"$out" &&
		   u_refused "$rule" "$audited"; then
			ok "$label ($prog): connects natively; refused under tiergate (rule $rule, audited)"
		else bad "$label ($prog): not refused the expected way: $out"; fi
	done
}
u_attack "connect to a denied Unix socket" unix-engine "usock/engine.sock" "$WS" "$US/engine.sock"
u_attack "the denied socket through a symlink in the workspace" unix-engine "usock/engine.sock" "$WS" "ulinks/innocent.sock"
u_attack "the denied socket by a name relative to the caller's directory" unix-engine "usock/engine.sock" "$US" "engine.sock"
u_attack "a denied abstract socket (no file)" unix-abstract-engine "@$UABS" "$WS" "@$UABS"
# a datagram sent to the denied name (sendto with an address)
mkdir -p "$US/dgram"
python3 -c 'import socket,sys,time
s=socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM); s.bind(sys.argv[1]); time.sleep(60)' "$US/dgram/engine.sock" & UDPID=$!
for _ in $(seq 50); do [ -S "$US/dgram/engine.sock" ] && break; sleep 0.1; done
out=$("$WS/bin/static_unix" send "$US/dgram/engine.sock" 2>&1)
if grep -q sent <<<"$out"; then
	out=$(cd "$WS" && "$BIN/agent-shell" --user --policy "$UNIXP" -- bin/static_unix send "$US/dgram/engine.sock" 2>&1)
	if grep -q "send: refused errno=1" <<<"$out" && grep -q "(rule unix-engine)" <<<"$out"; then
		ok "sendto a denied Unix datagram socket (static): sends natively; refused (rule unix-engine)"
	else bad "sendto a denied Unix datagram socket: $out"; fi
else bad "sendto a Unix datagram socket does not work even without tiergate: $out"; fi
kill "$UDPID" 2>/dev/null; wait "$UDPID" 2>/dev/null
out=$(cd "$WS" && "$BIN/agent-shell" --user --policy "$UNIXP" -- bash -c "bin/static_unix '$US/ok.sock'; python3 -c '$UPY' '$US/ok.sock'" 2>&1)
if [ "$(grep -c '^connected$' <<<"$out")" = 2 ]; then ok "a Unix socket no rule refuses still connects (static and dynamic)"
else bad "an allowed Unix socket under tiergate: $out"; fi
# the interposer's own hook (no kernel path): asks policyd about the
# socket, by the name as passed and the abstract name spelled @NAME, and
# keeps the refusal (256: TGPF_UNIX_ABSTRACT, common/tg_proto.h)
UA=$TOP/ualone
mkdir -p "$UA"
python3 "$UDIR/unix_policyd.py" "$UA/agent.sock" "$UA/log" "$UA/ready" & UAPID=$!
for _ in $(seq 50); do [ -e "$UA/ready" ] && break; sleep 0.1; done
out=$(cd "$US" && LD_PRELOAD="$BIN/libtiergate-preload.so" TIERGATE_SOCKET="$UA/agent.sock" \
	python3 -c "$UPY" engine.sock 2>&1; cd "$WS" && LD_PRELOAD="$BIN/libtiergate-preload.so" \
	TIERGATE_SOCKET="$UA/agent.sock" python3 -c "$UPY" "@$UABS" 2>&1)
if [ "$(grep -c 'connect: refused errno=1' <<<"$out")" = 2 ] &&
   grep -qx "unix engine.sock 0" "$UA/log" && grep -qx "unix @$UABS 256" "$UA/log"; then
	ok "the interposer alone asks policyd about Unix-socket connects (named and abstract) and keeps its refusal"
else bad "the interposer's Unix-socket connect hook: $out; asked: $(cat "$UA/log" 2>/dev/null)"; fi
# an exec asked by the interposer alone carries the variables git reads
# (GIT_CONFIG_COUNT/KEY/VALUE, GIT_CONFIG_PARAMETERS, HOME, a variable
# --config-env names), as the kernel path reads them from envp, and no
# other (HOME set: an environment without one, as CI's may be, has none
# to carry)
(cd "$WS" && LD_PRELOAD="$BIN/libtiergate-preload.so" TIERGATE_SOCKET="$UA/agent.sock" \
	GIT_CONFIG_COUNT=1 GIT_CONFIG_KEY_0=alias.x GIT_CONFIG_VALUE_0="push --force" \
	GIT_CONFIG_PARAMETERS="'remote.origin.url'='/x'" TGSECRET=s TGNAMED=v \
	HOME="${HOME:-/root}" /bin/sh -c '/bin/true --config-env=core.y=TGNAMED') >/dev/null 2>&1
if grep -qx "env GIT_CONFIG_COUNT=1" "$UA/log" && grep -qx "env GIT_CONFIG_KEY_0=alias.x" "$UA/log" &&
   grep -qx "env GIT_CONFIG_VALUE_0=push --force" "$UA/log" && grep -q "^env GIT_CONFIG_PARAMETERS=" "$UA/log" &&
   grep -qx "env TGNAMED=v" "$UA/log" && grep -q "^env HOME=" "$UA/log" && ! grep -q TGSECRET "$UA/log"; then
	ok "an exec asked by the interposer alone carries git's variables (GIT_CONFIG_*, HOME, --config-env's), nothing else"
else bad "git's variables on the interposer path: $(grep '^env' "$UA/log" | head -12 | tr '\n' ' ')"; fi
kill "$UAPID" "$USPID" 2>/dev/null; wait "$UAPID" "$USPID" 2>/dev/null
