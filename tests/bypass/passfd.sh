# Sourced by run.sh (its ok/bad/skip, $BIN, $TOP): descriptors passed to
# policyd on its sockets.
#
# A TCP socket with SO_LINGER whose peer reads nothing makes its last
# close wait for the linger time. A session's process passed one to
# policyd (SCM_RIGHTS with half a message, its own copy closed, then the
# rest): policyd closed it after the message and waited there, every
# session's calls and policyctl with it, for as long as the linger said
# (10 s here; hours if asked; a review found it, 2026-12-07). Natively the
# close waits; now the kernel refuses descriptors to every connection but
# the one that opened a session (SO_PASSRIGHTS, Linux 6.16), and policyd
# turns a passed socket's linger off before it closes it (older kernels:
# a counted skip for the refusal, policyctl must still answer at once).
echo "== the agent socket: descriptors passed to policyd"
PF=$TOP/passfd
PF_PY=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/passfd.py
PF_POLICY=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/policy-session.yaml
mkdir -p "$PF/ws" "$PF/run"
(TIERGATE_RUNDIR=$PF/run exec "$BIN/policyd" --user --policy "$PF_POLICY" >/dev/null 2>&1)
for _ in $(seq 100); do [ -S "$PF/run/agent.sock" ] && [ -s "$PF/run/policyd.pid" ] && break; sleep 0.05; done
PF_PD=$(cat "$PF/run/policyd.pid" 2>/dev/null)
native=$(python3 "$PF_PY" 3 native 2>&1)
if ! grep -Eq "^closed in [3-9]" <<<"$native"; then
	bad "a lingering socket's last close does not wait even natively: $native"
elif [ -z "$PF_PD" ] || ! kill -0 "$PF_PD" 2>/dev/null; then
	bad "no policyd for the descriptor-passing test"
else
	(cd "$PF/ws" && TIERGATE_RUNDIR=$PF/run TGP_MAGIC=$TGP_MAGIC timeout 30 "$BIN/agent-shell" --user --policy "$PF_POLICY" -- \
		python3 "$PF_PY" 10 pass "$PF/run/agent.sock" >"$PF/out" 2>&1) &
	pf_as=$!
	for _ in $(seq 200); do [ -s "$PF/out" ] && break; sleep 0.05; done
	t0=$(date +%s%N)
	st=$(TIERGATE_RUNDIR=$PF/run timeout 20 "$BIN/policyctl" status 2>&1 | head -1)
	ms=$((($(date +%s%N) - t0) / 1000000))
	out=$(head -1 "$PF/out")
	if [ "$ms" -ge 2000 ] || ! grep -q "policyd: running" <<<"$st"; then
		bad "a lingering socket passed to policyd held it: policyctl answered in $ms ms ($out; natively $native)"
	elif grep -q "^refused errno=1$" <<<"$out"; then
		ok "natively a lingering socket's close waits ($native); in a session the kernel refuses to pass it to policyd (EPERM), policyctl answered in $ms ms"
	elif grep -q "^passed" <<<"$out"; then
		skip "this kernel passes descriptors to every connection (no SO_PASSRIGHTS); policyd closed the lingering socket without waiting (policyctl in $ms ms)"
	else
		bad "passing a lingering socket to policyd: $out (policyctl in $ms ms)"
	fi
	# the session ends by itself (at once where it was refused): then
	# policyd, which agent-shell may have started again meanwhile
	wait "$pf_as" 2>/dev/null
	PF_PD=$(cat "$PF/run/policyd.pid" 2>/dev/null)
	[ -n "$PF_PD" ] && kill "$PF_PD" 2>/dev/null
fi
