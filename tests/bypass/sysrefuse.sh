# Sourced by run.sh (its ok/bad/skip, $BIN, $WS with the attack programs in
# $WS/bin, $POLICY, $AUDIT): every call the threat model says the seccomp
# refusal filter refuses by name (besides those with an attack of their own
# in run.sh: io_uring, ptrace, process_vm_*, pidfd_getfd, bpf, unshare,
# fanotify, mknod, seccomp listeners) reaches the kernel natively (it fails
# there for its own reasons, or changes nothing) and gets EPERM from the
# filter in a session, with an audit line (kind syscall, rule sandbox). A
# call this kernel does not have (ENOSYS) or refuses this user natively
# (EPERM) proves nothing and is counted as a skip.
echo "== bypass suite (the refusal filter's calls, one by one)"
SR_CALLS="perf_event_open userfaultfd mount umount2 fsopen fsconfig fsmount fspick move_mount open_tree
	pivot_root chroot setns keyctl add_key request_key kexec_load init_module finit_module delete_module
	name_to_handle_at open_by_handle_at quotactl acct swapon swapoff reboot settimeofday clock_settime
	adjtimex clock_adjtime syslog iopl ioperm sethostname setdomainname"
sr_native=$(cd "$WS" && bin/static_sysprobe $SR_CALLS 2>&1)
sr_tg=$(cd "$WS" && "$BIN/agent-shell" --user --policy "$POLICY" -- bin/static_sysprobe $SR_CALLS 2>&1)
sr_ok="" sr_skip="" sr_bad=""
for c in $SR_CALLS; do
	n=$(grep "^$c " <<<"$sr_native"); t=$(grep "^$c " <<<"$sr_tg")
	case "$n" in
	"$c errno=1"|"$c errno=38"|"$c unknown"|"") sr_skip="$sr_skip ${n:-$c ?}"; continue ;;
	esac
	if [ "$t" = "$c errno=1" ] && grep '"kind":"syscall"' "$AUDIT" | grep '"rule":"sandbox"' | grep -q "\"target\":\"$c\""; then
		sr_ok="$sr_ok $c"
	else sr_bad="$sr_bad [$n -> ${t:-nothing}]"; fi
done
if [ -z "$sr_bad" ] && [ -n "$sr_ok" ]; then
	ok "the refusal filter's calls reach the kernel natively and get EPERM in a session, audited (rule sandbox):$sr_ok"
else bad "calls the refusal filter should refuse:$sr_bad (native: $(tr '\n' ' ' <<<"$sr_native"); in a session: $(tr '\n' ' ' <<<"$sr_tg"))"; fi
[ -n "$sr_skip" ] && skip "refusal filter calls that prove nothing here (refused or missing natively):$sr_skip"
# the calls the backstop allows only on the session's own processes and
# that proc.sh has no attack for: made natively on a sleep outside the
# session with arguments that change nothing (its own scheduling, no
# pages), they reach it; from a session they are refused (rule
# other-process), and on the session's own sleep they answer as natively
SR_PCALLS="sched_setscheduler sched_setparam migrate_pages move_pages process_madvise process_mrelease"
sleep 60 & SR_PID=$!
sr_args() { local c; for c in $SR_PCALLS; do printf '%s:%s ' "$c" "$1"; done; }
sr_native=$(cd "$WS" && bin/static_sysprobe $(sr_args $SR_PID) 2>&1)
sr_tg=$(cd "$WS" && "$BIN/agent-shell" --user --policy "$POLICY" -- bin/static_sysprobe $(sr_args $SR_PID) 2>&1)
sr_own=$(cd "$WS" && "$BIN/agent-shell" --user --policy "$POLICY" -- bash -c 'sleep 30 & s=$!; bin/static_sysprobe $(for c in '"$SR_PCALLS"'; do printf "%s:%s " $c $s; done); kill $s' 2>&1)
kill "$SR_PID" 2>/dev/null; wait "$SR_PID" 2>/dev/null
sr_ok="" sr_bad=""
for c in $SR_PCALLS; do
	n=$(grep "^$c " <<<"$sr_native"); t=$(grep "^$c " <<<"$sr_tg"); o=$(grep "^$c " <<<"$sr_own")
	case "$n" in "$c errno=1"|"$c errno=3"|"$c errno=38"|"$c unknown"|"") sr_bad="$sr_bad [native: ${n:-$c ?}]"; continue ;; esac
	if [ "$t" = "$c errno=1" ] && [ "$o" = "$n" ]; then sr_ok="$sr_ok $c"
	else sr_bad="$sr_bad [$n -> ${t:-nothing}; own: ${o:-nothing}]"; fi
done
if [ -z "$sr_bad" ] && grep -q "(rule other-process)" <<<"$sr_tg"; then
	ok "calls on another process reach a process outside natively, are refused from a session (rule other-process) and answer as natively on the session's own:$sr_ok"
else bad "calls on another process:$sr_bad (in a session: $(tr '\n' ' ' <<<"$sr_tg"))"; fi
