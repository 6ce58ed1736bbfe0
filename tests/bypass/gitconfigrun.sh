# Sourced by run.sh (its ok/bad/skip, $BIN, $TOP, $POLICY): config keys
# that name a program git runs later, outside the session, for whoever
# runs git in the repository, without being a command line themselves.
# remote.NAME.vcs: a fetch or push of the remote runs the helper
# git-remote-VCS, and a VCS with a '/' in it ("x/y") is a path from the
# work tree's top (git-remote-x/y, a file the agent may write); diff.tool
# (merge.tool, the gui ones): difftool sources git's mergetools/TOOL, and
# "../../x" reaches any file. Both keys were silent (tier 1) until
# 2026-12-07, as everyday remote and tool settings; now
# git-command-config asks. Natively the user's next git fetch, or git
# difftool, runs the agent's script; in a session the git config is
# refused and nothing is set.
echo "== bypass suite (config keys that name a program git runs later)"
GC=$TOP/gitconfigrun
gc_repo() {
	rm -rf "$GC" && mkdir -p "$GC" && git init -q "$GC/r" &&
	(cd "$GC/r" && echo a >f && git add f &&
	 git -c user.name=t -c user.email=t@t commit -qm a && echo b >f &&
	 git remote add origin https://tiergate.invalid/x.git &&
	 mkdir git-remote-x && printf '#!/bin/sh\ntouch "%s/ran-vcs"; exit 1\n' "$GC" >git-remote-x/y &&
	 chmod +x git-remote-x/y && printf 'touch "%s/ran-tool"\nexit 1\n' "$GC" >"$GC/tool")
}
# gc_try NAME KEY VALUE LATER: the agent's git config (natively, or in a
# session when AS is set), then the user's LATER, outside any session
gc_try() {
	local name=$1 key=$2 val=$3 later=$4 out
	gc_repo
	(cd "$GC/r" && git config "$key" "$val" && eval "$later") >/dev/null 2>&1
	if [ ! -e "$GC/ran-$name" ]; then
		bad "$key: the user's later git does not run the agent's script even without tiergate"; return
	fi
	gc_repo
	out=$(cd "$GC/r" && timeout 60 "$BIN/agent-shell" --user --policy "$POLICY" -- git config "$key" "$val" 2>&1)
	(cd "$GC/r" && eval "$later") >/dev/null 2>&1
	if [ ! -e "$GC/ran-$name" ] && [ -z "$(git -C "$GC/r" config "$key")" ] &&
	   grep -q "(rule git-command-config)" <<<"$out"; then
		ok "git config $key $val: the user's next $later runs it natively; refused in a session (git-command-config)"
	else bad "git config $key $val in a session: $out"; fi
}
gc_try vcs remote.origin.vcs x/y "git fetch -q origin"
gc_try tool diff.tool "../../../../../../../../../..$GC/tool" "git difftool -y"
rm -rf "$GC"
