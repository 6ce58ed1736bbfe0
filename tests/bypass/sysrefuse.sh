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
