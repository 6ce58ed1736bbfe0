# Sourced by run.sh (its ok/bad/skip, $BIN, $TOP, $POLICY): a name that is
# a git builtin only in some git versions, taken for one in all. `replay`
# is a builtin from git 2.44; in git 2.39 to 2.43 it is an unknown name,
# and with help.autocorrect on (GIT_CONFIG_* in the environment: nothing
# written) git guesses `replace` and runs it: `git replay B A` made
# refs/replace/B, history rewritten (history-rewrite, tier 3) by a command
# line the policy allowed silently (git-local-more; on the argv-only path
# as on the full one). Natively the replacement is made; in a session the
# command is refused as git replace is. A git with replay of its own (2.44
# and later) cannot be led so: a counted skip.
echo "== bypass suite (builtins of some git versions: replay, history)"
GV=$TOP/gitversions
gv_repo() {
	rm -rf "$GV" && git init -q "$GV" &&
	git -C "$GV" -c user.name=t -c user.email=t@t commit -q --allow-empty -m a &&
	git -C "$GV" -c user.name=t -c user.email=t@t commit -q --allow-empty -m b
}
# gv_run [CMD...]: git replay HEAD HEAD~1 in $GV under CMD, autocorrect on
gv_run() {
	(cd "$GV" && GIT_CONFIG_COUNT=1 GIT_CONFIG_KEY_0=help.autocorrect GIT_CONFIG_VALUE_0=-1 \
		timeout 60 "$@" git replay "$(git rev-parse HEAD)" "$(git rev-parse HEAD~1)" 2>&1)
}
gv_repo
out=$(gv_run)
if [ -n "$(git -C "$GV" for-each-ref refs/replace)" ] && grep -q "you meant 'replace'" <<<"$out"; then
	gv_repo
	out=$(gv_run "$BIN/agent-shell" --user --policy "$POLICY" --)
	if [ -z "$(git -C "$GV" for-each-ref refs/replace)" ] && grep -q "(rule history-rewrite)" <<<"$out"; then
		ok "git replay autocorrected to git replace (git $(git --version | cut -d' ' -f3)): replaces natively; refused in a session (rule history-rewrite)"
	else bad "git replay autocorrected to git replace in a session: $out; $(git -C "$GV" for-each-ref refs/replace)"; fi
elif git replay -h 2>&1 | grep -q "usage: git replay"; then
	skip "git replay autocorrected: this git ($(git --version)) has replay as a builtin, no guess to lead"
else bad "git replay autocorrected to git replace: does not replace even without tiergate: $out"; fi

# The other side: a git whose replay and history are builtins rewrites a
# branch with them (replay moves the branches of its range from 2.5x;
# history rewords, drops, splits), which the default policy allowed
# silently (git-local-more) while rebase asks (history-rewrite). A git
# named git (2.5x) from TIERGATE_TEST_NEW_GIT, or the system's when it has
# replay: natively topic's history is rewritten; in a session refused.
GV_NEW=${TIERGATE_TEST_NEW_GIT:-git}
if "$GV_NEW" replay -h 2>&1 | grep -q -- "--ref-action" && [ "$(basename "$GV_NEW")" = git ]; then
	gv_topic() { # main a, b, c; topic from c with d; prints topic's log
		rm -rf "$GV" && "$GV_NEW" init -q -b main "$GV" 2>/dev/null && (cd "$GV" &&
		for m in a b c d; do
			[ $m = d ] && "$GV_NEW" checkout -q -b topic
			echo $m >$m && "$GV_NEW" add $m &&
			"$GV_NEW" -c maintenance.auto=false -c user.name=t -c user.email=t@t commit -qm $m
		done)
	}
	gv_log() { "$GV_NEW" -C "$GV" log --format=%s topic | tr '\n' ' '; }
	gv_topic
	(cd "$GV" && "$GV_NEW" replay --onto main~2 main..topic) >/dev/null 2>&1
	if [ "$(gv_log)" = "d a " ]; then
		gv_topic
		out=$(cd "$GV" && timeout 60 "$BIN/agent-shell" --user --policy "$POLICY" -- "$GV_NEW" replay --onto main~2 main..topic 2>&1)
		if [ "$(gv_log)" = "d c b a " ] && grep -q "(rule history-rewrite)" <<<"$out"; then
			ok "git replay --onto (git $("$GV_NEW" --version | cut -d' ' -f3)): rewrites topic natively; refused in a session (rule history-rewrite)"
		else bad "git replay --onto in a session: $out; topic: $(gv_log)"; fi
	else bad "git replay --onto main~2 main..topic: does not rewrite topic even without tiergate: $(gv_log)"; fi
else
	skip "git replay rewriting a branch: no git with replay's --ref-action here (git 2.5x; TIERGATE_TEST_NEW_GIT names one)"
fi
rm -rf "$GV"
