# Sourced by run.sh (its ok/bad/skip, $BIN, $TOP, $POLICY): a grant made
# for one call used for another. An operator approves `git push origin
# HEAD:main` for the session (git-push-remote, tier 3); the agent then
# points origin elsewhere (`git remote set-url`: a URL runs nothing, no
# prompt) and runs the same command line, which the grant, keyed by the
# command line, let through: the work pushed where the operator never
# said yes. Natively the same command line pushes to wherever origin
# points now; in a session the second URL is asked about again (the
# prompt shows the URL). A policyd of its own with --approvals ($GG).
echo "== bypass suite (a session grant of a git push)"
GG=$TOP/gitgrant
mkdir -p "$GG/run"
rm -rf "$GG/repo"
git init -q "$GG/repo" && git -C "$GG/repo" -c user.name=t -c user.email=t@t commit -q --allow-empty -m x
# names under .invalid resolve nowhere (RFC 6761): git fails at once,
# naming the URL it tried, with no connect to decide
GG_A=https://tiergate-a.invalid/approved.git GG_B=https://tiergate-b.invalid/elsewhere.git
GG_PUSH="GIT_TERMINAL_PROMPT=0 git push origin HEAD:main 2>&1 | grep -o \"unable to access '[^']*'\""
GG_SCRIPT="git remote add origin $GG_A; $GG_PUSH; $GG_PUSH; git remote set-url origin $GG_B; $GG_PUSH; echo done"
out=$(cd "$GG/repo" && bash -c "$GG_SCRIPT" 2>&1)
git -C "$GG/repo" remote remove origin
if [ "$(grep -c "approved.git" <<<"$out")" = 2 ] && grep -q "elsewhere.git" <<<"$out"; then
	(TIERGATE_RUNDIR=$GG/run exec "$BIN/policyd" --user --approvals --policy "$POLICY" >/dev/null 2>&1)
	for _ in $(seq 100); do [ -S "$GG/run/control.sock" ] && break; sleep 0.05; done
	(cd "$GG/repo" && TIERGATE_RUNDIR=$GG/run timeout 60 "$BIN/agent-shell" --user --policy "$POLICY" -- \
		bash -c "$GG_SCRIPT" >"$GG/out" 2>&1) &
	gg_sh=$!
	# gg_wait: the id of the prompt waiting now, if one comes in 5 s
	gg_wait() {
		local id
		for _ in $(seq 100); do
			id=$(TIERGATE_RUNDIR=$GG/run "$BIN/policyctl" pending --json 2>/dev/null |
				sed -n 's/^\[{"id":\([0-9]*\),.*/\1/p')
			[ -n "$id" ] && { echo "$id"; return; }
			sleep 0.05
		done
	}
	gg_1=$(gg_wait)
	[ -n "$gg_1" ] && TIERGATE_RUNDIR=$GG/run "$BIN/policyctl" approve "$gg_1" --session >/dev/null
	gg_2=$(gg_wait)
	gg_shown=$(TIERGATE_RUNDIR=$GG/run "$BIN/policyctl" pending 2>&1)
	[ -n "$gg_2" ] && TIERGATE_RUNDIR=$GG/run "$BIN/policyctl" deny "$gg_2" --reason gitgrant >/dev/null
	wait "$gg_sh"
	if [ -z "$gg_1" ]; then
		bad "git grant: the first push was not asked about: $(cat "$GG/out")"
	elif [ "$(grep -c "approved.git" "$GG/out")" = 2 ] && ! grep -q "unable to access.*elsewhere.git" "$GG/out" &&
	     [ -n "$gg_2" ] && grep -q "remote $GG_B" <<<"$gg_shown"; then
		ok "a session grant of git push origin HEAD:main: natively the same command line pushes to origin's new URL; in a session that URL is asked about again (shown in the prompt)"
	else bad "git grant under tiergate (second prompt: ${gg_2:-none}: $gg_shown): $(cat "$GG/out")"; fi
	kill "$(cat "$GG/run/policyd.pid" 2>/dev/null)" 2>/dev/null
else bad "git grant: the push does not follow origin's URL even without tiergate: $out"; fi
