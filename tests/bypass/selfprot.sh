# Sourced by run.sh (its ok/bad/skip, $BIN, $TOP, $WS): tiergate protects
# itself, whatever the policy says.
#
# A session could rename agent.sock aside and answer in its place, forge or
# truncate the audit log, rewrite the policy in force (or an include) and
# have policyd restarted on it, overwrite the preload library the next
# session loads, or leave its cgroup by writing another cgroup's
# cgroup.procs. Each attack runs natively on the very file it attacks (and
# is undone), then under agent-shell with a default-allow policy, so that
# only the built-in rule tiergate-self can stop it: once through libc (the
# interposer's request) and once by raw system calls (the kernel path).
SELF_HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
SR=$TOP/self
SI=$SR/inst # a private installation: programs and preload library
SW=$SR/ws   # the session's workspace, which holds the policy in force
SRUN=$SR/run
SAUDIT=$SRUN/audit.jsonl
SPOL=$SW/pol/policy.yaml
SINC=$SW/pol/policy-self-include.yaml
mkdir -p "$SI" "$SW/bin" "$SW/pol"
cp "$BIN/agent-shell" "$BIN/policyd" "$BIN/policyctl" "$BIN/libtiergate-preload.so" "$SI/"
cp "$WS/bin/self_attack" "$WS/bin/marker" "$SW/bin/"
cp "$SELF_HERE/policy-self.yaml" "$SPOL"
cp "$SELF_HERE/policy-self-include.yaml" "$SINC"
# what the agent would put in the include, and in the policy: no marker rule
EVIL=$SR/evil.yaml EVIL_MAIN=$SR/evil-main.yaml
printf 'version: 1\nrules:\n  - { id: harmless, action: allow, exec: { path: ["/bin/true"] } }\n' >"$EVIL"
printf 'version: 1\nsettings: { default: allow }\n' >"$EVIL_MAIN"

self_as() { # self_as CMD...: CMD in a session of the private installation
	(cd "$SW" && TIERGATE_RUNDIR=$SRUN TIERGATE_RESTART_AFTER_MS=100 \
		"$SI/agent-shell" --user --policy "$SPOL" -- "$@" 2>&1)
}
self_pd() { cat "$SRUN/policyd.pid" 2>/dev/null; }
self_stop() { local p; p=$(self_pd); [ -n "$p" ] && kill "$p" 2>/dev/null; }
self_refusals() { grep '"decision":"refused"' "$SAUDIT" 2>/dev/null | grep -c '"rule":"tiergate-self"'; }
self_policy_intact() { cmp -s "$SPOL" "$SELF_HERE/policy-self.yaml" && cmp -s "$SINC" "$SELF_HERE/policy-self-include.yaml"; }
self_restore_policy() { cat "$SELF_HERE/policy-self.yaml" >"$SPOL"; cat "$SELF_HERE/policy-self-include.yaml" >"$SINC"; }
# the audit log put back in place (its inode kept: policyd appends to it)
self_restore_audit() { local k; k=$(grep -v '^{"forged"' "$SAUDIT"); printf '%s\n' "$k" >"$SAUDIT"; }

# sp_attack WHAT WIN INTACT RESTORE CMD...: natively CMD (in $SW) prints WIN
# and INTACT (a command) fails; RESTORE undoes it. Under agent-shell CMD
# must not print WIN, INTACT must hold, the refusal line must name
# tiergate self-protection (rule tiergate-self) and the audit log have it.
sp_attack() {
	local what=$1 win=$2 intact=$3 restore=$4 out rc before after
	shift 4
	out=$(cd "$SW" && "$@" 2>&1)
	if ! grep -q "$win" <<<"$out" || { [ -n "$intact" ] && $intact; }; then
		bad "$what: does not work even without tiergate: $out"; $restore; return
	fi
	$restore
	before=$(self_refusals)
	out=$(self_as "$@"); rc=$?
	after=$(self_refusals)
	if grep -q "$win" <<<"$out" || { [ -n "$intact" ] && ! $intact; }; then
		bad "$what: succeeded under tiergate (rc=$rc): $out"; $restore; return
	fi
	if grep -q '(rule tiergate-self): tiergate self-protection' <<<"$out" &&
	   [ "${after:-0}" -gt "${before:-0}" ]; then
		ok "$what: works natively, refused under tiergate (tiergate self-protection, audited)"
	else
		bad "$what: not refused the expected way (rc=$rc, audit $before -> $after): $out"
	fi
}

echo "== tiergate's own files (built-in rule tiergate-self, default-allow policy)"
self_as true >/dev/null # policyd up, its run directory and audit log made
audit_intact() { ! grep -q '^{"forged"' "$SAUDIT"; }
sp_attack "append a forged line to the audit log (libc)" "appended" audit_intact self_restore_audit \
	bash -c 'echo "{\"forged\":1}" >>"$1" && echo appended' _ "$SAUDIT"
sp_attack "append a forged line to the audit log (raw syscall)" "appended" audit_intact self_restore_audit \
	bin/self_attack append "$SAUDIT"
sp_attack "truncate the audit log (libc)" "truncated" "test -s $SAUDIT" self_restore_audit \
	bash -c ': >"$1" && echo truncated' _ "$SAUDIT"
sp_attack "overwrite the policy in force (libc)" "overwrote" self_policy_intact self_restore_policy \
	bash -c 'cat "$1" >"$2" && echo overwrote' _ "$EVIL_MAIN" "$SPOL"
sp_attack "overwrite the policy in force (raw syscall)" "overwrote" self_policy_intact self_restore_policy \
	bin/self_attack trunc "$SPOL"
sp_attack "overwrite an include of the policy (libc)" "overwrote" self_policy_intact self_restore_policy \
	bash -c 'cat "$1" >"$2" && echo overwrote' _ "$EVIL" "$SINC"
inc_restore() { self_restore_policy; rm -f "$SW/pol/new.yaml"; }
sp_attack "replace an include by renaming another file over it" "replaced" self_policy_intact inc_restore \
	bash -c 'cp "$1" pol/new.yaml && mv pol/new.yaml "$2" && echo replaced' _ "$EVIL" "$SINC"
lib_intact() { cmp -s "$SI/libtiergate-preload.so" "$BIN/libtiergate-preload.so"; }
lib_restore() { cat "$BIN/libtiergate-preload.so" >"$SI/libtiergate-preload.so"; }
sp_attack "overwrite the interposer library (libc)" "overwrote" lib_intact lib_restore \
	bash -c 'cat /bin/true >"$1" && echo overwrote' _ "$SI/libtiergate-preload.so"
sp_attack "overwrite the interposer library (raw syscall)" "overwrote" lib_intact lib_restore \
	bin/self_attack trunc "$SI/libtiergate-preload.so"
sp_attack "hard-link the policy into the workspace (to write it there)" "linked" "test ! -e $SW/alias.yaml" \
	"rm -f $SW/alias.yaml" bash -c 'ln "$1" alias.yaml && echo linked' _ "$SPOL"
rundir_intact() { [ -S "$SRUN/agent.sock" ] && [ ! -e "$SR/run.moved" ]; }
rundir_restore() { [ -d "$SR/run.moved" ] && mv "$SR/run.moved" "$SRUN"; true; }
sp_attack "rename the run directory (libc)" "renamed" rundir_intact rundir_restore \
	bash -c 'mv "$1" "$2" && echo renamed' _ "$SRUN" "$SR/run.moved"
sp_attack "rename the run directory (raw syscall)" "renamed" rundir_intact rundir_restore \
	bin/self_attack rename "$SRUN" "$SR/run.moved"
sock_intact() { [ -S "$SRUN/agent.sock" ]; }
sock_restore() { [ -e "$SRUN/aside" ] && mv "$SRUN/aside" "$SRUN/agent.sock"; true; }
sp_attack "rename agent.sock aside (to bind another in its place)" "renamed" sock_intact sock_restore \
	bin/self_attack rename "$SRUN/agent.sock" "$SRUN/aside"

# cgroup v2: a child cgroup of the mount's root made for the test; a
# process that moves itself there is out of whatever cgroup its session
# gave it (and of what is attached to that cgroup)
CG=$(awk '$3 == "cgroup2" { print $2; exit }' /proc/mounts)
CGT=${CG:+$CG/tg-bypass-$$}
if [ -z "$CG" ]; then skip "cgroup attacks: no cgroup v2 mount"
elif ! mkdir "$CGT" 2>/dev/null; then skip "cgroup attacks: cannot make a cgroup in $CG here ($(id -un))"
else
	sp_attack "write cgroup.procs to leave the session's cgroup (libc)" "left the session" "" true \
		bash -c 'echo $$ >"$1/cgroup.procs" && echo "left the session cgroup"' _ "$CGT"
	sp_attack "write cgroup.procs to leave the session's cgroup (raw syscall)" "left the session" "" true \
		bin/self_attack cgroup "$CGT"
	cg_intact() { [ ! -e "$CGT/made" ]; }
	cg_restore() { rmdir "$CGT/made" 2>/dev/null; true; }
	sp_attack "make a cgroup (raw syscall)" "made directory" cg_intact cg_restore \
		bin/self_attack mkdir "$CGT/made"
	for _ in $(seq 40); do rmdir "$CGT" 2>/dev/null && break; sleep 0.05; done
fi
out=$(self_as bash -c 'echo fine >out.txt && cat out.txt && cat pol/policy.yaml >/dev/null && echo read-ok')
if [ "$out" = $'fine\nread-ok' ]; then ok "the workspace beside the policy stays writable, the policy readable"
else bad "self-protection broke ordinary work: $out"; fi
out=$(TIERGATE_RUNDIR=$SRUN "$SI/policyctl" explain "$SPOL" -- open "$SPOL" --access write 2>&1)
if grep -q 'decision: deny by built-in rule tiergate-self' <<<"$out" &&
   grep -q 'message: tiergate self-protection: a policy file in force' <<<"$out"; then
	ok "policyctl explain shows the built-in rule for a write of the policy, whatever its rules allow"
else bad "explain does not show the built-in rule: $out"; fi

echo "== a policy edited during a session, then policyd restarted (content pinned)"
# the edit is made from outside the session (as a process the rule above
# does not cover could): the restarted policyd must not serve the session
# with it. Natively the marker runs; a new session on the edited policy
# runs it too (what a restarted policyd loading the file would allow).
pin_attack() { # pin_attack FILE EDITED WHAT
	local file=$1 evil=$2 what=$3 out sess n
	self_restore_policy
	out=$(cd "$SW" && bin/marker native 2>&1)
	cat "$evil" >"$file"
	n=$(self_as bin/marker edited)
	self_restore_policy
	if ! grep -q "program ran: native" <<<"$out" || ! grep -q "program ran: edited" <<<"$n"; then
		bad "$what: the edited policy does not let the marker run even in a new session: $out / $n"; return
	fi
	rm -f "$SW/go" "$SR/pin.out"
	( self_as bash -c 'bin/marker before; until [ -e go ]; do sleep 0.1; done; bin/marker after; echo session-done' \
		>"$SR/pin.out" 2>&1 ) &
	sess=$!
	for _ in $(seq 100); do grep -q '(rule no-marker)' "$SR/pin.out" && break; sleep 0.05; done
	cat "$evil" >"$file"
	kill -9 "$(self_pd)"
	touch "$SW/go"
	for _ in $(seq 100); do grep -q 'refused to serve the session again' "$SR/pin.out" && break; sleep 0.1; done
	sleep 0.5
	local during; during=$(cat "$SR/pin.out")
	self_restore_policy # the operator puts the file back: the session goes on
	for _ in $(seq 100); do grep -q session-done "$SR/pin.out" && break; sleep 0.1; done
	kill "$sess" 2>/dev/null; wait "$sess" 2>/dev/null
	out=$(cat "$SR/pin.out")
	if grep -q 'tiergate self-protection: the policy .* is not what this session started with' <<<"$during" &&
	   ! grep -q 'program ran: after' <<<"$out" && ! grep -q session-done <<<"$during" &&
	   grep -q session-done <<<"$out" && [ "$(grep -c '(rule no-marker)' <<<"$out")" = 2 ] &&
	   grep '"kind":"session"' "$SAUDIT" | grep '"decision":"refused"' | grep -q 'not what this session started with'; then
		ok "$what: edited, then policyd killed: the restarted policyd refuses the session (fail closed, audited), serves it again once the content is back"
	else bad "$what: restart on an edited policy: $(tr '\n' ' ' <<<"$out")"; fi
}
pin_attack "$SPOL" "$EVIL_MAIN" "the policy file"
pin_attack "$SINC" "$EVIL" "an include"
# an operator's reload of an edited policy takes effect and is what a
# restarted policyd then serves
self_restore_policy
rm -f "$SW/go" "$SR/pin.out"
( self_as bash -c 'bin/marker before; until [ -e go ]; do sleep 0.1; done; bin/marker after; echo session-done' \
	>"$SR/pin.out" 2>&1 ) &
sess=$!
for _ in $(seq 100); do grep -q '(rule no-marker)' "$SR/pin.out" && break; sleep 0.05; done
cat "$EVIL" >"$SINC"
rl=$(TIERGATE_RUNDIR=$SRUN "$SI/policyctl" reload 2>&1)
kill -9 "$(self_pd)"
touch "$SW/go"
for _ in $(seq 100); do grep -q session-done "$SR/pin.out" && break; sleep 0.1; done
kill "$sess" 2>/dev/null; wait "$sess" 2>/dev/null
out=$(cat "$SR/pin.out")
if grep -q 'reloaded 1 session' <<<"$rl" && grep -q 'program ran: after' <<<"$out" &&
   grep -q session-done <<<"$out" && ! grep -q 'refused to serve' <<<"$out" &&
   grep '"kind":"reload"' "$SAUDIT" | grep '"decision":"loaded"' | grep -q '"content_sha256"'; then
	ok "an operator's reload of an edited policy takes effect, is audited with its sha256, and survives a policyd restart"
else bad "reload then restart: $rl / $(tr '\n' ' ' <<<"$out")"; fi
self_restore_policy
self_stop
