#!/bin/bash
# make bench: mediated vs unmediated, side by side in one run (the machine
# is shared and noisy, so runs alternate and medians are compared).
# Usage: bench.sh BINDIR BENCHBINDIR [SECTION...]
#   sections: real (the real workloads of issue 20: git, a C build, a test
#   suite, execs, opens), micro (everything else; its notified calls
#   alone: calls) and egress (connects
#   decided by policyd, then the eBPF egress layer: tests/bench/bench_bpf.c,
#   root); all by default.
# BENCH_REPS (3), BENCH_SHORT_REPS (7), BENCH_BUILD_REPS (2),
# BENCH_REAL_REPS (5) alternating runs; BENCH_BPF_ROUNDS (200) batches;
# DIFF_CACHE: where the harness keeps Debian's sources (build/cache).
# Round trips are policyd's counters (policyctl status --json) before and
# after each mediated run, by kind where policyd counts them so.
set -u
BIN=$(cd "$1" && pwd)
BB=$(cd "$2" && pwd)
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
SECTIONS=${*:3}
SECTIONS=${SECTIONS:-real micro egress}
REPS=${BENCH_REPS:-3}
TOP=$(mktemp -d /tmp/tg-bench-XXXXXX)
export TIERGATE_RUNDIR=$TOP/run
WS=$TOP/ws
# the workloads' temporary files (compilers', CPython's tests') go into
# $TOP/tmp, removed with the rest even if a workload leaves some behind
mkdir -p "$WS/out" "$WS/src" "$WS/bin" "$TOP/tmp"
# the workloads run from the workspace, where the default policy lets them run
cp "$BB"/bench_* "$BB"/libbench_empty.so "$ROOT/tests/bench/git-workflow.sh" "$WS/bin/"
BB=$WS/bin
for i in $(seq 0 99); do echo "int f$i;" > "$WS/src/f$i.c"; done
POLICY=$ROOT/policies/default.yaml
PY3=/usr/bin/python3
KINDS=()
PD_PID=
cleanup() {
	[ -n "$PD_PID" ] && kill "$PD_PID" 2>/dev/null
	rm -rf "$TOP"
}
trap cleanup EXIT
# interrupted: exit, so that the EXIT trap stops policyd and removes $TOP
trap 'exit 130' INT TERM HUP
"$BIN/policyd" --user --policy "$POLICY" >/dev/null 2>&1
for _ in $(seq 100); do [ -f "$TIERGATE_RUNDIR/policyd.pid" ] && break; sleep 0.05; done
PD_PID=$(cat "$TIERGATE_RUNDIR/policyd.pid")

ms() { echo $(( $(date +%s%N) / 1000000 )); }
# rt_snap FILE: policyd's counters so far (policyctl status --json), for
# rtcount.py: requests, notifications and, where policyd has them, the
# round trips by kind
rt_snap() { "$BIN/policyctl" status --json >"$1" 2>/dev/null; }
# every compare() adds a row here; printed as one table at the end
SUMMARY=() SKIPPED=0
# skip LABEL REASON: a workload this host cannot run, said and counted
skip() {
	echo "$1: skipped: $2"
	SUMMARY+=("$(printf '%-44s| skipped: %s' "$1" "$2")")
	SKIPPED=$((SKIPPED + 1))
}
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
# the fastest run: noise on this shared machine only ever adds time, so
# the ratio of the minima is reported next to the ratio of the medians
minimum() { sort -n | head -1; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.3f", a/b}'; }
# timed NAME CMD...: prints elapsed ms
timed() {
	local t0 rc; t0=$(ms)
	"$@" >/dev/null 2>"$TOP/timed.err"; rc=$?
	if [ $rc -ne 0 ]; then
		echo "bench: command failed (exit $rc): $*" >&2; cat "$TOP/timed.err" >&2; exit 1
	fi
	echo $(( $(ms) - t0 ))
}

# inner LAUNCHER... -- SCRIPT: runs SCRIPT in bash (under LAUNCHER, if any)
# and prints the ms the script itself took, timed inside that bash, so the
# session's set-up is not counted in the workload
inner() {
	local launcher=() out
	while [ "$1" != -- ]; do launcher+=("$1"); shift; done; shift
	# the script in braces: a list (a && b) is silenced and judged whole
	out=$(cd "$WS" && TMPDIR=$TOP/tmp "${launcher[@]}" bash -c 's=$EPOCHREALTIME; { '"$1"'
} >/dev/null 2>"'"$TOP"'/timed.err" || exit 97; e=$EPOCHREALTIME; echo "$s $e"')
	if [ $? -ne 0 ] || [ -z "$out" ]; then
		echo "bench: workload failed: $1" >&2; cat "$TOP/timed.err" >&2; exit 1
	fi
	awk '{printf "%d\n", ($2 - $1) * 1000}' <<<"$out"
}

# compare [--floor] LABEL TARGET -- SCRIPT: REPS alternating runs natively
# and under agent-shell; medians, the fastest runs and every run. With
# --floor each rep also runs under bench_floor (the smallest seccomp
# user-notify supervisor: every call tiergate's kernel path must see
# notified, answered CONTINUE unseen):
# its ratio is the price of the mechanism itself on this machine;
# tiergate's ratio over it is its own.
# --floor also runs each rep under `bench_floor --perform`, the smallest
# supervisor that performs the write-opens and calls on names itself, as
# tiergate must (a "continue" would let the kernel read a path another
# thread may have rewritten): a lower bound for any design that keeps
# that guarantee, whatever it decides.
# With --floor-preload, also under bench_floor with an empty object
# preloaded into every dynamic program (libbench_empty.so): the price of
# both mechanisms tiergate has to use, without anything of tiergate's.
compare() {
	local floor=0 fpre=0
	[ "$1" = --floor ] && { floor=1; shift; }
	[ "$1" = --floor-preload ] && { floor=1; fpre=1; shift; }
	local label=$1 target=$2; shift 3
	local nat=() flo=() fpf=() fpl=() med=() v rq nt kinds
	rm -f "$TOP/rt.acc"
	for r in $(seq "$REPS"); do
		v=$(inner -- "$1") || exit 1
		nat+=("$v")
		if [ $floor = 1 ]; then
			v=$(inner "$BB/bench_floor" -- "$1") || exit 1
			flo+=("$v")
			v=$(inner "$BB/bench_floor" --perform -- "$1") || exit 1
			fpf+=("$v")
		fi
		if [ $fpre = 1 ]; then
			v=$(inner "$BB/bench_floor" env LD_PRELOAD="$BB/libbench_empty.so" -- "$1") || exit 1
			fpl+=("$v")
		fi
		rt_snap "$TOP/rt.0"
		v=$(inner "$BIN/agent-shell" --user --policy "$POLICY" -- "$1") || exit 1
		rt_snap "$TOP/rt.1"
		med+=("$v")
		# policyd's round trips for this run (the session's opening included)
		$PY3 "$ROOT/tests/bench/rtcount.py" add "$TOP/rt.acc" "$TOP/rt.0" "$TOP/rt.1"
	done
	{ read -r rq nt; read -r kinds; } < <($PY3 "$ROOT/tests/bench/rtcount.py" show "$TOP/rt.acc" "$REPS")
	local n m n0 m0
	n=$(printf '%s\n' "${nat[@]}" | median)
	m=$(printf '%s\n' "${med[@]}" | median)
	n0=$(printf '%s\n' "${nat[@]}" | minimum)
	m0=$(printf '%s\n' "${med[@]}" | minimum)
	printf '%-40s native %7s ms  mediated %7s ms  ratio %s (target <= %s)\n' "$label" "$n" "$m" \
		"$(ratio "$m" "$n")" "$target"
	printf '    round trips per mediated run: %d agent-socket requests, %d seccomp notifications\n' "$rq" "$nt"
	[ -z "$kinds" ] || printf '    by kind (requests/notifications): %s\n' "$kinds"
	SUMMARY+=("$(printf '%-44s|%8s |%8s |%6s |%6s |%6s |%7d |%7d' "$label" "$n" "$m" "$(ratio "$m" "$n")" \
		"$(ratio "$m0" "$n0")" "$target" "$rq" "$nt")")
	[ -z "$kinds" ] || KINDS+=("$(printf '%-44s| %s' "$label" "$kinds")")
	if [ $floor = 1 ]; then
		local f f0
		f=$(printf '%s\n' "${flo[@]}" | median)
		f0=$(printf '%s\n' "${flo[@]}" | minimum)
		printf '    floor (bare notify supervisor) %s ms: ratio %s; tiergate over the floor %s\n' "$f" \
			"$(ratio "$f" "$n")" "$(ratio "$m" "$f")"
		printf '    fastest runs: native %s, floor %s, mediated %s ms: ratio %s, floor %s\n' "$n0" "$f0" "$m0" \
			"$(ratio "$m0" "$n0")" "$(ratio "$f0" "$n0")"
		local q q0
		q=$(printf '%s\n' "${fpf[@]}" | median)
		q0=$(printf '%s\n' "${fpf[@]}" | minimum)
		printf '    floor performing the calls (bench_floor --perform) %s ms: ratio %s (fastest %s); tiergate over it %s\n' \
			"$q" "$(ratio "$q" "$n")" "$(ratio "$q0" "$n0")" "$(ratio "$m" "$q")"
		printf '    runs: native %s | floor %s | floor performing %s | mediated %s\n' "${nat[*]}" "${flo[*]}" \
			"${fpf[*]}" "${med[*]}"
		if [ $fpre = 1 ]; then
			local p p0
			p=$(printf '%s\n' "${fpl[@]}" | median)
			p0=$(printf '%s\n' "${fpl[@]}" | minimum)
			printf '    floor with an empty preloaded object %s ms: ratio %s (fastest %s); tiergate over it %s\n' \
				"$p" "$(ratio "$p" "$n")" "$(ratio "$p0" "$n0")" "$(ratio "$m" "$p")"
			printf '    runs: floor with an empty preloaded object %s\n' "${fpl[*]}"
		fi
	else
		printf '    fastest runs: native %s ms, mediated %s ms: ratio %s\n' "$n0" "$m0" "$(ratio "$m0" "$n0")"
		printf '    runs: native %s | mediated %s\n' "${nat[*]}" "${med[*]}"
	fi
}

# rounds [--exec] LABEL TARGET PROG: PROG (bench_rounds, dynamic or static)
# times read-only opens in 200 rounds of 2,000 (--exec: fork+execve of
# /bin/true, 50 rounds of 40) and prints its fastest and median round in ns
# per call. REPS alternating runs natively, under bench_floor (whose filter
# looks at the opens' flags, as any backstop's must; for --exec also with
# an empty object preloaded) and under agent-shell. The fastest round of all
# is the cost with nothing else running: the noise of this machine comes in
# spells longer than a round, so it is the steadiest figure there is.
rounds() {
	local ex=0 args
	[ "$1" = --exec ] && { ex=1; shift; }
	local label=$1 target=$2 prog=$3 nat=() flo=() fpl=() med=() out who
	if [ $ex = 1 ]; then args=(--exec 50 40); else args=("$WS/src" 200 2000); fi
	for r in $(seq "$REPS"); do
		for who in nat flo fpl med; do
			case $who in
			nat) out=$(cd "$WS" && "$prog" "${args[@]}") ;;
			flo) out=$(cd "$WS" && "$BB/bench_floor" "$prog" "${args[@]}") ;;
			fpl) [ $ex = 1 ] || continue
			     out=$(cd "$WS" && "$BB/bench_floor" env LD_PRELOAD="$BB/libbench_empty.so" "$prog" "${args[@]}") ;;
			med) out=$(cd "$WS" && "$BIN/agent-shell" --user --policy "$POLICY" -- "$prog" "${args[@]}") ;;
			esac
			[ -n "$out" ] || { echo "bench: $prog failed" >&2; exit 1; }
			eval "$who+=(\"\${out%% *}\")"
		done
	done
	local n f m p
	n=$(printf '%s\n' "${nat[@]}" | minimum)
	f=$(printf '%s\n' "${flo[@]}" | minimum)
	m=$(printf '%s\n' "${med[@]}" | minimum)
	printf '%-40s native %7s ns  mediated %7s ns  ratio %s (target <= %s)\n' "$label" "$n" "$m" \
		"$(ratio "$m" "$n")" "$target"
	printf '    floor (the filter'"'"'s mechanism, nothing else) %s ns: ratio %s; tiergate over the floor %s\n' \
		"$f" "$(ratio "$f" "$n")" "$(ratio "$m" "$f")"
	if [ $ex = 1 ]; then
		p=$(printf '%s\n' "${fpl[@]}" | minimum)
		printf '    floor with an empty preloaded object %s ns: ratio %s; tiergate over it %s\n' \
			"$p" "$(ratio "$p" "$n")" "$(ratio "$m" "$p")"
	fi
	printf '    fastest round of each run: native %s | floor %s%s | mediated %s\n' "${nat[*]}" "${flo[*]}" \
		"${fpl:+ | floor with an empty preload ${fpl[*]}}" "${med[*]}"
}

# calls: each kind of call the kernel path notifies, in a hot loop of
# bench_calls (2,000 calls: write-opens of a file that exists, of
# /dev/null, renames, unlinks), REPS alternating runs natively, under
# bench_floor (notified, answered "continue"), under bench_floor --perform
# (notified, performed by the supervisor: the least any design that keeps
# tiergate's guarantee can cost) and in a session; medians in us per call.
# What tiergate adds beyond the performing floor is its own work per call
# (the decision, the path walk without symlinks, the caller's credentials,
# the own-state check, audit records).
calls() {
	local kind who out d nat flo fpf med
	printf 'notified calls, us per call (medians of %s alternating runs; 2,000 calls each):\n' "$REPS"
	printf '    %-8s %8s %8s %10s %9s %s\n' kind native floor performing tiergate "tiergate over the performing floor"
	for kind in write null rename unlink; do
		nat=() flo=() fpf=() med=()
		for r in $(seq "$REPS"); do
			d=$WS/out/calls.$kind
			for who in nat flo fpf med; do
				rm -rf "$d" && mkdir -p "$d" && echo x >"$d/w.txt"
				case $who in
				nat) out=$(cd "$WS" && "$BB/bench_calls" "$kind" "$d" 2000) ;;
				flo) out=$(cd "$WS" && "$BB/bench_floor" "$BB/bench_calls" "$kind" "$d" 2000) ;;
				fpf) out=$(cd "$WS" && "$BB/bench_floor" --perform "$BB/bench_calls" "$kind" "$d" 2000) ;;
				med) out=$(cd "$WS" && "$BIN/agent-shell" --user --policy "$POLICY" -- \
					"$BB/bench_calls" "$kind" "$d" 2000) ;;
				esac
				[ -n "$out" ] || { echo "bench: bench_calls $kind failed ($who)" >&2; exit 1; }
				eval "$who+=(\"\$out\")"
			done
		done
		nat=$(printf '%s\n' "${nat[@]}" | median) flo=$(printf '%s\n' "${flo[@]}" | median)
		fpf=$(printf '%s\n' "${fpf[@]}" | median) med=$(printf '%s\n' "${med[@]}" | median)
		printf '    %-8s %8s %8s %10s %9s %s\n' "$kind" "$nat" "$flo" "$fpf" "$med" \
			"$(awk -v a="$med" -v b="$fpf" 'BEGIN {printf "+%.1f", a - b}')"
	done
}

echo "tiergate benchmarks ($(nproc) cores; policies/default.yaml; alternating runs, medians and the ratio of the fastest runs)"
"$BB/bench_engine"

# The real workloads (issue 20): what agents spend their time in.
real_workloads() {
	local REPS=${BENCH_REAL_REPS:-5} mods
	echo
	echo "-- real workloads ($REPS alternating pairs each; round trips counted by policyd)"
	# with the floor: what the mechanism costs on this machine, and what
	# tiergate's own work per round trip adds (docs/performance.md)
	compare --floor "git workflow (~300 git processes)" 1.10 -- "'$BB/git-workflow.sh' '$WS/gitwf'"
	# a real C build: gzip from Debian's source archive (apt-get source
	# through the differential harness's private apt set-up and cache; 62
	# objects, gnulib's included), configured once natively; each run
	# cleans and builds with make -j2
	CACHE=${DIFF_CACHE:-$ROOT/build/cache}
	mkdir -p "$CACHE" && CACHE=$(cd "$CACHE" && pwd)
	SKIP_REASON=
	. "$ROOT/tests/diff/fetch.sh"
	if ! command -v make >/dev/null || ! command -v cc >/dev/null || ! command -v xz >/dev/null; then
		skip "C build" "make, cc or xz (for the .tar.xz) missing on this host"
	elif ! prepare_gzip >"$TOP/prepare.log" 2>&1; then
		skip "C build" "${SKIP_REASON:-the source of gzip could not be fetched}"
	elif ! { mkdir -p "$WS/gzip" && tar -C "$WS/gzip" --strip-components=1 -xf "$GZIP_TAR" &&
		(cd "$WS/gzip" && ./configure -q) >"$TOP/configure.log" 2>&1; }; then
		skip "C build" "gzip did not configure: $(tail -1 "$TOP/configure.log" 2>/dev/null)"
	else
		compare "C build: $(basename "$GZIP_TAR" .orig.tar.xz | tr _ -), make -j2" 1.10 -- \
			"cd '$WS/gzip' && make -s clean && make -s -j2"
	fi
	# a test suite: CPython's own tests of four modules, one process
	# (Debian's libpython3.X-testsuite: installed as root if missing)
	mods="test_glob test_fcntl test_tempfile test_pathlib"
	SKIP_REASON=
	if ! PY=$PY3 prepare_python >"$TOP/prepare.log" 2>&1; then
		skip "test suite" "${SKIP_REASON:-the tests of CPython are not installed}"
	else
		compare "test suite: python3 -m test (4 modules)" 1.05 -- "$PY3 -m test $mods"
	fi
	REPS=${BENCH_SHORT_REPS:-7}
	compare "bash loop: 2,000 /bin/true" 1.20 -- 'for i in $(seq 2000); do /bin/true; done'
	compare "C: 2,000 fork+execve of /bin/true" - -- "'$BB/bench_rounds' --exec 50 40"
	compare "C: 1,000,000 open+close (read-only)" 1.05 -- "'$BB/bench_open' '$WS/src' 1000000"
}

micro_workloads() {
	echo
	echo "-- micro benchmarks ($REPS alternating runs each; short workloads ${BENCH_SHORT_REPS:-$((REPS > 7 ? REPS : 7))})"
	# what a page fault costs here: the per-exec costs below are counted
	# in faults (docs/performance.md), and a fault costs ten times more on
	# some virtual machines than on bare metal
	out=$(TMPDIR=$TOP/tmp "$BB/bench_faults" 4096) || { echo "bench: bench_faults failed" >&2; exit 1; }
	printf 'page faults here, us each: %s\n' "$(awk '{printf "%s%s %s", (NR > 1 ? ", " : ""), $1, $2}' <<<"$out")"
	printf '    (anon: first write of a zero page; cow: a fork child copying a page; file: a private file page copied; read: a cached file page mapped)\n'
	compare --floor-preload "10,000 execs of /bin/true (bash loop)" 1.15 -- 'for i in $(seq 10000); do /bin/true; done'
	# the short workloads (a quarter to one second) get more alternating runs:
	# on this shared machine one slow run moves a median of three
	REPS_SAVE=$REPS; REPS=${BENCH_SHORT_REPS:-$((REPS > 7 ? REPS : 7))}
	# a million opens (100,000 ten times over): a run of a tenth of a second
	# is shorter than the spells in which this shared machine runs slow
	compare "1,000,000 read-only opens of workspace files" 1.05 -- "'$BB/bench_open' '$WS/src' 1000000"
	# static binaries: only the kernel backstop sees them
	compare --floor "static: 2,000 fork+raw execve of /bin/true" 1.2 -- "'$BB/bench_static' exec 2000"
	compare "static: 1,000,000 read-only opens" 1.02 -- "'$BB/bench_static' read '$WS/src' 1000000"
	rounds --exec "execs of /bin/true, fastest round" 1.15 "$BB/bench_rounds"
	rounds "read-only opens, fastest round, dynamic" 1.05 "$BB/bench_rounds"
	rounds "read-only opens, fastest round, static" 1.02 "$BB/bench_rounds_static"
	REPS=$REPS_SAVE
	calls
	# the notification round trip as the caller sees it: a write-open, which
	# policyd decides, opens and injects (ADDFD)
	nat=$(cd "$WS" && "$BB/bench_static" write "$WS/out/n.txt" 5000 2>&1 >/dev/null)
	med=$(cd "$WS" && "$BIN/agent-shell" --user --policy "$POLICY" -- "$BB/bench_static" write "$WS/out/n.txt" 5000 2>&1 >/dev/null)
	printf 'static write-open latency (us): native %s | through the seccomp supervisor %s\n' "$nat" "$med"
	# building tiergate itself, from a clean copy of the sources
	git -C "$ROOT" ls-files -z | (cd "$ROOT" && xargs -0 cp --parents -t "$WS/src") 2>/dev/null ||
		cp -r "$ROOT"/{Makefile,policyd,interposer,wrappers,tests,policies} "$WS/src/"
	BREPS=${BENCH_BUILD_REPS:-2}
	REPS_SAVE=$REPS; REPS=$BREPS
	compare "make -j2 (tiergate itself, clean)" 1.05 -- "cd '$WS/src' && rm -rf bb && make -j2 BUILD=bb all"
	REPS=$REPS_SAVE
	setup=()
	for r in 1 2 3 4 5; do setup+=("$(cd "$WS" && timed "$BIN/agent-shell" --user --policy "$POLICY" -- /bin/true)"); done
	printf 'session set-up (agent-shell -- /bin/true, not counted above): median %s ms\n' "$(printf '%s\n' "${setup[@]}" | median)"
	cd "$WS" && "$BIN/agent-shell" --user --policy "$POLICY" -- "$BB/bench_latency" "$TIERGATE_RUNDIR/agent.sock" "$WS" 8 40000
}

# Egress (issue 19): connect+close today, decided by policyd (user mode
# has no eBPF layer: every connect is a seccomp notification, and for a
# dynamic program also the interposer's request), then the eBPF layer's own
# figures (bench_bpf: connect+close and loopback throughput in a session
# of the layer against the same outside any session, cap accuracy; root,
# its own network namespace; printed as it goes).
egress_workloads() {
	local REPS=${BENCH_SHORT_REPS:-7}
	echo
	echo "-- egress ($REPS alternating pairs; without the eBPF layer: policyd decides each connect)"
	compare "5,000 connect+close, loopback, dynamic" - -- "'$BB/bench_net' 5000"
	compare "5,000 connect+close, loopback, static" - -- "'$BB/bench_net_static' 5000"
	echo
	"$ROOT/tests/bench/bench_bpf.sh" "$BB/bench_bpf" "${BENCH_BPF_ROUNDS:-200}" | tee "$TOP/bpf.out"
	# its medians into the summary: the session against outside any session
	# (the programs are attached to tiergate's cgroup only: no tiergate)
	if grep -q 'skipped' "$TOP/bpf.out"; then
		skip "eBPF egress layer" "$(grep -m1 -o 'skipped.*' "$TOP/bpf.out" | sed 's/^skipped:* *//')"
		return
	fi
	local what unit target
	for what in "connect+close" "loopback TCP throughput"; do
		case $what in connect*) unit=us target=1.03 ;; *) unit=MB/s target=1.02 ;; esac
		SUMMARY+=("$(awk -v w="$what" -v u="$unit" -v t="$target" 'index($0, w ", median") == 1 {
			for (i = 1; i <= NF; i++) { if ($i == "outside") o = $(i + 1); if ($i == "session") s = $(i + 1) }
			r = (u == "us") ? s / o : o / s
			printf "%-44s|%8s |%8s |%6.3f |%6s |%6s |%7s |%7s", "eBPF layer: " w " (" u ")", o, s, r, "-", t, 0, 0
		}' "$TOP/bpf.out")")
	done
}

for section in $SECTIONS; do
	case $section in
	real) real_workloads ;;
	micro) micro_workloads ;;
	calls) echo; calls ;;
	egress) egress_workloads ;;
	*) echo "bench: no section $section (real, micro, calls, egress)" >&2; exit 2 ;;
	esac
done

echo
echo "== summary: medians of alternating runs (ms), ratio of the medians and of the fastest runs; round trips per mediated run"
printf '%-44s|%8s |%8s |%6s |%6s |%6s |%7s |%7s\n' workload native tiergate ratio "min" target reqs notifs
printf '%s\n' "${SUMMARY[@]}"
if [ ${#KINDS[@]} -gt 0 ]; then
	echo
	echo "== round trips per mediated run by kind (requests/notifications), from policyctl status"
	printf '%s\n' "${KINDS[@]}"
fi
[ "$SKIPPED" = 0 ] || echo "$SKIPPED workload(s) skipped (reasons in the table)"
