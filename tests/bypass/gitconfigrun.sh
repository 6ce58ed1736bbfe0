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
# refused and nothing is set. And .git/commondir (below).
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
# .git/commondir: git takes the config, hooks, refs and objects of the
# directory it names instead of .git's own (a linked work tree's is
# written by git worktree add; a repository's own, never). A copy of .git
# in /tmp with a pre-commit hook and the repository's .git/commondir naming
# it were writes of the scratch space and the workspace (tier 1, no audit
# line), and the user's next git commit ran the hook; now a security file
# (tier 3), as .git/hooks/ is.
gc_plant='cp -a .git "$0/evil" && printf "#!/bin/sh\ntouch \"%s/ran-commondir\"\n" "$0" >"$0/evil/hooks/pre-commit" &&
	chmod +x "$0/evil/hooks/pre-commit" && echo "$0/evil" >.git/commondir'
gc_commit() { (cd "$GC/r" && git -c user.name=t -c user.email=t@t commit -qam b) >/dev/null 2>&1; }
gc_repo; (cd "$GC/r" && bash -c "$gc_plant" "$GC") >/dev/null 2>&1; gc_commit
if [ -e "$GC/ran-commondir" ]; then
	gc_repo
	out=$(cd "$GC/r" && timeout 60 "$BIN/agent-shell" --user --policy "$POLICY" -- bash -c "$gc_plant" "$GC" 2>&1)
	gc_commit
	if [ ! -e "$GC/ran-commondir" ] && [ ! -e "$GC/r/.git/commondir" ] && grep -q "(rule security-files)" <<<"$out"; then
		ok ".git/commondir naming a copy of .git with a hook: the user's next git commit runs it natively; refused in a session (security-files)"
	else bad ".git/commondir in a session: $out"; fi
else bad ".git/commondir: the user's next git commit does not run the hook even without tiergate"; fi
# A submodule's config (.git/modules/NAME/config): a write of the
# workspace, tier 1 with no audit line, where .git/config's is logged; a
# core.fsmonitor there runs at the user's next git status in the
# superproject (which asks the submodule). Logged since 2026-12-07
# (git-config-file), as the repository's own config is: allowed, and in
# the audit log.
gc_sub() {
	gc_repo && git init -q "$GC/subsrc" &&
	(cd "$GC/subsrc" && echo s >s && git add s && git -c user.name=t -c user.email=t@t commit -qm s) &&
	(cd "$GC/r" && git -c protocol.file.allow=always submodule add -q "$GC/subsrc" sub &&
	 git -c user.name=t -c user.email=t@t commit -qm sub) >/dev/null 2>&1
}
gc_fsm="printf '[core]\\n\\tfsmonitor = \"touch $GC/ran-fsmonitor; false\"\\n' >>.git/modules/sub/config"
gc_sub; (cd "$GC/r" && bash -c "$gc_fsm" && git status -s) >/dev/null 2>&1
if [ -e "$GC/ran-fsmonitor" ]; then
	gc_sub
	gc_a=${AUDIT:-$TIERGATE_RUNDIR/audit.jsonl}
	out=$(cd "$GC/r" && timeout 60 "$BIN/agent-shell" --user --policy "$POLICY" -- bash -c "$gc_fsm" 2>&1)
	if grep '"rule":"git-config-file"' "$gc_a" 2>/dev/null | grep -q "modules/sub/config"; then
		ok "a submodule's config with core.fsmonitor: the superproject's git status runs it natively; written in a session with an audit record (git-config-file)"
	else bad "a submodule's config written in a session leaves no audit record: $out"; fi
else bad "a submodule's core.fsmonitor: git status does not run it even without tiergate"; fi
# http.cookieFile with http.saveCookies: the user's next git fetch over
# HTTP writes the server's cookies to that file, a start-up file for one:
# a cookie x=$(cmd) is a command substitution the next shell runs. A
# server on loopback (python3) stands for the agent's; the jar is a file
# of $GC standing for ~/.bashrc, run by bash as a login would.
if command -v python3 >/dev/null; then
	gc_srv() { # an HTTP server on a free loopback port that sets the cookie; its port
		python3 -c '
import http.server, sys
class H(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Set-Cookie", "x=$(touch${IFS}" + sys.argv[1] + "/ran-cookie); Path=/")
        self.send_header("Content-Length", "0")
        self.end_headers()
    def log_message(self, *a): pass
s = http.server.HTTPServer(("127.0.0.1", 0), H)
print(s.server_address[1], flush=True)
s.serve_forever()' "$GC" >"$GC/port" 2>/dev/null &
		gc_spid=$!
		for _ in $(seq 50); do [ -s "$GC/port" ] && break; sleep 0.1; done
	}
	gc_cookie='git config http.cookieFile "$0/rc" && git config http.saveCookies true'
	gc_later() {
		(cd "$GC/r" && git remote set-url origin "http://127.0.0.1:$(cat "$GC/port")/x.git" &&
		 timeout 20 git fetch -q origin; bash "$GC/rc") >/dev/null 2>&1
	}
	gc_repo; echo "echo rc" >"$GC/rc"; gc_srv
	(cd "$GC/r" && bash -c "$gc_cookie" "$GC") >/dev/null 2>&1; gc_later
	kill "$gc_spid" 2>/dev/null; wait "$gc_spid" 2>/dev/null
	if [ -e "$GC/ran-cookie" ]; then
		gc_repo; echo "echo rc" >"$GC/rc"; gc_srv
		out=$(cd "$GC/r" && timeout 60 "$BIN/agent-shell" --user --policy "$POLICY" -- bash -c "$gc_cookie" "$GC" 2>&1)
		gc_later
		kill "$gc_spid" 2>/dev/null; wait "$gc_spid" 2>/dev/null
		if [ ! -e "$GC/ran-cookie" ] && grep -q "(rule git-command-config)" <<<"$out"; then
			ok "git config http.cookieFile FILE, http.saveCookies true: the user's next git fetch writes the server's cookie into FILE and a shell runs it natively; refused in a session (git-command-config)"
		else bad "git config http.cookieFile in a session: $out"; fi
	else bad "http.cookieFile: the user's next git fetch does not write a cookie that runs even without tiergate"; fi
else skip "http.cookieFile: no python3 for an HTTP server"; fi
rm -rf "$GC"
