# Sourced by run.sh (its bs_attack, ok/bad/skip, $BIN, $WS, $AUDIT, $LDSO,
# $BACKSTOP): a program is known by what it is, not by the name it runs
# under (issue 21, sections 4 and 5).
#
# A refusing exec rule that names a program (a literal path) refuses its
# copies and hard links too (engine/progid.c: size + SHA-256); ld.so, or a
# copy of it with bytes appended, is decided as the program it loads; a git
# with bytes appended is still git; and an exec rule that allows the git
# program never lifts the git rules' own default.
echo "== programs known by content"
PID_HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
BACKSTOP_SAVED=$BACKSTOP
BACKSTOP=$PID_HERE/policy-progid.yaml
cp "$WS/bin/static_marker" "$WS/denied/smarker"
cp "$WS/bin/marker" "$WS/denied/dmarker"
bs_attack "a copy of a denied program" "program ran" no-dmarker bash -c 'cp denied/dmarker out/copy && out/copy'
bs_attack "a hard link to a denied program" "program ran" no-dmarker bash -c 'ln -f denied/dmarker out/hard && out/hard'
cp "$WS/denied/smarker" "$WS/out/scopy"
bs_attack "a copy of a denied static program, by raw execve" "program ran" no-smarker bin/static_exec out/scopy
bs_attack "ld.so running a copy of a denied program" "program ran" no-dmarker bash -c "cp denied/dmarker out/copy2 && $LDSO out/copy2"
bs_attack "a copy of ld.so with bytes appended running a denied program" "program ran" no-dmarker bash -c "cp $LDSO out/myld && printf tail >>out/myld && out/myld denied/dmarker"
bs_attack "a copy of git with a byte appended, by raw execve" "not a git repository" no-git-push bash -c "cp \"\$(command -v git)\" out/g2 && printf x >>out/g2 && bin/raw_execve out/g2 push"
# git reads its environment: an alias given in GIT_CONFIG_* (and one in
# GIT_CONFIG_PARAMETERS, as `git -c` passes it on) is the push it names
bs_attack "a push under an alias set in GIT_CONFIG_COUNT/KEY/VALUE" "not a git repository" no-git-push env GIT_CONFIG_COUNT=1 GIT_CONFIG_KEY_0=alias.sp GIT_CONFIG_VALUE_0=push git sp
bs_attack "a push under an alias set in GIT_CONFIG_PARAMETERS" "not a git repository" no-git-push env "GIT_CONFIG_PARAMETERS='alias.sp'='push'" git sp
# an honest program that is not the denied one still runs (the same size
# as nothing refused, or the same size with other bytes)
out=$(cd "$WS" && "$BIN/agent-shell" --user --policy "$BACKSTOP" -- bash -c 'cp bin/marker out/fine && printf x >>out/fine && out/fine ok' 2>&1)
if grep -q "program ran: ok" <<<"$out"; then ok "a modified copy (other bytes) is another program and runs"
else bad "a program that is not the denied one was refused: $out"; fi
BACKSTOP=$BACKSTOP_SAVED

# git: the exec rules and the git rules together, strictest wins
GX=$WS/out/gx
rm -rf "$GX"; mkdir -p "$GX"
( cd "$GX" && git init -q . && git -c user.name=t -c user.email=t@t commit -q --allow-empty -m one &&
  git -c user.name=t -c user.email=t@t commit -q --allow-empty -m two ) >/dev/null 2>&1
out=$(cd "$GX" && git reset --hard HEAD~1 2>&1)
if grep -q "HEAD is now at" <<<"$out"; then
	( cd "$GX" && git -c user.name=t -c user.email=t@t commit -q --allow-empty -m two2 )
	before=$(cd "$GX" && git rev-parse HEAD)
	out=$(cd "$GX" && "$BIN/agent-shell" --user --policy "$PID_HERE/policy-gitexec.yaml" -- git reset --hard HEAD~1 2>&1)
	after=$(cd "$GX" && git rev-parse HEAD)
	if [ "$before" = "$after" ] && grep -q "(rule default)" <<<"$out" &&
	   grep '"decision":"refused"' "$AUDIT" | grep '"rule":"default"' | grep -q reset; then
		ok "git reset --hard where an exec rule allows git but no git rule allows reset: works natively, refused (the git rules' default, audited)"
	else bad "git reset --hard ran under an exec allow of git: $out"; fi
	out=$(cd "$GX" && "$BIN/agent-shell" --user --policy "$PID_HERE/policy-gitexec.yaml" -- git log --oneline 2>&1)
	if grep -q two2 <<<"$out"; then ok "git log (a git rule allows it) still runs under that policy"
	else bad "an allowed git command was refused: $out"; fi
else bad "git reset --hard does not work even without tiergate: $out"; fi
