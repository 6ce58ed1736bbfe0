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
# nothing of it under agent-shell (a mask reads empty; in a root session
# the fanotify layer refuses the open first: EPERM)
dr_read() {
	local name=$1 file=$2 secret=$3 out
	dr_files
	out=$(cd "$DRW" && bin/static_denyread read "$file" 2>&1)
	if ! grep -q "$secret" <<<"$out"; then
		bad "deny-read $name: the raw read does not work natively: $out"; return
	fi
	out=$(dr_shell bin/static_denyread read "$file")
	if grep -q "$secret" <<<"$out"; then bad "deny-read $name: read under tiergate: $out"
	elif grep -qE "read 0: |refused errno=(1|2|13)" <<<"$out"; then
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
	# no CAP_SYS_ADMIN: the fanotify part is off, said once at the start
	n=$(grep -c "fanotify part is off: permission events need CAP_SYS_ADMIN" <<<"$out")
	if [ "$n" = 1 ]; then ok "deny-read as an unprivileged user: the fanotify layer is off and session start says so once"
	else bad "deny-read as an unprivileged user: the fanotify layer's line $n times: ${out//$'\n'/ | }"; fi
	rm -rf "$DRU"
else
	skip "deny-read as an unprivileged user (needs root to switch to nobody)"
fi
fi

# The fanotify part (wrappers/fanlisten.c): what no mask covers. Each read
# is proved natively first, then refused (EPERM) under tiergate and audited
# by policyd with the rule, the path and the reader's pid.
echo "== bypass suite (kernel deny-read layer: fanotify)"
DRA=$DR/run/audit.jsonl
# dr_audited FILE PID: policyd's record of the kernel layer's refusal
dr_audited() {
	grep -F "\"target\":\"$DRW/$1\"" "$DRA" 2>/dev/null | grep -F '"rule":"secrets"' |
		grep -F "\"pid\":$2," | grep -qF 'kernel deny-read layer (fanotify)'
}
# dr_later NAME FILE SECRET [PREPARE]: FILE (made by PREPARE, from outside
# the session, once the session runs) read by a static binary waiting in
# the session; prints the session's output
dr_later() {
	local file=$1 secret=$2 prep=${3:-}
	rm -f "$DR/go" "$DR/ready"
	(cd "$DRW" && TIERGATE_RUNDIR=$DR/run timeout 60 "$BIN/agent-shell" --user --policy "$DR_POLICY" -- \
		sh -c "echo \$\$ >'$DR/ready'; exec bin/static_denyread waitread '$DR/go' '$file'" >"$DR/out" 2>&1)&
	local bg=$!
	for _ in $(seq 200); do [ -s "$DR/ready" ] && break; sleep 0.05; done
	sleep 0.2 # (the exec of the reader)
	if [ -n "$prep" ]; then (cd "$DRW" && eval "$prep"); else echo "$secret" >"$DRW/$file"; fi
	touch "$DR/go"
	wait "$bg"
	cat "$DR/out"
}
if [ "$(id -u)" != 0 ]; then
	skip "deny-read fanotify: files created later (needs CAP_SYS_ADMIN: root)"
	skip "deny-read fanotify: deep glob (needs CAP_SYS_ADMIN: root)"
	skip "deny-read fanotify: listener death (needs CAP_SYS_ADMIN: root)"
elif ! unshare -m true 2>/dev/null; then
	skip "deny-read fanotify (no mount namespace can be made here)"
elif out=$(dr_shell true) && grep -q "fanotify part is off" <<<"$out"; then
	skip "deny-read fanotify: ${out//$'\n'/ | }"
else
	# (1) a file under a denied glob made after the session started, by
	# a process outside it
	dr_files
	echo glob-later >"$DRW/secret/id_later"
	nat=$(cd "$DRW" && bin/static_denyread read secret/id_later 2>&1)
	dr_files
	out=$(dr_later secret/id_later glob-later)
	pid=$(sed -n 's/.*refused read ".*secret\/id_later" (pid \([0-9]*\)).*/\1/p' <<<"$out" | head -1)
	if ! grep -q glob-later <<<"$nat"; then bad "deny-read fanotify (created later): not readable natively: $nat"
	elif grep -q glob-later <<<"$out"; then bad "deny-read fanotify (created later): read under tiergate: ${out//$'\n'/ | }"
	elif ! grep -q "read: refused errno=1" <<<"$out" || [ -z "$pid" ]; then
		bad "deny-read fanotify (created later): unexpected: ${out//$'\n'/ | }"
	elif ! dr_audited secret/id_later "$pid"; then bad "deny-read fanotify (created later): no audit record for pid $pid"
	else ok "deny-read: a file made under a denied glob after the session started is read natively, refused (EPERM) and audited under tiergate"; fi

	# (2) a deep glob (**/x.pem) the masks cannot expand
	dr_files
	mkdir -p "$DRW/deep/a/b"
	echo pem-secret >"$DRW/deep/a/b/x.pem"
	echo not-secret >"$DRW/deep/a/b/y.pem"
	nat=$(cd "$DRW" && bin/static_denyread read deep/a/b/x.pem 2>&1)
	out=$(dr_shell sh -c 'bin/static_denyread read deep/a/b/x.pem; bin/static_denyread read deep/a/b/y.pem')
	pid=$(sed -n 's/.*refused read ".*x\.pem" (pid \([0-9]*\)).*/\1/p' <<<"$out" | head -1)
	if ! grep -q pem-secret <<<"$nat"; then bad "deny-read fanotify (deep glob): not readable natively: $nat"
	elif grep -q pem-secret <<<"$out"; then bad "deny-read fanotify (deep glob): read under tiergate: ${out//$'\n'/ | }"
	elif ! grep -q "read: refused errno=1" <<<"$out" || [ -z "$pid" ]; then
		bad "deny-read fanotify (deep glob): unexpected: ${out//$'\n'/ | }"
	elif ! dr_audited deep/a/b/x.pem "$pid"; then bad "deny-read fanotify (deep glob): no audit record for pid $pid"
	elif ! grep -q "read 11: not-secret" <<<"$out"; then bad "deny-read fanotify: a file beside the denied one is refused: ${out//$'\n'/ | }"
	else ok "deny-read: a file matching a deep glob (**/x.pem) is read natively, refused (EPERM) and audited under tiergate; the file beside it reads"; fi

	# no false deny: a file made later outside every rule reads; a file
	# renamed into a denied name (never opened before) is refused; a
	# write-only open of a denied name is not a read
	dr_files
	out=$(dr_later secret/plain-later plain-later)
	if grep -q "read 12: plain-later" <<<"$out"; then ok "deny-read fanotify: a file made later outside the denied paths reads under tiergate"
	else bad "deny-read fanotify: a file outside the rules: ${out//$'\n'/ | }"; fi
	dr_files
	out=$(dr_later secret/tree/moved moved-secret "echo moved-secret >staging && mv staging secret/tree/moved")
	if grep -q "read: refused errno=1" <<<"$out" && ! grep -q moved-secret <<<"$out"; then
		ok "deny-read fanotify: a file renamed into a denied tree after the session started is refused"
	else bad "deny-read fanotify: renamed in: ${out//$'\n'/ | }"; fi
	dr_files
	out=$(dr_shell sh -c 'echo written >secret/id_written; echo rc=$?')
	if grep -q "rc=0" <<<"$out" && [ "$(cat "$DRW/secret/id_written" 2>/dev/null)" = written ]; then
		ok "deny-read fanotify: a write-only open of a denied name is not refused (a deny-read rule refuses reads)"
	else bad "deny-read fanotify: write-only open: ${out//$'\n'/ | }"; fi

	# fail closed: the listener killed while a reader waits on it (stopped
	# first, so that the read waits) for a file made after the session
	# started (no mask under it); the read never returns the file, and
	# agent-shell ends the session
	dr_files
	rm -f "$DR/go" "$DR/out"
	(cd "$DRW" && TIERGATE_RUNDIR=$DR/run exec timeout 60 "$BIN/agent-shell" --user --policy "$DR_POLICY" -- \
		bin/static_denyread waitread "$DR/go" secret/tree/later >"$DR/out" 2>&1)&
	bg=$!
	for _ in $(seq 200); do grep -q waiting "$DR/out" 2>/dev/null && break; sleep 0.05; done
	as=$(pgrep -x agent-shell -P "$bg") # (bg: timeout)
	lst=$(pgrep -x tg-denyread -P "${as:-0}")
	rdr=$(pgrep -x static_denyread -P "${as:-0}")
	if [ -z "$lst" ] || [ -z "$rdr" ]; then
		bad "deny-read fanotify: no listener or reader found under agent-shell ($lst/$rdr): $(cat "$DR/out")"; wait "$bg"
	else
		kill -STOP "$lst"
		echo tree-later >"$DRW/secret/tree/later"
		touch "$DR/go"
		waiting=
		for _ in $(seq 100); do
			grep -q fanotify "/proc/$rdr/wchan" 2>/dev/null && { waiting=1; break; }
			sleep 0.05
		done
		# agent-shell held still meanwhile: the reader must still wait
		# after the listener's death (the group is not released), not
		# race agent-shell's kill
		kill -STOP "$as"
		kill -KILL "$lst"
		sleep 0.5
		grep -q fanotify "/proc/$rdr/wchan" 2>/dev/null || waiting=
		kill -CONT "$as"
		wait "$bg"; rc=$?
		out=$(cat "$DR/out")
		if [ -z "$waiting" ]; then bad "deny-read fanotify (listener death): the reader did not wait on the listener (before or after its death): ${out//$'\n'/ | }"
		elif grep -q tree-later <<<"$out"; then bad "deny-read fanotify: the listener's death let the read through: ${out//$'\n'/ | }"
		elif [ "$rc" = 126 ] && grep -q "deny-read listener (pid $lst) ended; ending the session" <<<"$out"; then
			ok "deny-read fanotify fails closed: the listener killed while a read waits on it, the read never returns the file, the session is ended"
		else bad "deny-read fanotify (listener death): rc=$rc: ${out//$'\n'/ | }"; fi
	fi

	# agent-shell killed: its listener answers the session's processes
	# left, then ends once none is left (no leftover process)
	rm -f "$DR/ready"
	(cd "$DRW" && TIERGATE_RUNDIR=$DR/run exec timeout 60 "$BIN/agent-shell" --user --policy "$DR_POLICY" -- \
		sh -c "echo \$\$ >'$DR/ready'; i=0; while [ \$i -lt 1000000 ]; do i=\$((i+1)); done" >/dev/null 2>&1)&
	bg=$!
	for _ in $(seq 200); do [ -s "$DR/ready" ] && break; sleep 0.05; done
	as=$(pgrep -x agent-shell -P "$bg")
	lst=$(pgrep -x tg-denyread -P "${as:-0}")
	sh_pid=$(cat "$DR/ready" 2>/dev/null)
	if [ -z "$lst" ] || [ -z "$sh_pid" ]; then
		bad "deny-read fanotify (agent-shell killed): no listener or session found"; wait "$bg"
	else
		# (running: not gone, not a zombie waiting for its new parent)
		dr_running() { grep -qs '^State:[[:space:]]*[^Z]' "/proc/$1/status"; }
		kill -KILL "$as"; wait "$bg"
		sleep 0.3
		alive_during=; dr_running "$sh_pid" && dr_running "$lst" && alive_during=1
		for _ in $(seq 300); do dr_running "$sh_pid" || break; sleep 0.1; done
		for _ in $(seq 40); do dr_running "$lst" || break; sleep 0.1; done
		if dr_running "$lst"; then bad "deny-read fanotify: the listener outlives its session (pid $lst)"; kill -KILL "$lst"
		elif dr_running "$sh_pid"; then bad "deny-read fanotify (agent-shell killed): the session's shell does not end"
		elif [ -z "$alive_during" ]; then skip "deny-read fanotify (agent-shell killed): the session ended before it could be looked at"
		else ok "deny-read fanotify: with agent-shell killed the listener serves the session's processes left, then ends with them"; fi
	fi
fi
# a hard link or a rename gives a file under a rule that refuses reads
# only (access: [read]) a name no rule is about, where it read as any
# other file (the call was decided as a write, a delete and a create,
# which that rule does not refuse; seen by helper-52, 2026-12-07). The
# session makes the file itself (a write the rule allows), then links and
# renames it out of the denied tree and reads the new names
dr_files
DR_LN='echo linked-secret >secret/tree/made-l && ln secret/tree/made-l ln-out; cat ln-out
echo moved-secret >secret/tree/made-m && mv secret/tree/made-m mv-out; cat mv-out
cat secret/tree/made-l'
rm -f "$DRW/ln-out" "$DRW/mv-out"
nat=$(cd "$DRW" && sh -c "$DR_LN" 2>&1)
rm -f "$DRW/ln-out" "$DRW/mv-out"
dr_files
out=$(dr_shell sh -c "$DR_LN")
if ! grep -q linked-secret <<<"$nat" || ! grep -q moved-secret <<<"$nat"; then
	bad "deny-read: a link and a rename out of the denied tree do not work natively: ${nat//$'\n'/ | }"
elif grep -q -e linked-secret -e moved-secret <<<"$out" || [ -e "$DRW/ln-out" ] || [ -e "$DRW/mv-out" ]; then
	bad "deny-read: a file under a read-only deny rule, linked or renamed to an allowed name, is read there: ${out//$'\n'/ | }"
elif [ "$(grep -c "(rule secrets)" <<<"$out")" -lt 2 ]; then
	bad "deny-read: link/rename out of the denied tree: not refused by rule secrets: ${out//$'\n'/ | }"
else ok "deny-read: a file made under a read-only deny rule, hard-linked or renamed to an allowed name: read there natively; both calls refused (rule secrets) under tiergate"; fi
rm -f "$DRW/ln-out" "$DRW/mv-out"
DRP=$(cat "$DR/run/policyd.pid" 2>/dev/null)
[ -n "$DRP" ] && kill "$DRP" 2>/dev/null
