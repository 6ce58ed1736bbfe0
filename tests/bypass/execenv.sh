# Sourced by run.sh (its ok/bad/skip, $BIN, $TOP, $WS with the attack
# programs in $WS/bin, $UDIR: this folder, $AUDIT): the environment an exec
# of git passes is the one it is decided with (issue 21 §5), on the
# interposer's path (posix_spawn's envp, not the parent's environ) and at
# the kernel's exec stop (a second thread changing envp after policyd read
# it: the new program's /proc/PID/environ is compared).
echo "== bypass suite (git's environment: posix_spawn's envp, envp rewritten during the exec: issue 21)"
SP=$TOP/spawnenv
EDIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
sp_repo() { # SP/repo with remote origin = SP/origin.git; SP/evil.git
	rm -rf "$SP"; mkdir -p "$SP"
	git init -q --bare "$SP/origin.git" && git init -q --bare "$SP/evil.git" && git init -q "$SP/repo" &&
	git -C "$SP/repo" -c user.email=t@t -c user.name=t commit -q --allow-empty -m x &&
	git -C "$SP/repo" remote add origin "$SP/origin.git"
}
# the policy's WS is agent-shell's directory: SP (origin.git is SP/origin.git)
sp_run() { # sp_run NOTIFY(0|1) ARGS...: spawn_env in SP/repo under tiergate
	local nn=(); [ "$1" = 0 ] && nn=(env TIERGATE_TEST_NO_NOTIFY=1); shift
	(cd "$SP" && "${nn[@]}" "$BIN/agent-shell" --user --policy "$EDIR/policy-spawnenv.yaml" -- \
		bash -c 'cd repo && exec "$0" "$@"' "$WS/bin/spawn_env" "$@" 2>&1)
}
for fn in spawn spawnp; do
	sp_repo
	out=$(cd "$SP/repo" && "$WS/bin/spawn_env" $fn "$SP/evil.git" 2>&1)
	if ! grep -qx pushed <<<"$out" || [ ! -f "$SP/evil.git/refs/heads/spawned" ]; then
		bad "posix_$fn with a pushurl in its envp: does not push even without tiergate ($out)"; continue
	fi
	for path in interposer kernel; do
		sp_repo
		out=$(sp_run $([ $path = kernel ] && echo 1 || echo 0) $fn "$SP/evil.git")
		if [ $path = interposer ] && ! grep -q "the kernel has no seccomp user notification" <<<"$out"; then
			skip "posix_$fn's envp on the interposer's path: agent-shell ignored TIERGATE_TEST_NO_NOTIFY (not a test build)"; continue
		fi
		if grep -q "refused" <<<"$out" && ! grep -qx pushed <<<"$out" && [ ! -e "$SP/evil.git/refs/heads/spawned" ] &&
		   grep -q "(rule push-origin-only)" <<<"$out"; then
			ok "git by posix_$fn with GIT_CONFIG_* in its own envp redirecting the push ($path path): pushes natively; refused (rule push-origin-only)"
		else bad "posix_$fn's envp redirecting a push ($path path): $out"; fi
	done
done
# the same program pushing where the policy allows still pushes: the
# refusal above is the envp's
sp_repo
out=$(sp_run 0 spawn "$SP/origin.git")
if grep -qx pushed <<<"$out" && [ -f "$SP/origin.git/refs/heads/spawned" ]; then
	ok "git by posix_spawn whose envp keeps the push on origin: still pushes (interposer's path)"
else bad "an allowed push by posix_spawn with its own envp: $out"; fi

# the environment rewritten by a second thread while the exec is checked:
# `git push origin` with remote.origin.pushurl (GIT_CONFIG_*) origin.git
# when policyd reads envp, evil00.git when the kernel copies it
sp_repo; git init -q --bare "$SP/evil00.git"
ER_TRIES=2000
out=$(cd "$SP/repo" && "$WS/bin/static_env_race" "$(command -v git)" "$SP/origin.git" "$SP/evil00.git" 300 2>&1)
if grep -q "^pushed" <<<"$out"; then
	sp_repo; git init -q --bare "$SP/evil00.git"
	out=$(cd "$SP" && "$BIN/agent-shell" --user --policy "$EDIR/policy-spawnenv.yaml" -- bash -c 'cd repo && exec "$@"' _ \
		"$WS/bin/static_env_race" "$(command -v git)" "$SP/origin.git" "$SP/evil00.git" $ER_TRIES 2>&1)
	if grep -q "refused: $ER_TRIES tries" <<<"$out" && [ ! -e "$SP/evil00.git/refs/heads/raced" ] &&
	   grep '"decision":"killed"' "$AUDIT" | grep -q 'environment is not the one'; then
		ok "envp rewritten by a second thread during an exec of git (pushurl origin.git -> evil00.git): pushes natively; never under tiergate in $ER_TRIES tries (killed at the exec stop, audited)"
	else bad "envp rewritten during an exec of git under tiergate: $(tail -3 <<<"$out"); killed: $(grep -c '"decision":"killed"' "$AUDIT")"; fi
else skip "envp rewritten during an exec: not won natively in 300 tries here ($out)"; fi
rm -rf "$SP"
