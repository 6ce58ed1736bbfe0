# Sourced by run.sh (its ok/bad/skip, $BIN, $TOP, $WS with the attack
# programs in $WS/bin, $POLICY: policies/default.yaml, $AUDIT): a rename
# of a directory is decided on everything it moves, under both names
# (issue 21 §3). The attack: `mv .git .gitx`, write .gitx/hooks/pre-commit
# (nothing protects .gitx), `mv .gitx .git` plants a hook that default.yaml
# protects (security-files); refused at the rename that puts it in place,
# by mv (dynamic) and by a static program. A protected hook already there
# cannot be moved away with its directory either, nor a denied socket
# reached by renaming its directory. A symlink named .git (made, renamed
# or hard-linked there) is refused the same way.
echo "== bypass suite (renames of directories: issue 21)"
RN=$WS/rn
rn_setup() { # a repository with git's sample hook (which is not protected)
	rm -rf "$RN"; mkdir -p "$RN/.git/hooks"
	echo sample >"$RN/.git/hooks/pre-commit.sample"; echo "[core]" >"$RN/.git/config"
}
rn_dyn='mv .git .gitx && echo evil >.gitx/hooks/pre-commit && mv .gitx .git'
rn_static='../bin/static_fs rename .gitx .git && ../bin/static_fs write .gitx/hooks/pre-commit && ../bin/static_fs rename .git .gitx'
for kind in dynamic static; do
	cmd=$rn_dyn; [ $kind = static ] && cmd=$rn_static
	rn_setup
	(cd "$RN" && bash -c "$cmd") >/dev/null 2>&1
	if [ ! -f "$RN/.git/hooks/pre-commit" ]; then
		bad "hook planted through a renamed .git ($kind): does not work even without tiergate"; continue
	fi
	rn_setup
	out=$(cd "$RN" && "$BIN/agent-shell" --user --policy "$POLICY" -- bash -c "$cmd" 2>&1)
	if [ ! -e "$RN/.git/hooks/pre-commit" ] && [ -f "$RN/.gitx/hooks/pre-commit" ] &&
	   grep -q "(rule security-files)" <<<"$out" &&
	   grep '"decision":"refused"' "$AUDIT" | grep '"kind":"rename"' | grep -q 'rn/.gitx -> .*rn/.git"'; then
		ok "a hook planted by renaming .git away and back ($kind): works natively; the rename that puts it in place is refused (rule security-files, audited)"
	else bad "hook planted through a renamed .git ($kind) under tiergate: $out"; fi
done
# a hook that is there: moving it away with its directory is moving
# protected content (then it could be changed and moved back)
rn_setup; echo "#!/bin/sh" >"$RN/.git/hooks/pre-commit"
(cd "$RN" && mv .git .gitx) && [ -f "$RN/.gitx/hooks/pre-commit" ] && rn_native=1 || rn_native=0
rn_setup; echo "#!/bin/sh" >"$RN/.git/hooks/pre-commit"
out=$(cd "$RN" && "$BIN/agent-shell" --user --policy "$POLICY" -- "$WS/bin/static_fs" rename .gitx .git 2>&1)
if [ $rn_native = 1 ] && grep -q "rename: refused errno=13" <<<"$out" && [ -f "$RN/.git/hooks/pre-commit" ] &&
   grep -q "(rule security-files)" <<<"$out"; then
	ok "moving a protected hook away with its .git (static rename): works natively; refused"
else bad "moving a protected hook away with its directory (native: $rn_native): $out"; fi
# a renamed directory of a denied socket (policy-unix.yaml denies
# /tmp/tg-bypass-*/usock/engine.sock): renaming usock away is refused
US2=$TOP/usock
rm -rf "$US2" "$TOP/usock-moved"; mkdir -p "$US2"
python3 -c 'import socket,sys; s=socket.socket(socket.AF_UNIX); s.bind(sys.argv[1])' "$US2/engine.sock"
"$WS/bin/static_fs" rename "$TOP/usock-moved" "$US2" >/dev/null 2>&1 && [ -S "$TOP/usock-moved/engine.sock" ] &&
	mv "$TOP/usock-moved" "$US2" && rn_native=1 || rn_native=0
out=$(cd "$WS" && "$BIN/agent-shell" --user --policy "$UDIR/policy-unix.yaml" -- "$WS/bin/static_fs" rename "$TOP/usock-moved" "$US2" 2>&1)
if [ $rn_native = 1 ] && grep -q "rename: refused errno=13" <<<"$out" && [ -S "$US2/engine.sock" ] &&
   grep -q "(rule unix-engine)" <<<"$out"; then
	ok "renaming the directory of a denied socket (to reach it under another name): works natively; refused (rule unix-engine)"
else bad "renaming a denied socket's directory (native: $rn_native): $out"; fi
rm -rf "$US2" "$TOP/usock-moved"
# an ordinary directory rename still works
rn_setup; mkdir -p "$RN/src/a"; echo x >"$RN/src/a/f.c"
out=$(cd "$RN" && "$BIN/agent-shell" --user --policy "$POLICY" -- bash -c 'mv src lib && mv .git .gity && mv .gity .git && echo moved' 2>&1)
if [ "$out" = moved ] && [ -f "$RN/lib/a/f.c" ]; then ok "renames of directories with nothing protected below (and .git with only sample hooks) still work"
else bad "ordinary directory renames under tiergate: $out"; fi
# a symlink named .git reaches what it points to as the repository: git
# runs .gitx/hooks/pre-commit as .git/hooks/pre-commit, written before the
# symlink or after it; the same for a symlink renamed or hard-linked (link
# of the symlink itself) to that name. Refused where the symlink gets the
# name (decide_alias: a rule below .git, security-files).
for how in symlink symlink-static rename-static link-static; do
	case $how in
	symlink) cmd='mv .git .gitx && ln -s .gitx .git && echo evil >.gitx/hooks/pre-commit' ;;
	symlink-static) cmd='mv .git .gitx && echo evil >.gitx/hooks/pre-commit && ../bin/static_fs symlink .git .gitx' ;;
	rename-static) cmd='mv .git .gitx && ln -s .gitx lnk && echo evil >.gitx/hooks/pre-commit && ../bin/static_fs rename .git lnk' ;;
	link-static) cmd='mv .git .gitx && ln -s .gitx lnk && echo evil >.gitx/hooks/pre-commit && ../bin/static_fs link lnk .git' ;;
	esac
	rn_setup
	(cd "$RN" && bash -c "$cmd") >/dev/null 2>&1
	if [ ! -L "$RN/.git" ] || ! grep -qx evil "$RN/.git/hooks/pre-commit" 2>/dev/null; then
		bad "hook planted through a symlink named .git ($how): does not work even without tiergate"; continue
	fi
	rn_setup
	out=$(cd "$RN" && "$BIN/agent-shell" --user --policy "$POLICY" -- bash -c "$cmd" 2>&1)
	if [ ! -e "$RN/.git" ] && [ ! -L "$RN/.git" ] && grep -q "(rule security-files)" <<<"$out" &&
	   grep '"decision":"refused"' "$AUDIT" | grep -q "a symlink at [^\"]*/rn/.git would make"; then
		ok "a hook planted through a symlink named .git ($how): works natively; refused where the symlink gets the name (rule security-files, audited)"
	else bad "hook planted through a symlink named .git ($how) under tiergate: $out"; fi
done
# the same symlink moved to .git/hooks inside a renamed directory, and
# linked through a held descriptor whose /proc name reads "(deleted)"
rn_tree='mv .git .gitx && mv .gitx/hooks .gitx/hooks.real && mkdir ev && echo evil >ev/pre-commit && ln -s ../ev .gitx/hooks && mv .gitx .git'
rn_held="mv .git .gitx && echo evil >.gitx/hooks/pre-commit && python3 '$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/held_symlink_link.py'"
for how in tree held; do
	cmd=$rn_tree want="the rename moves a symlink to [^\"]*/rn/.git/hooks (rule"
	[ $how = held ] && cmd=$rn_held want="a symlink at [^\"]*/rn/.git would make"
	rn_setup
	(cd "$RN" && bash -c "$cmd") >/dev/null 2>&1
	if ! grep -qx evil "$RN/.git/hooks/pre-commit" 2>/dev/null; then
		bad "hook planted through a symlink ($how): does not work even without tiergate"; continue
	fi
	rn_setup
	out=$(cd "$RN" && "$BIN/agent-shell" --user --policy "$POLICY" -- bash -c "$cmd" 2>&1)
	if [ ! -e "$RN/.git/hooks/pre-commit" ] && grep -q "(rule security-files)" <<<"$out" &&
	   grep '"decision":"refused"' "$AUDIT" | grep -q "$want"; then
		ok "a hook planted through a symlink ($how: $([ $how = tree ] && echo 'named hooks in a directory renamed to .git' || echo 'linked to .git from a descriptor of a deleted name')): works natively; refused (rule security-files, audited)"
	else bad "hook planted through a symlink ($how) under tiergate: $out"; fi
done
rn_setup; mkdir -p "$RN/src"
out=$(cd "$RN" && "$BIN/agent-shell" --user --policy "$POLICY" -- bash -c 'ln -s src lib && ln -s /tmp tmp && mv lib lib2 && ../bin/static_fs link lib2 lib3 >/dev/null && ln -s .git/hooks hk && echo made' 2>&1)
if [ "$out" = made ] && [ -L "$RN/lib2" ] && [ -L "$RN/lib3" ] && [ -L "$RN/hk" ]; then
	ok "symlinks whose names no rule spells are made, renamed and linked as before"
else bad "ordinary symlinks under tiergate: $out"; fi
# the race: a second thread creates .gitx/hooks/pre-commit (by path and
# through a descriptor of .gitx/hooks) between the decision of
# rename(.gitx, .git) and the rename itself. policyd decides and performs
# the rename in one step of its one thread, which also performs every
# create of the session (decide_rename.h): nothing lands in between.
RR_TRIES=3000
rn_setup; rm -rf "$RN/.git"; mkdir -p "$RN/.gitx/hooks"
out=$(cd "$RN" && "$WS/bin/static_rename_race" 2000 2>&1)
# (natively the program saw the hook at .git/hooks/pre-commit; its thread
# may remove it again before it exits)
if grep -q "^planted a hook" <<<"$out"; then
	rn_setup; rm -rf "$RN/.git"; mkdir -p "$RN/.gitx/hooks"
	out=$(cd "$RN" && "$BIN/agent-shell" --user --policy "$POLICY" -- "$WS/bin/static_rename_race" $RR_TRIES 2>&1)
	if grep -q "refused: $RR_TRIES tries" <<<"$out" && [ ! -e "$RN/.git/hooks/pre-commit" ] &&
	   grep -q "(rule security-files)" <<<"$out"; then
		ok "a hook created below .gitx by a second thread while .gitx is renamed to .git: planted natively; never under tiergate in $RR_TRIES tries"
	else bad "rename raced by a create below it, under tiergate: $(tail -3 <<<"$out")"; fi
else skip "rename raced by a create below it: not won natively in 2000 tries here ($out)"; fi
rm -rf "$RN"
