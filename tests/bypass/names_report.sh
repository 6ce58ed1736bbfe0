# Sourced by run.sh (its ok/bad/skip, $BIN, $TOP): a name a session's
# process says it looked up is not believed by the eBPF egress layer.
#
# The interposer reports the names a process looked up (NAMES on the
# agent socket) so that the kernel path can decide its connects by host
# rules; policyd believes such a name only when its own lookup gives the
# address. The eBPF layer was handed every reported address for the
# session at once: a process that reported allowed.test as 127.0.0.2 let
# every process of its cgroup connect to 127.0.0.2 on the host rule's
# ports, the kernel's host rules bypassed (a review found it, 2026-12-07).
# The layer now learns addresses from policyd's own lookups only. Needs
# root, cgroup v2 and the layer (a system-mode policyd), in namespaces of
# its own (tests/bypass/names_report_ns.sh); otherwise a counted skip.
echo "== the agent socket: names a session reports, and the eBPF layer"
NRP=$TOP/namesreport
mkdir -p "$NRP"
if [ "$(id -u)" != 0 ] || ! awk '$3 == "cgroup2" {f = 1} END {exit !f}' /proc/mounts; then
	skip "names reported to policyd: needs root and a cgroup v2 mount (system mode)"
else
	unshare -m -n --propagation private bash "$(dirname "${BASH_SOURCE[0]}")/names_report_ns.sh" "$BIN" "$NRP" >"$NRP/results" 2>"$NRP/stderr"
	nr_n=0
	while IFS=$'\t' read -r nr_how nr_text; do
		nr_n=$((nr_n + 1))
		case $nr_how in
		ok) ok "$nr_text" ;;
		skip) skip "$nr_text" ;;
		*) bad "$nr_text" ;;
		esac
	done <"$NRP/results"
	[ "$nr_n" -gt 0 ] || bad "names reported to policyd: the test said nothing ($(head -c 300 "$NRP/stderr"))"
fi
