#!/bin/bash
# The shipped policies (policies/*.yaml) tried as their users would: a
# realistic agent workload (clone, edit, build, test, python, commit,
# branch, a push that must be refused, a secret read that must be refused)
# runs under agent-shell with each policy, on a home directory with the
# usual dotfiles (.gitconfig, .ssh, .bashrc and .profile that start a real
# pyenv, whose `rehash` writes its shims). The test checks what each step
# really did, that the refusals are exactly the expected ones (stderr
# lines and audit records: nothing surprising refused), and that each
# policy's own tests pass.
#
# The home directory is the account's own (policyd takes HOME from the
# account database), so the test runs in a private mount namespace where
# a prepared directory is mounted over it: the real home is never read or
# written. run.sh starts it under `unshare -m`; it prints its counts last.
# Usage: policies.sh BINDIR (as root, in its own mount namespace)
set -u
BIN=$(cd "$1" && pwd)
HERE=$(cd "$(dirname "$0")" && pwd)
SRC=$(cd "$HERE/../.." && pwd)
. "$HERE/lib.sh"

TOP=$(mktemp -d /tmp/tg-pol-XXXXXX)
export TIERGATE_RUNDIR=$TOP/run
export ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0
RUN=$TIERGATE_RUNDIR
PD_PID=
cleanup() {
	stop_policyd
	umount "$PWHOME" 2>/dev/null
	[ -n "${KEEP_TOP:-}" ] || rm -rf "$TOP"
}
trap cleanup EXIT
PWHOME=$(getent passwd "$(id -u)" | cut -d: -f6)
export HOME=$PWHOME

# ---------------------------------------------------------------- the home
H=$TOP/home
mkdir -p "$H/.ssh" "$H/.config/git" "$H/.cache"
chmod 700 "$H/.ssh"
cat >"$H/.gitconfig" <<'G'
[user]
	name = Agent Tester
	email = agent@example.test
[init]
	defaultBranch = main
[core]
	excludesFile = ~/.gitignore_global
[alias]
	st = status --short
G
printf '*.o\n.venv/\n' >"$H/.gitignore_global"
printf -- '-----BEGIN OPENSSH PRIVATE KEY-----\nnot-a-real-key\n-----END OPENSSH PRIVATE KEY-----\n' >"$H/.ssh/id_rsa"
printf 'Host *\n  ServerAliveInterval 60\n' >"$H/.ssh/config"
: >"$H/.ssh/known_hosts"
chmod 600 "$H/.ssh/id_rsa"
cat >"$H/.profile" <<'P'
if [ "$BASH" ] && [ -f ~/.bashrc ]; then . ~/.bashrc; fi
P
# pyenv as its installer sets it up; a "version" that is the system
# Python, so rehash has programs to write shims for
PYENV_SRC=$(command -v pyenv 2>/dev/null | sed -n 's|/bin/pyenv$||p')
[ -z "$PYENV_SRC" ] && [ -x "$PWHOME/.pyenv/bin/pyenv" ] && PYENV_SRC=$PWHOME/.pyenv
if [ -n "$PYENV_SRC" ] && [ -x "$PYENV_SRC/bin/pyenv" ]; then
	mkdir -p "$H/.pyenv"
	tar -C "$PYENV_SRC" --exclude=./versions --exclude=./shims --exclude=./.git -cf - . | tar -C "$H/.pyenv" -xf -
	mkdir -p "$H/.pyenv/versions/3-system/bin" "$H/.pyenv/shims"
	for p in python3 pip3; do ln -s "/usr/bin/$p" "$H/.pyenv/versions/3-system/bin/$p"; done
	echo 3-system >"$H/.pyenv/version"
	cat >>"$H/.bashrc" <<'B'
export PYENV_ROOT="$HOME/.pyenv"
export PATH="$PYENV_ROOT/bin:$PATH"
eval "$(pyenv init -)"
B
	HAVE_PYENV=1 SHIMS_LINE="rule toolchain-shims" SHIMS_RULE=toolchain-shims
else
	HAVE_PYENV=0 SHIMS_LINE= SHIMS_RULE=
	skip "shipped policies: no pyenv on this machine, the shell start-up runs none"
fi
echo 'export HISTFILE=~/.bash_history' >>"$H/.bashrc"
mount --bind "$H" "$PWHOME" || { skip "shipped policies: cannot mount a home directory ($PWHOME)"; echo "policies: $PASS passed, $FAIL failed, $SKIP skipped"; exit 0; }

# ---------------------------------------------------------- the upstream
UP=$TOP/upstream.git
SEED=$TOP/seed
mkdir -p "$SEED"
cat >"$SEED/hello.c" <<'C'
#include <stdio.h>
int main(void) { puts("hello"); return 0; }
C
cat >"$SEED/Makefile" <<'M'
hello: hello.o
	$(CC) -o $@ hello.o
test: hello
	./hello | grep -q hello
.PHONY: test
M
( cd "$SEED" && git init -q && git add . && git commit -qm "first" && git clone -q --bare . "$UP" ) >/dev/null 2>&1

# -------------------------------------------------------------- the workload
# Each step's output in $LOGS/STEP.out, its status on stdout as STEP=rc.
cat >"$TOP/agent.sh" <<'A'
set -u
LOGS=$1 UP=$2
step() { local n=$1; shift; ( "$@" ) >"$LOGS/$n.out" 2>&1; echo "$n=$?"; }
step clone git clone -q "$UP" app
[ -d app ] || step clone_by_copy cp -r "$3" app
cd app
step edit sed -i 's/"hello"/"hello, world"/' hello.c
step build make -s CC=cc
step run ./hello
step test make -s test
step pip python3 -m pip --help
step venv python3 -m venv --without-pip .venv
step venv_run .venv/bin/python -c 'import sys; print(sys.prefix)'
# a threaded program starting git (Python, Node, Go and Java do)
step thread_git python3 -c '
import threading, subprocess, time
t = threading.Thread(target=time.sleep, args=(2,)); t.start()
print(subprocess.run(["git", "rev-parse", "--is-inside-work-tree"], capture_output=True, text=True).stdout.strip())
t.join()'
step commit git commit -qam "greet the world"
step branch git switch -q -c feature
step commit2 sh -c 'echo "int x;" > extra.c && git add extra.c && git commit -qm "add extra"'
step log git log --oneline
step st git st
# a shared remote (on loopback, where nothing listens: no traffic leaves)
step push_remote env GIT_TERMINAL_PROMPT=0 git push -q http://127.0.0.1:9/app.git feature
step push_force git push -q --force origin main
step secret cat "$HOME/.ssh/id_rsa"
step secret_missing cat "$HOME/.ssh/id_ed25519"
A

# One policy: the workload under it, from the shell's own start-up.
# POL=the policy file; results in $TOP/$name/
run_policy() {
	local name=$1
	D=$TOP/$name
	WS=$D/ws
	mkdir -p "$WS" "$D/logs"
	# its own upstream (a monitor-mode push changes it) and the copy an
	# operator cloned, for a policy that refuses the agent's clone
	git clone -q --bare "$UP" "$D/upstream.git" >/dev/null 2>&1
	git clone -q "$D/upstream.git" "$D/operator-copy" >/dev/null 2>&1
	stop_policyd
	POLICY=$POL start_policyd || { bad "$name: policyd did not start"; return 1; }
	lines0=$(wc -l <"$RUN/audit.jsonl" 2>/dev/null || echo 0)
	( cd "$WS" && timeout 300 "$BIN/agent-shell" --user --policy "$POL" --session "pol-$name" -- \
		bash -l "$TOP/agent.sh" "$D/logs" "$D/upstream.git" "$D/operator-copy" ) >"$D/steps" 2>"$D/stderr"
	echo "rc=$?" >>"$D/steps"
	tail -n +$((lines0 + 1)) "$RUN/audit.jsonl" >"$D/audit"
}
# the value of STEP's status
rc_of() { sed -n "s/^$1=//p" "$D/steps"; }
ok_steps() { # ok_steps STEP...: each ran and succeeded
	for s in "$@"; do check "$name: $s works" test "$(rc_of "$s")" = 0 || sed 's/^/      /' "$D/logs/$s.out" | head -5; done
}
# every refusal line (the session's stderr and each step's output) matches
# one of the patterns, and each pattern matched one
refusals_are() {
	local lines
	lines=$(cat "$D/stderr" "$D"/logs/*.out | grep 'tiergate: refused' | sort -u)
	local extra=$lines p
	for p in "$@"; do
		check "$name: refused as expected: $p" grep -q -- "$p" <<<"$lines"
		extra=$(grep -v -- "$p" <<<"$extra")
	done
	check "$name: nothing else refused" test -z "$extra" || sed 's/^/      /' <<<"$extra"
}

POLS=$TOP/policies
cp -r "$SRC/policies" "$POLS"
for p in "$POLS"/*.yaml; do
	check "$(basename "$p"): its own tests pass (policyctl test)" "$BIN/policyctl" test "$p" >/dev/null
done

# refused_rules: the rules of the session's refused audit records, sorted
refused_rules() {
	python3 - "$D/audit" <<'PY'
import json, sys
rules = set()
for l in open(sys.argv[1], encoding="utf-8"):
    r = json.loads(l)
    if r["decision"] == "refused":
        rules.add(r["rule"])
print(" ".join(sorted(rules)))
PY
}
# checks every policy shares: the user's git configuration was read, the
# work is committed on its branch, the threaded program ran git, the audit
# names the session and only the expected rules refused
common_checks() {
	local want_rules=$1 got
	check "$name: commits carry the author from ~/.gitconfig" \
		test "$(git -C "$WS/app" log -1 --format=%an 2>/dev/null)" = "Agent Tester"
	check "$name: both commits are on branch feature" \
		test "$(git -C "$WS/app" log --format=%s feature 2>/dev/null | tr '\n' /)" = "add extra/greet the world/first/"
	check "$name: the edited program was built and ran" grep -qx "hello, world" "$D/logs/run.out"
	check "$name: a threaded Python program ran git" grep -qx true "$D/logs/thread_git.out"
	check "$name: git's alias and excludesFile from ~/.gitconfig work (git st)" \
		bash -c "grep -qx '?? hello' '$D/logs/st.out' && ! grep -q venv '$D/logs/st.out'"
	check "$name: every audit record of the session names it" python3 -c "
import json
recs = [json.loads(l) for l in open('$D/audit', encoding='utf-8')]
ids = {r['session'] for r in recs if r['session_name'] == 'pol-$name'}
assert len(ids) == 1, ids
bad = [r for r in recs if r['session'] in ids and r.get('session_name') != 'pol-$name']
assert not bad, bad[:3]"
	got=$(refused_rules)
	check "$name: the audit's refusals are by the expected rules only ($got)" test "$got" = "$want_rules"
}

# ---------------------------------------------------------------- default
name=default POL=$POLS/default.yaml
run_policy default
ok_steps clone edit build run test pip venv venv_run thread_git commit branch commit2 log st
for s in push_remote push_force secret secret_missing; do
	check "$name: $s fails" test "$(rc_of $s)" != 0
done
check "$name: the key's text was never shown" bash -c "! grep -q not-a-real-key '$D/logs/secret.out'"
check "$name: the upstream's main was not force-pushed" \
	test "$(git -C "$D/upstream.git" rev-parse main)" = "$(git -C "$UP" rev-parse main)"
refusals_are ${SHIMS_LINE:+"$SHIMS_LINE"} '"git push -q http://127.0.0.1:9/app.git feature" (rule git-push-remote)' \
	'"git push -q --force origin main" (rule no-force-push-protected)' "read \"$HOME/.ssh/id_rsa\" (rule credentials)" \
	"read \"$HOME/.ssh/id_ed25519\" (rule credentials)"
common_checks "credentials git-push-remote no-force-push-protected${SHIMS_RULE:+ $SHIMS_RULE}"
[ $HAVE_PYENV = 1 ] && check "$name: the shell start-up's rehash failed harmlessly (the shims are as they were)" \
	test -z "$(ls "$H/.pyenv/shims")"
# git worktree add fills its new work tree with git reset --hard: policyd
# cannot tell that one from another (git finds its work tree after the
# decision; a review swapped it through a symlink), so it needs an
# operator; the rule's message says the way without one
( cd "$WS" && timeout 120 "$BIN/agent-shell" --user --policy "$POL" --session "pol-$name-wt" -- bash -c '
	cd app; git worktree add -q ../wt -b wtb >"$1/wt.out" 2>&1; echo "wt=$?"
	git worktree add -q --no-checkout ../wt2 -b wtb2 >"$1/wt2.out" 2>&1 && git -C ../wt2 checkout -q -f >>"$1/wt2.out" 2>&1; echo "wt2=$?"
	echo changed >>hello.c; git reset -q --hard >"$1/reset.out" 2>&1; echo "reset=$?"' - "$D/logs" ) >"$D/wt.steps" 2>&1
check "$name: git worktree add is refused (its git reset --hard, rule git-reset-hard), the message names --no-checkout" \
	bash -c "grep -qx 'wt=[1-9][0-9]*' '$D/wt.steps' && grep -q 'rule git-reset-hard.*--no-checkout' '$D/logs/wt.out'"
check "$name: git worktree add --no-checkout, then git checkout -f there, works" \
	bash -c "grep -qx wt2=0 '$D/wt.steps' && [ -f '$WS/wt2/hello.c' ]" || sed 's/^/      /' "$D/logs/wt2.out" | head -5
check "$name: git reset --hard of changed work is refused (rule git-reset-hard), the change kept" \
	bash -c "grep -qx 'reset=[1-9][0-9]*' '$D/wt.steps' && grep -q 'rule git-reset-hard' '$D/logs/reset.out' && grep -q changed '$WS/app/hello.c'"
# ... also from an empty repository whose config.worktree (read with
# extensions.worktreeConfig) names app's work tree: git resets app's files
# (natively, in a copy); refused as any reset --hard (a review's attack on
# an exception for empty work trees, since removed)
decoy='git init -q e && git -C e fetch -q ../app HEAD:refs/heads/x && git -C e symbolic-ref HEAD refs/heads/x &&
	git -C e config extensions.worktreeConfig true && git -C e config core.repositoryformatversion 0 && printf "[core]\n\tworktree = %s\n" "$PWD/app" >e/.git/config.worktree &&
	cd e && git reset -q --hard'
mkdir -p "$D/native" && cp -r "$WS/app" "$D/native/app"
( cd "$D/native" && bash -c "$decoy" ) >"$D/logs/decoy-native.out" 2>&1
if grep -q changed "$D/native/app/hello.c"; then
	bad "$name: the decoy reset does not discard work even natively: $(head -c 300 "$D/logs/decoy-native.out")"
else
	( cd "$WS" && timeout 120 "$BIN/agent-shell" --user --policy "$POL" --session "pol-$name-decoy" -- bash -c "$decoy" ) >"$D/logs/decoy.out" 2>&1
	check "$name: git reset --hard through another repository's config.worktree: discards work natively, refused here (git-reset-hard), the change kept" \
		bash -c "grep -q 'rule git-reset-hard' '$D/logs/decoy.out' && grep -q changed '$WS/app/hello.c'"
fi
# git looks an alias up in its early config (no includeIf "onbranch:", no
# config.worktree): an alias overridden there still runs the push. main
# of the local upstream force-pushed to an unrelated commit through one
# (natively, in copies), refused here at "git sync" itself
# (no-force-push-protected). policyd once read the override and let git
# sync run as git status; the push git then re-executes (an alias to a
# builtin runs in a new git process) was refused only there
# (the alias and the include are written into .git/config directly: git
# config's writes of aliases and include paths are git-command-config's
# and git-credential-config's, refused before git sync)
alias_attack='c=$(git commit-tree -m orphan "$(git mktree </dev/null)") &&
	printf "[alias]\n\tsync = push -q --force origin %s:refs/heads/main\n" "$c" >>.git/config &&
	printf "[alias]\n\tsync = status\n" >../alias.inc &&
	printf "[includeIf \"onbranch:%s\"]\n\tpath = %s\n" "$(git symbolic-ref --short HEAD)" "$PWD/../alias.inc" >>.git/config &&
	git sync'
# native_copy DIR: DIR/app, a copy of the session's clone, whose origin is
# DIR/up.git, a copy of its upstream (an attack's native half runs there)
native_copy() {
	rm -rf "$1" && mkdir -p "$1" && cp -r "$WS/app" "$1/app" &&
		git clone -q --bare "$D/upstream.git" "$1/up.git" &&
		git -C "$1/app" remote set-url origin "$1/up.git"
}
# git_attack TAG SCRIPT WORKED LABEL HELD: SCRIPT (bash, in app) run
# natively in copies, where WORKED (bash, in the copies' directory) must
# show its harm, then in a session, where HELD (bash) must hold; output
# in $D/logs/TAG-native.out and TAG.out
git_attack() {
	local tag=$1 script=$2 worked=$3 label=$4 held=$5 n=$D/native-$1
	native_copy "$n"
	( cd "$n/app" && bash -c "$script" ) >"$D/logs/$tag-native.out" 2>&1
	if ! ( cd "$n" && bash -c "$worked" ); then
		bad "$name: $label: no harm even natively: $(head -c 300 "$D/logs/$tag-native.out")"
		return
	fi
	( cd "$WS" && timeout 120 "$BIN/agent-shell" --user --policy "$POL" --session "pol-$name-$tag" -- \
		bash -c "cd app && $script" ) >"$D/logs/$tag.out" 2>&1
	check "$name: $label" bash -c "$held" || sed 's/^/      /' "$D/logs/$tag.out" | head -5
}
main0=$(git -C "$D/upstream.git" rev-parse main)
git_attack alias "$alias_attack" "[ \"\$(git -C up.git rev-parse main)\" != $main0 ]" \
	"a force push through an alias overridden under includeIf onbranch: main replaced natively, refused at git sync (no-force-push-protected), main kept" \
	"grep -q 'refused exec .git sync. (rule no-force-push-protected)' '$D/logs/alias.out' && [ \"\$(git -C '$D/upstream.git' rev-parse main)\" = $main0 ]"
# the null object name as a push's source deletes the destination: a
# protected branch of the local upstream (release/1, made first: git
# refuses to delete a bare repository's current branch) deleted natively,
# refused here (no-delete-protected); it was decided as a plain push
git_attack zero 'git push -q origin HEAD:refs/heads/release/1 &&
	git push -q origin 0000000000000000000000000000000000000000:release/1' \
	"! git -C up.git rev-parse -q --verify release/1" \
	"git push origin 0000…:release/1 deletes it natively, refused here (no-delete-protected), the branch kept" \
	"grep -q 'rule no-delete-protected' '$D/logs/zero.out' && git -C '$D/upstream.git' rev-parse -q --verify release/1 >/dev/null"
# git's own scripts run by hand (git filter-branch is git-filter-branch in
# git's exec path): decided as git NAME, here history-rewrite (a review
# ran it through PATH=/usr/lib/git-core:$PATH and rewrote history)
git_attack fb 'git checkout -q -- . && FILTER_BRANCH_SQUELCH_WARNING=1 PATH=/usr/lib/git-core:$PATH git-filter-branch -f --msg-filter "sed s/^/X/" HEAD' \
	"git -C app log -1 --format=%s | grep -q ^X" \
	"git-filter-branch run by hand rewrites history natively, refused here (history-rewrite), history kept" \
	"grep -q 'rule history-rewrite' '$D/logs/fb.out' && ! git -C '$WS/app' log -1 --format=%s | grep -q ^X"
# git stash (what git-reset-hard's message recommends) runs git reset
# --hard itself once the work is saved: it works, and pop brings it back
( cd "$WS" && timeout 120 "$BIN/agent-shell" --user --policy "$POL" --session "pol-$name-stash" -- bash -c '
	cd app && echo stashed-line >>hello.c && git stash -q; echo "stash=$?"
	grep -c stashed-line hello.c; git stash list | wc -l
	git stash pop -q; echo "pop=$?"; grep -c stashed-line hello.c' ) >"$D/logs/stash.out" 2>&1
check "$name: git stash works (its own reset --hard), git stash pop brings the change back" \
	test "$(tr '\n' ' ' <"$D/logs/stash.out")" = "stash=0 0 1 pop=0 1 " ||
	sed 's/^/      /' "$D/logs/stash.out" | head -5
# git folds a config key's section and name: CORE.HOOKSPATH is
# core.hooksPath, and --rename-section moves a section's keys under a new
# name. Both set core.hooksPath natively (in a copy); here each is refused
# at the key git writes (git-credential-config), the key stays unset. The
# rule once matched the spelling "core.hooksPath" in argv, and allowed both
git_attack hooks 'git config CORE.HOOKSPATH "$PWD/../hooks-x"
	git config --add foo.hooksPath "$PWD/../hooks-y" && git config --rename-section foo core' \
	"[ \"\$(git -C app config --get-all core.hooksPath | wc -l)\" = 2 ]" \
	"git config CORE.HOOKSPATH and --rename-section foo core: set core.hooksPath natively, refused here (git-credential-config), the key unset" \
	"[ \"\$(grep -c 'refused exec .git config .* (rule git-credential-config)' '$D/logs/hooks.out')\" = 2 ] && grep -q 'refused exec .git config CORE.HOOKSPATH' '$D/logs/hooks.out' && grep -q 'refused exec .git config --rename-section foo core' '$D/logs/hooks.out' && [ -z \"\$(git -C '$WS/app' config --get-all core.hooksPath)\" ]"
# A config value git runs as a command later, for the user, outside the
# session (git-command-config): a core.pager set in the repository runs
# at the user's next git log (natively, in a copy; git pages only to a
# terminal, which script gives it); git clone -c writes an alias into the
# new repository, and a template directory's config is copied into one
# (git-credential-config: any key). Each is refused here at the git
# command; nothing is set and nothing runs. All three were allowed.
if command -v script >/dev/null; then
	git_attack pager 'git config core.pager "touch $PWD/../pager-ran; cat"' \
		"PAGER=cat timeout 20 script -qec 'git -C app log -1' /dev/null >/dev/null; test -e pager-ran" \
		"git config core.pager: the user's next git log runs it natively, refused here (git-command-config), nothing runs" \
		"grep -q 'refused exec .git config core.pager .* (rule git-command-config)' '$D/logs/pager.out' && [ -z \"\$(git -C '$WS/app' config core.pager)\" ] && { PAGER=cat timeout 20 script -qec \"git -C '$WS/app' log -1\" /dev/null >/dev/null; [ ! -e '$WS/pager-ran' ]; }"
else
	skip "$name: git config core.pager: no script(1) to give git log a terminal"
fi
git_attack clonec 'git clone -q -c "alias.hi=!touch $PWD/../alias-ran" "$(git remote get-url origin)" ../cl' \
	"git -C cl hi; test -e alias-ran" \
	"git clone -c alias.hi=!cmd: the user's git hi in the clone runs it natively, refused here (git-command-config), no clone" \
	"grep -q 'refused exec .git clone -q -c .alias.hi=.* (rule git-command-config)' '$D/logs/clonec.out' && [ ! -e '$WS/cl' ] && [ ! -e '$WS/alias-ran' ]"
git_attack template 'mkdir -p ../tp && printf "[alias]\n\thi = !touch $PWD/../tmpl-ran\n" >../tp/config && git init -q --template=../tp ../ti' \
	"git -C ti hi; test -e tmpl-ran" \
	"git init --template with a config: copied into the new repository natively (its alias runs), refused here (git-credential-config), no repository" \
	"grep -q 'refused exec .git init -q --template=../tp ../ti. (rule git-credential-config)' '$D/logs/template.out' && [ ! -e '$WS/ti/.git/config' ] && [ ! -e '$WS/tmpl-ran' ]"
# What runs at the user's next login, outside any session, from an area
# the policy writes silently (scratch-space: ~/.local/share): systemd
# reads user units from ~/.local/share/systemd/user before
# /usr/lib/systemd/user, so a unit there replaces one the login starts.
# Natively the unit is written and (where systemd-analyze is) its
# directory searched first; here the write is refused (security-files).
# It was a silent tier-1 write before.
unit='$HOME/.local/share/systemd/user/dbus.service'
unit_attack="mkdir -p \"\$HOME/.local/share/systemd/user\" && printf '[Service]\\nExecStart=/bin/sh -c id\\n' >\"$unit\""
bash -c "$unit_attack" >"$D/logs/unit-native.out" 2>&1
unit_first() { # the user's unit directory comes before the system's
	local paths
	paths=$(systemd-analyze --user unit-paths 2>/dev/null) || return 0
	awk -v h="$HOME/.local/share/systemd/user" '$0 == h {u = NR} $0 == "/usr/lib/systemd/user" {s = NR}
		END {exit !(u && s && u < s)}' <<<"$paths"
}
if [ -s "$HOME/.local/share/systemd/user/dbus.service" ] && unit_first; then
	rm -rf "$HOME/.local/share/systemd"
	( cd "$WS" && timeout 60 "$BIN/agent-shell" --user --policy "$POL" --session "pol-$name-unit" -- \
		bash -c "$unit_attack" ) >"$D/logs/unit.out" 2>&1
	check "$name: a user unit in ~/.local/share/systemd/user (read before the system's at the next login): written natively, refused here (security-files)" \
		bash -c "grep -q 'refused create \"$HOME/.local/share/systemd.* (rule security-files)' '$D/logs/unit.out' && [ ! -e \"$HOME/.local/share/systemd\" ]" ||
		sed 's/^/      /' "$D/logs/unit.out" | head -5
else
	bad "$name: a user unit in ~/.local/share/systemd/user: not even written natively: $(head -c 300 "$D/logs/unit-native.out")"
fi
rm -rf "$HOME/.local/share/systemd"
stop_policyd

# ----------------------------------------------------------------- strict
name=strict POL=$POLS/strict.yaml
run_policy strict
ok_steps clone_by_copy edit build run test pip venv venv_run thread_git commit branch commit2 log st
for s in clone push_remote push_force secret secret_missing; do
	check "$name: $s fails" test "$(rc_of $s)" != 0
done
check "$name: the key's text was never shown" bash -c "! grep -q not-a-real-key '$D/logs/secret.out'"
check "$name: the upstream's main was not force-pushed" \
	test "$(git -C "$D/upstream.git" rev-parse main)" = "$(git -C "$UP" rev-parse main)"
refusals_are ${SHIMS_LINE:+"$SHIMS_LINE"} '"git clone -q [^"]*" (rule git-remote)' \
	'"git push -q http://127.0.0.1:9/app.git feature" (rule git-remote)' \
	'"git push -q --force origin main" (rule git-remote)' "read \"$HOME/.ssh/id_rsa\" (rule credentials)" \
	"read \"$HOME/.ssh/id_ed25519\" (rule credentials)"
common_checks "credentials git-remote${SHIMS_RULE:+ $SHIMS_RULE}"
stop_policyd

# ------------------------------------------------------------- audit-only
name=audit-only POL=$POLS/audit-only.yaml
run_policy audit-only
ok_steps clone edit build run test pip venv venv_run thread_git commit branch commit2 log st push_force secret
check "$name: the push to a remote where nothing listens fails on its own" grep -q "Failed to connect\|Connection refused\|unable to access" "$D/logs/push_remote.out"
refusals_are
common_checks ""
[ $HAVE_PYENV = 1 ] && check "$name: the rehash wrote its shims (monitor mode refuses nothing)" test -x "$H/.pyenv/shims/python3"
check "$name: the push, the force push and the key read are audited, allowed" python3 -c "
import json
recs = [json.loads(l) for l in open('$D/audit', encoding='utf-8')]
def seen(f): return any(r['decision'] == 'allowed' and f(r) for r in recs)
assert seen(lambda r: r['argv'] and r['argv'][:2] == ['git', 'push'] and 'http://127.0.0.1:9/app.git' in r['argv'])
assert seen(lambda r: r['argv'] and r['argv'][:2] == ['git', 'push'] and '--force' in r['argv'])
assert seen(lambda r: r['kind'] == 'open' and r['target'] == '$HOME/.ssh/id_rsa')"
stop_policyd

# -------------------------------------------------- the operator's records
echo "== audit records: session start, reloads, kill, any bytes in a path"
name=records POL=$POLS/reload.yaml
cp "$POLS/default.yaml" "$POL"
D=$TOP/records WS=$D/ws-$(printf '\xff') # a workspace whose name is not UTF-8
mkdir -p "$WS"
POLICY=$POL start_policyd || bad "records: policyd did not start"
AUD=$RUN/audit.jsonl
lines0=$(wc -l <"$AUD" 2>/dev/null || echo 0)
bad_name=$(printf 'caf\xc3\xa9-\xff\xfe-\x1b[31m')
( cd "$WS" && timeout 60 "$BIN/agent-shell" --user --policy "$POL" --session "rec-live" -- \
	bash -c "touch /usr/share/'$bad_name' 2>/dev/null; echo > ready; sleep 30" ) >/dev/null 2>&1 &
SH=$!
wait_for test -e "$WS/ready"
check "records: policyctl sessions --json is valid UTF-8 JSON with a workspace that is not" bash -c "
'$BIN/policyctl' sessions --json | python3 -c 'import json,sys; d=json.loads(sys.stdin.buffer.read().decode(\"utf-8\")); assert any(s[\"name\"]==\"rec-live\" for s in d)'"
kill -HUP "$PD_PID"
wait_for grep -q '"by":"SIGHUP"' "$AUD"
check "records: policyctl reload answers" bash -c "'$BIN/policyctl' reload | grep -q 'reloaded 1 session, 0 rejected'"
printf 'rules: [ {id: broken\n' >>"$POL"
check "records: a policy with errors is not reloaded" bash -c "'$BIN/policyctl' reload | grep -q 'NOT reloaded'"
kill_out=$("$BIN/policyctl" kill rec-live)
wait $SH 2>/dev/null
tail -n +$((lines0 + 1)) "$AUD" >"$D/audit"
check "records: every line is JSON in valid UTF-8" python3 -c "
import json
for l in open('$AUD', 'rb'):
    json.loads(l.decode('utf-8', errors='strict'))"
sum=$(sha256sum "$POLS/default.yaml" | cut -d' ' -f1)
# the bytes an audit string stands for (docs/operator-guide.md: in a field
# named by "escaped", \\ is a backslash and \xHH a byte)
audit_bytes_of_refused_open() { # PREFIX: prints the target's bytes in hex
	python3 - "$D/audit" "$1" <<'PY'
import json, sys
for l in open(sys.argv[1], encoding="utf-8"):
    r = json.loads(l)
    if r["kind"] == "open" and r["target"].startswith(sys.argv[2]):
        t, esc = r["target"], "target" in r.get("escaped", [])
        out, i = bytearray(), 0
        while i < len(t):
            if esc and t.startswith("\\\\", i):
                out += b"\\"; i += 2
            elif esc and t.startswith("\\x", i):
                out.append(int(t[i + 2:i + 4], 16)); i += 4
            else:
                out += t[i].encode("utf-8"); i += 1
        print(out.hex())
        break
PY
}
check "records: a refused path holding invalid UTF-8 and an escape sequence is given back exactly (\"escaped\")" \
	test "$(audit_bytes_of_refused_open /usr/share/caf)" = "$(printf '%s' "/usr/share/$bad_name" | od -An -tx1 | tr -d ' \n')"
check "records: the session start names agent-shell, its parent and the policy's SHA-256" python3 -c "
import json
recs = [json.loads(l) for l in open('$D/audit', encoding='utf-8')]
r = [r for r in recs if r['kind'] == 'session' and r['decision'] == 'started'][0]
assert r['exe'].endswith('/agent-shell') and r['ppid'] > 1 and r['session_name'] == 'rec-live', r
assert r['policy'] == '$POL' and r['policy_sha256'] == '$sum', r"
check "records: SIGHUP and policyctl reload each wrote a record with the path, SHA-256, generation and outcome" python3 -c "
import json
recs = [json.loads(l) for l in open('$D/audit', encoding='utf-8')]
rl = [r for r in recs if r['kind'] == 'reload']
assert [(r['by'], r['decision']) for r in rl] == [('SIGHUP', 'loaded'), ('policyctl reload', 'loaded'), ('policyctl reload', 'kept')], rl
assert all(r['policy'] == '$POL' and r['session_name'] == 'rec-live' for r in rl), rl
assert rl[0]['policy_sha256'] == rl[1]['policy_sha256'] == '$sum' != rl[2]['policy_sha256'], rl
assert rl[0]['generation'] < rl[1]['generation'] < rl[2]['generation'], rl
assert 'broken' in rl[2]['detail'] or 'reload.yaml' in rl[2]['detail'], rl[2]
assert rl[1]['uid'] == $(id -u) and rl[1]['pid'] > 0, rl[1]
# one record per reload: the content digests before and after are in it
assert all(len(r['content_sha256']) == len(r['was_content_sha256']) == 64 for r in rl[:2]), rl
assert rl[0]['content_sha256'] == rl[0]['was_content_sha256'] and 'content_sha256' not in rl[2], rl
assert not [r for r in recs if r['kind'] == 'session' and r['decision'] == 'reloaded'], recs"
check "records: the kill says who killed the session and how many processes ($kill_out)" python3 -c "
import json
recs = [json.loads(l) for l in open('$D/audit', encoding='utf-8')]
r = [r for r in recs if r['decision'] == 'killed' and r['kind'] == 'session'][0]
n = int('$kill_out'.split(': ')[1].split()[0])
assert n >= 1 and r['processes'] == n, (r, n)
assert r['killed_by'] == 'policyctl kill' and r['killed_by_exe'].endswith('/policyctl') and r['killed_by_uid'] == $(id -u), r"
check "records: policyctl log --session NAME shows the session's records" bash -c "
'$BIN/policyctl' log --session rec-live | grep -c . | grep -qx \"\$(( \$(grep -c '\"session_name\":\"rec-live\"' '$AUD') + 1 ))\""
stop_policyd

# ------------------------------------------------------ the README's trials
echo "== the README's trials, as written, on a fresh home (policies/default.yaml)"
FRESH=$TOP/fresh-home
mkdir -p "$FRESH"
cp -a /etc/skel/. "$FRESH/" 2>/dev/null
umount "$PWHOME" && mount --bind "$FRESH" "$PWHOME" || bad "trials: cannot mount the fresh home"
POL=$POLS/default.yaml
POLICY=$POL start_policyd || bad "trials: policyd did not start"
n=0
# rows of the Trials table: | `COMMAND` | `FRAGMENT` | or | `COMMAND` | nothing... |
while IFS=$'\t' read -r cmd want; do
	n=$((n + 1))
	T=$TOP/trial$n
	mkdir -p "$T/ws" && git -C "$T/ws" init -q
	( cd "$T/ws" && timeout 60 "$BIN/agent-shell" --user --policy "$POL" -- bash -c "$cmd" ) >"$T/out" 2>"$T/err"
	rc=$?
	if [ -z "$want" ]; then
		check "trial \`$cmd\`: works, no refusal" bash -c "[ $rc = 0 ] && ! grep -q tiergate: '$T/err'" || sed 's/^/      /' "$T/err"
	else
		check "trial \`$cmd\`: fails, saying $want" bash -c "[ $rc != 0 ] && grep -F 'tiergate: ' '$T/err' | grep -qF -- '$want'" || sed 's/^/      /' "$T/err"
	fi
done < <(sed -n '/^### Trials/,/^#/p' "$SRC/README.md" | sed -n 's/^| `\(.*\)` | \(`\(.*\)`\|nothing\).* |$/\1\t\3/p')
check "trials: the README lists six" test "$n" = 6
stop_policyd

check "policyd reported no sanitizer error" bash -c "! grep -q -e Sanitizer -e 'runtime error' '$RUN/policyd.log' 2>/dev/null"

echo "policies: $PASS passed, $FAIL failed, $SKIP skipped"
