# Sourced by run.sh (its ok/bad/skip, $BIN, $TOP, $WS with the attack
# programs in $WS/bin, $POLICY: policies/default.yaml, run here with
# scratch: private). The session's filter lets the calls that make or
# remove names through unnotified when their directory descriptor is 1021
# (the scratch directory); Landlock must keep them beneath it. Each attack
# uses that number to make or remove a name the policy protects (a git
# hook: Tier 3; a workspace delete: Tier 2, audited) with an absolute name,
# "..", the number re-pointed, a symlink out, a hard link in, a rename out.
# Natively (the number opened on a directory of this run's, as agent-shell
# does) each works; in a session each must fail and leave nothing.
echo "== bypass suite (the scratch directory's unnotified calls)"
# policies/default.yaml with the setting (its includes beside it)
SCPD=$TOP/scpol; mkdir -p "$SCPD"
cp -r "$(dirname "$POLICY")/common" "$SCPD/"
sed 's/^settings:$/settings:\n  scratch: private/' "$POLICY" >"$SCPD/default.yaml"
SCPOL=$SCPD/default.yaml
SC=$WS/scr
SCN=$TOP/natscratch
sc_setup() {
	rm -rf "$SC" "$SCN"; mkdir -p "$SC/.git/hooks" "$SCN"
	echo v >"$SC/victim"
	# (SC_SAMPLES=1: git's sample hooks only, which are not protected)
	if [ -n "${SC_SAMPLES:-}" ]; then echo sample >"$SC/.git/hooks/pre-commit.sample"
	else printf '#!/bin/sh\n' >"$SC/.git/hooks/pre-commit"; fi
}
# sc_attack DESC EFFECT-TEST ARGS...: EFFECT-TEST is a shell test of the
# attack's effect (true when it happened)
sc_attack() {
	local desc=$1 effect=$2 out rc; shift 2
	sc_setup
	out=$(cd "$SC" && TMPDIR=$SCN "$WS/bin/static_scratch" "$@" 2>&1)
	if ! grep -q "^escaped" <<<"$out" || ! eval "$effect"; then
		bad "scratch: $desc: does not work even without tiergate ($out)"; return
	fi
	sc_setup
	out=$(cd "$SC" && "$BIN/agent-shell" --user --policy "$SCPOL" -- "$WS/bin/static_scratch" "$@" 2>&1); rc=$?
	if grep -q "^escaped" <<<"$out" || eval "$effect"; then
		bad "scratch: $desc: succeeded under tiergate: $out"
	elif grep -q "refused errno=\(13\|18\)" <<<"$out"; then
		ok "scratch: $desc: works natively, refused in a session ($(grep -o 'refused errno=[0-9]*' <<<"$out"))"
	else bad "scratch: $desc: not refused the expected way (rc=$rc): $out"; fi
}
# the route itself, in a session: taken (a name made and removed through
# the number, which names the session's own directory); without it the
# attacks below would be decided by policyd (and prompt)
sc_setup
out=$(cd "$SC" && "$BIN/agent-shell" --user --policy "$SCPOL" -- bash -c \
	'readlink /proc/self/fd/1021; "$0" fast tg-ok' "$WS/bin/static_scratch" 2>&1)
if grep -q "^/tmp/tiergate-.*\.[A-Za-z0-9]\{6\}$" <<<"$out" && grep -q "^escaped: made and removed" <<<"$out"; then
	ok "scratch: the session holds its own directory at descriptor 1021 and makes names there"
	H=$SC/.git/hooks
	sc_attack "mkdirat(1021, absolute name of a hook)" '[ -d "$H/tg-abs" ]' mkdir-abs "$H/tg-abs"
	sc_attack "mkdirat(1021, ../../ up to a hook)" '[ -d "$H/tg-dd" ]' mkdir-dotdot "$H/tg-dd"
	sc_attack "descriptor 1021 re-pointed at .git/hooks, then mkdirat" '[ -d "$H/tg-rp" ]' repoint "$H" tg-rp
	sc_attack "a symlink in the scratch directory to .git/hooks, a file created through it" '[ -f "$H/tg-sym" ]' via-symlink "$H" tg-sym
	sc_attack "a hard link in the scratch directory to a protected hook" 'grep -q "^escaped" <<<"$out"' link-in "$H/pre-commit"
	sc_attack "a file made in the scratch directory renamed to a hook" '[ -f "$H/pre-push" ]' rename-out "$H/pre-push"
	sc_attack "unlinkat(1021, a workspace file) (a Tier 2, audited delete)" '[ ! -e "$SC/victim" ]' unlink-abs "$SC/victim"
	# the directory itself moved where hooks go (its Landlock grant and the
	# descriptor follow it): .git/hooks holding only git's samples (not
	# protected) is emptied and removed, the scratch directory renamed to
	# its name (the directory .git/hooks itself is not protected either),
	# then a hook made in it through 1021
	SC_SAMPLES=1 sc_attack "the scratch directory renamed onto an emptied .git/hooks, a hook made through 1021" \
		'[ -f "$H/pre-commit" ]' move-scratch "$H" pre-commit
	# a directory of it moved out (a name made through 1021 after the
	# rename's walk looked at it would move undecided): EXDEV, as across
	# file systems
	sc_attack "a directory made through 1021 renamed out of the scratch directory" \
		'[ -f "$SC/.git/tg-out/hooks/pre-commit" ]' move-out "$SC/.git/tg-out"
else
	bad "scratch: the session has no scratch directory at 1021 (its policy says scratch: private): $out"
fi
# descriptor 1021 is the session's, in its own mount namespace: a name
# looked up from it ("../..") meets the deny-read masks there (a
# descriptor of agent-shell's namespace would reach the files unmasked)
if [ -n "${DR_POLICY:-}" ] && unshare -m true 2>/dev/null; then
	sed 's/^settings: {\(.*\)}$/settings: {\1, scratch: private}/' "$DR_POLICY" >"$TOP/dr-scratch.yaml"
	dr_files
	out=$(cd "$DRW" && TMPDIR=$SCN "$WS/bin/static_scratch" read-up "$DRW/secret/key" 2>&1)
	out2=$(cd "$DRW" && TIERGATE_RUNDIR=$DR/run "$BIN/agent-shell" --user --policy "$TOP/dr-scratch.yaml" -- \
		bash -c 'readlink /proc/self/fd/1021; "$0" read-up "$1"' "$WS/bin/static_scratch" "$DRW/secret/key" 2>&1)
	if ! grep -q "key-secret" <<<"$out"; then
		bad "scratch: a denied file read through 1021 and ..: does not work natively ($out)"
	elif grep -q "key-secret" <<<"$out2"; then
		bad "scratch: a denied file read through 1021 and .. under tiergate: $out2"
	elif grep -q "^/tmp/tiergate-" <<<"$out2" && grep -qE "read 0: |refused errno=(1|2|13)" <<<"$out2"; then
		ok "scratch: a denied file read through 1021 and ..: works natively, reads nothing in a session (the descriptor is in the session's namespace)"
	else bad "scratch: a denied file read through 1021 and ..: unexpected (${out2//$'\n'/ | })"; fi
fi
rm -rf "$SC" "$SCN"
