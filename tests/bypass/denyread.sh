# Sourced by run.sh (its ok/bad/skip, $BIN, $TOP, $WS with the attack
# programs in $WS/bin): the kernel deny-read layer (issue 21 §3).
#
# A static binary reading by raw system calls is seen by no interposer,
# and the seccomp filter does not notify read-only opens: without the
# layer it reads every file a policy denies. agent-shell masks the files
# and trees that policy_denyread_plan lists (and the files one-level globs
# match when the session starts) in the session's own mount namespace
# (wrappers/mountmask.c). Each read first works natively, then reads
# nothing under agent-shell; a root session cannot take a mask off.
DR_HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
DR_POLICY=$DR_HERE/policy-denyread.yaml
DR=$TOP/denyread
DRW=$DR/ws
mkdir -p "$DRW/bin"
cp "$WS/bin/static_denyread" "$DRW/bin/"
dr_files() {
	rm -rf "$DRW/secret"
	mkdir -p "$DRW/secret/tree/sub"
	echo key-secret >"$DRW/secret/key"
	echo tree-secret >"$DRW/secret/tree/sub/a"
	echo glob-secret >"$DRW/secret/id_rsa"
	echo not-secret >"$DRW/secret/public"
}
dr_shell() { # dr_shell CMD...: CMD in a session under the deny-read policy
	(cd "$DRW" && TIERGATE_RUNDIR=$DR/run "$BIN/agent-shell" --user --policy "$DR_POLICY" -- "$@" 2>&1)
}

# dr_read NAME FILE SECRET: a raw read of FILE works natively and reads
# nothing of it under agent-shell
dr_read() {
	local name=$1 file=$2 secret=$3 out
	dr_files
	out=$(cd "$DRW" && bin/static_denyread read "$file" 2>&1)
	if ! grep -q "$secret" <<<"$out"; then
		bad "deny-read $name: the raw read does not work natively: $out"; return
	fi
	out=$(dr_shell bin/static_denyread read "$file")
	if grep -q "$secret" <<<"$out"; then bad "deny-read $name: read under tiergate: $out"
	elif grep -qE "read 0: |refused errno=(2|13)" <<<"$out"; then
		ok "deny-read $name: a static binary's raw read works natively, reads nothing under tiergate"
	else bad "deny-read $name: unexpected (${out//$'\n'/ | })"; fi
}

echo "== bypass suite (kernel deny-read layer: mount masks)"
if ! unshare -m true 2>/dev/null; then
	skip "kernel deny-read layer (no mount namespace can be made here)"
else
dr_read "file" secret/key key-secret
dr_read "tree" secret/tree/sub/a tree-secret
dr_read "glob match present at session start" secret/id_rsa glob-secret
# what is not denied reads as ever; a dynamic program is refused by the
# interposer first (its line), the mask reads empty behind it
dr_files
out=$(dr_shell bash -c 'bin/static_denyread read secret/public; wc -c <secret/key; ls secret/tree | wc -l')
if grep -q "read 11: not-secret" <<<"$out" && ! grep -qE "(key|tree)-secret" <<<"$out"; then
	ok "deny-read: other files of the directory read as natively; the masks read empty"
else bad "deny-read: reads beside the masks: ${out//$'\n'/ | }"; fi

# a root session cannot take a mask off: natively (a mask of our own in a
# namespace of our own) umount2 and an open_tree clone without submounts
# reach what the mask hides
dr_files
if [ "$(id -u)" = 0 ]; then
	for how in umount clone; do
		nat=$(cd "$DRW" && unshare -m --propagation private sh -c \
			"mount --bind /dev/null secret/key && bin/static_denyread $how secret/key && bin/static_denyread read secret/key" 2>&1)
		if ! grep -q "key-secret" <<<"$nat"; then
			bad "deny-read $how: the attack does not work natively: ${nat//$'\n'/ | }"; continue
		fi
		out=$(dr_shell sh -c "bin/static_denyread $how secret/key; bin/static_denyread read secret/key")
		if grep -q "key-secret" <<<"$out"; then bad "deny-read $how: the mask came off under tiergate: ${out//$'\n'/ | }"
		elif grep -q "$how: refused errno=1" <<<"$out"; then
			ok "deny-read: a root session's $how of a mask works natively, refused under tiergate"
		else bad "deny-read $how: unexpected: ${out//$'\n'/ | }"; fi
	done
else
	skip "taking a mask off as root (not root)"
fi

# /proc/PID/root of a process outside the session (agent-shell, its
# parent) is the host's view of the file system, masks and all: natively
# readable through, refused in a session (ptrace-read access)
dr_files
nat=$(cd "$DRW" && bin/static_denyread read "/proc/$$/root$DRW/secret/key" 2>&1)
out=$(dr_shell sh -c 'pp=$(awk "/^PPid/{print \$2}" /proc/$$/status); bin/static_denyread read "/proc/$pp/root$PWD/secret/key"')
if ! grep -q key-secret <<<"$nat"; then bad "deny-read through /proc/PID/root: does not work natively: $nat"
elif grep -q key-secret <<<"$out"; then bad "deny-read through agent-shell's /proc/PID/root: $out"
elif grep -q "refused errno=13" <<<"$out"; then ok "deny-read: reading through agent-shell's /proc/PID/root works natively, refused in a session"
else bad "deny-read through /proc/PID/root: unexpected: ${out//$'\n'/ | }"; fi

# nothing leaks to the host: while a session runs, the host's namespace
# has no mask; and a policy with nothing to mask makes no namespace
dr_files
rm -f "$DR/ready"
(cd "$DRW" && TIERGATE_RUNDIR=$DR/run timeout 30 "$BIN/agent-shell" --user --policy "$DR_POLICY" -- \
	sh -c "readlink /proc/self/ns/mnt >'$DR/ready'; sleep 3" >/dev/null 2>&1) &
dr_bg=$!
for _ in $(seq 100); do [ -s "$DR/ready" ] && break; sleep 0.05; done
host_masks=$(grep -c "$DRW/secret" /proc/self/mountinfo)
inside=$(cat "$DR/ready" 2>/dev/null)
wait "$dr_bg"
if [ -n "$inside" ] && [ "$inside" != "$(readlink /proc/self/ns/mnt)" ] && [ "$host_masks" = 0 ] &&
   grep -q key-secret "$DRW/secret/key"; then
	ok "deny-read: the masks live in the session's own mount namespace, none on the host"
else bad "deny-read: namespace $inside (host $(readlink /proc/self/ns/mnt)), $host_masks masks on the host"; fi
out=$(cd "$DRW" && TIERGATE_RUNDIR=$DR/run "$BIN/agent-shell" --user --policy "$DR_HERE/policy-session.yaml" -- readlink /proc/self/ns/mnt 2>&1)
if [ "$out" = "$(readlink /proc/self/ns/mnt)" ]; then
	ok "deny-read: a policy with nothing to mask makes no mount namespace (no cost)"
else bad "deny-read: namespace without masks: $out"; fi

# user mode as another user: a user namespace that maps only that user,
# the masks locked by a second one
if [ "$(id -u)" = 0 ] && id nobody >/dev/null 2>&1 && command -v setpriv >/dev/null; then
	DRU=$(mktemp -d /tmp/tg-denyread-XXXXXX)
	chmod 755 "$DRU"
	mkdir -p "$DRU/ws/bin" "$DRU/run"
	cp "$DRW/bin/static_denyread" "$DRU/ws/bin/"
	mkdir -p "$DRU/ws/secret"; echo key-secret >"$DRU/ws/secret/key"
	chown -R nobody "$DRU/ws" "$DRU/run"
	out=$(cd "$DRU/ws" && HOME=$DRU TIERGATE_RUNDIR=$DRU/run timeout 60 setpriv --reuid=nobody --regid=nogroup --clear-groups \
		"$BIN/agent-shell" --user --policy "$DR_POLICY" -- sh -c 'bin/static_denyread read secret/key; bin/static_denyread umount secret/key; bin/static_denyread read secret/key' 2>&1)
	up=$(cat "$DRU/run/policyd.pid" 2>/dev/null)
	[ -n "$up" ] && kill "$up" 2>/dev/null
	if grep -q "CLONE_NEWUSER" <<<"$out" && grep -q "not masked" <<<"$out"; then
		skip "deny-read as an unprivileged user (no user namespaces here: said at session start)"
	elif ! grep -q key-secret <<<"$out" && grep -q "read 0: " <<<"$out" && grep -q "umount: refused" <<<"$out"; then
		ok "deny-read as an unprivileged user: masked in a user namespace, the mask stays on"
	else bad "deny-read as an unprivileged user: ${out//$'\n'/ | }"; fi
	rm -rf "$DRU"
else
	skip "deny-read as an unprivileged user (needs root to switch to nobody)"
fi
fi
DRP=$(cat "$DR/run/policyd.pid" 2>/dev/null)
[ -n "$DRP" ] && kill "$DRP" 2>/dev/null
