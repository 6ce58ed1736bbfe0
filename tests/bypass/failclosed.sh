# Sourced by run.sh (its ok/bad/skip, $BIN, $WS, $BACKSTOP): the threat
# model's "What fails closed" for exec command lines past policyd's caps:
# an exec with more than 16,384 arguments, or over 1 MiB of them, which the
# kernel runs natively, never runs under a default-allow policy (never
# decided on a cut argv): on the kernel path policyd answers E2BIG, as the
# kernel does past its own limits, with a line and an audit record (rule
# sandbox); on the interposer's path it is refused with a line.
echo "== bypass suite (fails closed: exec command lines past policyd's caps)"
fc_try() { # fc_try LABEL ARGS-MAKER
	local label=$1 make=$2 out
	local cmd="/bin/true \$($make) && echo ran"
	out=$(cd "$WS" && bash -c "$cmd" 2>&1)
	if [ "$out" != ran ]; then skip "$label: the kernel does not run it natively here ($out)"; return; fi
	out=$(cd "$WS" && "$BIN/agent-shell" --user --policy "$BACKSTOP" -- bash -c "$cmd" 2>&1)
	local n1
	n1=$(grep -c 'argv over' "$TIERGATE_RUNDIR/audit.jsonl" 2>/dev/null)
	if ! grep -qx ran <<<"$out" && grep -q "Argument list too long" <<<"$out" &&
		grep -q 'tiergate: refused exec "/bin/true" (rule sandbox): the command line is too large' <<<"$out" &&
		[ "${n1:-0}" -gt "${FC_AUDITED:-0}" ]; then
		FC_AUDITED=$n1
		ok "$label: runs natively; never under tiergate (kernel path: E2BIG, a line, audited)"
	else bad "$label under tiergate (kernel path): $(head -c 400 <<<"$out")"; fi
	out=$(cd "$WS" && TIERGATE_TEST_NO_NOTIFY=1 "$BIN/agent-shell" --user --policy "$BACKSTOP" -- bash -c "$cmd" 2>&1)
	if ! grep -q "the kernel has no seccomp user notification" <<<"$out"; then
		skip "$label on the interposer's path: agent-shell ignored TIERGATE_TEST_NO_NOTIFY (not a test build)"
	elif ! grep -qx ran <<<"$out" && grep -q "tiergate: refused exec" <<<"$out"; then
		ok "$label: refused with a line on the interposer's path"
	else bad "$label under tiergate (interposer's path): $(head -c 400 <<<"$out")"; fi
}
fc_try "an exec with 16,385 arguments" "seq 1 16385"
fc_try "an exec with 1.2 MiB of arguments in 300 of them" "for i in \$(seq 300); do printf '%04096d ' 0; done"
