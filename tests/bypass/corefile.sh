# Sourced by run.sh (its ok/bad/skip, $BIN, $WS with the attack programs in
# $WS/bin, $POLICY, $AUDIT): core files. A process that raises its own
# RLIMIT_CORE (not a call on another process) and crashes after chdir()
# has the kernel write a core file where it stands: natively a core in a
# repository's hooks directory; in a session the raise is refused (rule
# core-dumps, a line, audited) and no core is written. Lowering the limit
# keeps working (bash's ulimit -c 0, ssh-agent, prlimit with the old
# value read back).
echo "== bypass suite (core files written by the kernel)"
cf_dir=$WS/corefile/.git/hooks
for cf_mode in prlimit setrlimit; do
	rm -rf "$WS/corefile"; mkdir -p "$cf_dir"
	out=$(cd "$WS" && bin/static_corefile "$cf_mode" "$cf_dir" 2>&1); rc=$?
	if [ $rc -eq 77 ]; then skip "core file by $cf_mode: $out"; continue; fi
	if ! grep -q "core written in" <<<"$out"; then
		if [ "$(ulimit -Hc)" != unlimited ] && [ "$(id -u)" != 0 ]; then
			skip "core file by $cf_mode: the hard RLIMIT_CORE here is $(ulimit -Hc) (not root): $out"
		else bad "core file by $cf_mode: does not work even without tiergate (rc=$rc): $out"; fi
		continue
	fi
	rm -rf "$WS/corefile"; mkdir -p "$cf_dir"
	out=$(cd "$WS" && "$BIN/agent-shell" --user --policy "$POLICY" -- bin/static_corefile "$cf_mode" "$cf_dir" 2>&1)
	if grep -q "raise refused errno=1" <<<"$out" && grep -q "no core" <<<"$out" &&
	   grep -q "(rule core-dumps): core dumps are off in tiergate sessions" <<<"$out" &&
	   [ -z "$(ls -A "$cf_dir")" ] &&
	   grep '"decision":"refused"' "$AUDIT" | grep -q '"rule":"core-dumps"'; then
		ok "core file in .git/hooks after raising RLIMIT_CORE ($cf_mode): works natively; refused under tiergate (rule core-dumps, audited), no core written"
	else bad "core file by $cf_mode under tiergate: $out ($(ls -A "$cf_dir"))"; fi
done
rm -rf "$WS/corefile"
out=$(cd "$WS" && "$BIN/agent-shell" --user --policy "$POLICY" -- bash -c '
	echo "hard=$(ulimit -Hc)"
	ulimit -c 0 && echo "lowered"
	python3 -c "import resource; print(\"old\", resource.prlimit(0, resource.RLIMIT_CORE, (0, 0)))"
	ulimit -c unlimited || echo "raise failed"
	if command -v ssh-agent >/dev/null; then
		eval "$(ssh-agent -s)" >/dev/null && echo "ssh-agent ran" && ssh-agent -k >/dev/null
	else echo "ssh-agent ran (none installed)"; fi' 2>&1)
if grep -qx "hard=0" <<<"$out" && grep -qx lowered <<<"$out" && grep -qx "old (0, 0)" <<<"$out" &&
   grep -q "ssh-agent ran" <<<"$out" && grep -qx "raise failed" <<<"$out" &&
   grep -q "core file size of .*(rule core-dumps)" <<<"$out"; then
	ok "a session starts with RLIMIT_CORE {0, 0}; ulimit -c 0, prlimit (old value read back) and ssh-agent still lower it; ulimit -c unlimited fails with a line (rule core-dumps)"
else bad "core limits in a session: $out"; fi
