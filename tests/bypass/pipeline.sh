# Sourced by run.sh (its ok/bad/skip, $BIN, $TOP): requests sent on the
# agent socket without waiting for their answers.
#
# policyd handles every whole message one read brings before it looks at
# another connection. A session's process that sent its requests a
# megabyte at a time (thousands of DECIDEs a read) held every other
# session's calls while policyd answered them: 4 to 16 such connections
# took another session's write-opens from 0.23 ms to 145-328 ms (p50,
# max 741) in half the runs, as the reads filled (a review found it,
# 2026-12-07; the old policyd answers the 2,000 requests below in one
# turn, the latency check alone does not tell it). Every tiergate client
# waits for each answer before it asks again, and policyd now closes a
# connection on which a request came before the answer to the one before
# it was asked for (audited, kind protocol). Natively (a client that
# waits) each request is answered; a pipelining one is answered none and
# closed, and another session's calls keep their pace under a flood of
# them. A policyd of its own ($PL).
echo "== the agent socket: requests sent without waiting for their answers"
PL=$TOP/pipeline
PL_PY=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/pipeline.py
PL_POLICY=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/policy-session.yaml
mkdir -p "$PL/ws" "$PL/run"
(TIERGATE_RUNDIR=$PL/run exec "$BIN/policyd" --user --policy "$PL_POLICY" --audit "$PL/run/audit.jsonl" >/dev/null 2>&1)
for _ in $(seq 100); do [ -S "$PL/run/agent.sock" ] && [ -s "$PL/run/policyd.pid" ] && break; sleep 0.05; done
PL_PD=$(cat "$PL/run/policyd.pid" 2>/dev/null)
pl_session() { (cd "$PL/ws" && TIERGATE_RUNDIR=$PL/run TGP_MAGIC=$TGP_MAGIC timeout 60 "$BIN/agent-shell" --user --policy "$PL_POLICY" -- "$@" 2>&1); }
if [ -z "$PL_PD" ] || ! kill -0 "$PL_PD" 2>/dev/null; then
	bad "no policyd for the pipelining tests"
else
	out=$(TGP_MAGIC=$TGP_MAGIC python3 "$PL_PY" "$PL/run/agent.sock" wait 200 2>&1)
	in=$(pl_session python3 "$PL_PY" "$PL/run/agent.sock" wait 200)
	if [ "$out" = "answered 200" ] && grep -qx "answered 200" <<<"$in"; then
		ok "natively and in a session, a client that waits for each answer gets 200 of 200"
	else
		bad "a client that waits for each answer: natively '$out', in a session '$in'"
	fi
	in=$(pl_session python3 "$PL_PY" "$PL/run/agent.sock" pipe 2000)
	if grep -qx "answered 0 closed" <<<"$in" &&
	   grep -q '"kind":"protocol".*a request sent before the answer' "$PL/run/audit.jsonl"; then
		ok "in a session, 2,000 requests sent at once: none answered, the connection closed and audited"
	else
		bad "in a session, 2,000 requests sent at once: $in (policyd answered them in one turn)"
	fi
	base=$(pl_session python3 "$PL_PY" "$PL/run/agent.sock" victim 200 | grep '^p50')
	pl_session python3 "$PL_PY" "$PL/run/agent.sock" flood 8 8 >"$PL/flood.out" &
	pl_fl=$!
	sleep 1
	under=$(pl_session python3 "$PL_PY" "$PL/run/agent.sock" victim 300 | grep '^p50')
	wait "$pl_fl"
	p50=$(awk '{print $2}' <<<"$under")
	if [ -n "$p50" ] && awk -v p="$p50" 'BEGIN {exit !(p < 50)}'; then
		ok "another session's write-opens under a flood of 8 pipelining connections: ${under:-?} ms (alone: ${base:-?} ms)"
	else
		bad "another session's write-opens under a flood of 8 pipelining connections: ${under:-?} ms (alone: ${base:-?} ms)"
	fi
	kill "$PL_PD" 2>/dev/null
fi
