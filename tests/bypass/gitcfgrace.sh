# Sourced by run.sh (its ok/bad/skip, $BIN, $TOP, $POLICY, $AUDIT): a push
# whose config another process rewrites after policyd decided it. git
# reads its config after the exec; with GIT_TRACE naming a FIFO that the
# agent holds full, git waits at its first trace line, after the exec and
# before it reads the config, as long as the agent likes. A decided
# `git push origin topic` then read `remote.origin.push =
# +refs/heads/topic:refs/heads/main` and force-pushed topic onto main,
# which default.yaml never allows (no-force-push-protected), also with the
# config written back before the transport (tests/bypass/git_cfg_race.py:
# swap, undo). Both did under tiergate until 2026-12-07; now the push's
# transport (its git-receive-pack) is refused: a file the decision read
# is not as it was (rule git_race, policyd/gitwatch.h).
echo "== bypass suite (a push's config rewritten after its decision)"
CR=$TOP/cfgrace
CRPY=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/git_cfg_race.py
cr_repo() { # CR/origin.git with main = main2; CR/repo on topic (not a descendant)
	rm -rf "$CR"; mkdir -p "$CR"
	git init -q --bare "$CR/origin.git" && git init -q "$CR/repo" && (
		cd "$CR/repo" && g() { git -c user.email=t@t -c user.name=t "$@"; } &&
		g commit -q --allow-empty -m x && git remote add origin "$CR/origin.git" &&
		g commit -q --allow-empty -m main2 && git push -q origin HEAD:refs/heads/main &&
		git checkout -q -b topic HEAD~1 && g commit -q --allow-empty -m topic &&
		python3 -c 'l=b"\tpush = +refs/heads/topic:refs/heads/main\n"; open(".git/config","ab").write(b"#"+b"x"*(len(l)-2)+b"\n")')
}
cr_main() { git -C "$CR/origin.git" log --format=%s -1 main; }
for mode in swap undo; do
	cr_repo
	out=$(cd "$CR/repo" && python3 "$CRPY" $mode 2>&1)
	if ! grep -qx pushed <<<"$out" || [ "$(cr_main)" != topic ]; then
		bad "config rewritten after a push's decision ($mode): topic not forced onto main even without tiergate ($out)"; continue
	fi
	cr_repo
	out=$(cd "$CR" && "$BIN/agent-shell" --user --policy "$POLICY" -- bash -c 'cd repo && exec python3 "$0" "$1"' "$CRPY" $mode 2>&1)
	if [ "$(cr_main)" = main2 ] && ! grep -qx pushed <<<"$out" && grep -q "(rule git_race)" <<<"$out" &&
	   grep '"rule":"git_race"' "$AUDIT" | grep -q "changed: $CR/repo/.git/config"; then
		ok "git push origin topic, its .git/config given a forcing push refspec for main after the decision ($mode): forced natively; its transport refused (git_race, audited)"
	else bad "config rewritten after a push's decision ($mode) under tiergate: main is $(cr_main): $out"; fi
done
# the same push nobody races pushes, and so does one whose config git
# itself changes after its transport (push -u)
cr_repo
out=$(cd "$CR" && "$BIN/agent-shell" --user --policy "$POLICY" -- bash -c 'cd repo && git push -q -u origin topic && git push -q origin topic:t2 && echo pushed' 2>&1)
if grep -qx pushed <<<"$out" && [ "$(git -C "$CR/origin.git" log --format=%s -1 t2)" = topic ]; then
	ok "a push nobody races still pushes (also push -u, which writes its config after the transport)"
else bad "an honest push under tiergate: $out"; fi
rm -rf "$CR"
