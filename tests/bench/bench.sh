#!/bin/bash
# make bench: mediated vs unmediated, side by side in one run (the machine
# is shared and noisy, so runs alternate and medians are compared).
# Usage: bench.sh BINDIR BENCHBINDIR [SECTION...]
#   sections: real (the real workloads of issue 20: git, a C build, a test
#   suite, execs, opens), micro (everything else) and egress (the eBPF
#   egress layer: tests/bench/bench_bpf.c, root); all by default.
# BENCH_REPS (3), BENCH_SHORT_REPS (7), BENCH_BUILD_REPS (2),
# BENCH_REAL_REPS (5) alternating runs; DIFF_CACHE: where the harness
# keeps Debian's sources (build/cache).
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
mkdir -p "$WS/out" "$WS/src" "$WS/bin"
# the workloads run from the workspace, where the default policy lets them run
cp "$BB"/bench_* "$BB"/libbench_empty.so "$ROOT/tests/bench/git-workflow.sh" "$WS/bin/"
BB=$WS/bin
for i in $(seq 0 99); do echo "int f$i;" > "$WS/src/f$i.c"; done
POLICY=$ROOT/policies/default.yaml
PD_PID=
cleanup() {
	[ -n "$PD_PID" ] && kill "$PD_PID" 2>/dev/null
	rm -rf "$TOP"
}
trap cleanup EXIT
"$BIN/policyd" --user --policy "$POLICY" >/dev/null 2>&1
for _ in $(seq 100); do [ -f "$TIERGATE_RUNDIR/policyd.pid" ] && break; sleep 0.05; done
PD_PID=$(cat "$TIERGATE_RUNDIR/policyd.pid")

ms() { echo $(( $(date +%s%N) / 1000000 )); }
# rt_counts: policyd's request and notification counters so far ("R N")
rt_counts() {
	"$BIN/policyctl" status 2>/dev/null | awk '/^requests:/ {r = $2} /^notifications:/ {n = $2}
		END {print (r == "" ? 0 : r), (n == "" ? 0 : n)}'
}
# every compare() adds a row here; printed as one table at the end
SUMMARY=()
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
	out=$(cd "$WS" && "${launcher[@]}" bash -c 's=$EPOCHREALTIME; { '"$1"'
} >/dev/null 2>"'"$TOP"'/timed.err" || exit 97; e=$EPOCHREALTIME; echo "$s $e"')
	if [ $? -ne 0 ] || [ -z "$out" ]; then
		echo "bench: workload failed: $1" >&2; cat "$TOP/timed.err" >&2; exit 1
	fi
	awk '{printf "%d\n", ($2 - $1) * 1000}' <<<"$out"
}

# compare [--floor] LABEL TARGET -- SCRIPT: REPS alternating runs natively
# and under agent-shell; medians, the fastest runs and every run. With
# --floor each rep also runs under bench_floor (the smallest seccomp
# user-notify supervisor: every exec notified, answered CONTINUE unseen):
# its ratio is the price of the mechanism itself on this machine;
# tiergate's ratio over it is its own.
# With --floor-preload, also under bench_floor with an empty object
# preloaded into every dynamic program (libbench_empty.so): the price of
# both mechanisms tiergate has to use, without anything of tiergate's.
compare() {
	local floor=0 fpre=0
	[ "$1" = --floor ] && { floor=1; shift; }
	[ "$1" = --floor-preload ] && { floor=1; fpre=1; shift; }
	local label=$1 target=$2; shift 3
	local nat=() flo=() fpl=() med=() v rt0 rt1 rq=0 nt=0
	for r in $(seq "$REPS"); do
		v=$(inner -- "$1") || exit 1
		nat+=("$v")
		if [ $floor = 1 ]; then
			v=$(inner "$BB/bench_floor" -- "$1") || exit 1
			flo+=("$v")
		fi
		if [ $fpre = 1 ]; then
			v=$(inner "$BB/bench_floor" env LD_PRELOAD="$BB/libbench_empty.so" -- "$1") || exit 1
			fpl+=("$v")
		fi
		rt0=$(rt_counts)
		v=$(inner "$BIN/agent-shell" --user --policy "$POLICY" -- "$1") || exit 1
		rt1=$(rt_counts)
		med+=("$v")
		# policyd's round trips for this run (the session's opening included)
		rq=$((rq + ${rt1% *} - ${rt0% *})) nt=$((nt + ${rt1#* } - ${rt0#* }))
	done
	local n m n0 m0
	n=$(printf '%s\n' "${nat[@]}" | median)
	m=$(printf '%s\n' "${med[@]}" | median)
	n0=$(printf '%s\n' "${nat[@]}" | minimum)
	m0=$(printf '%s\n' "${med[@]}" | minimum)
	printf '%-40s native %7s ms  mediated %7s ms  ratio %s (target <= %s)\n' "$label" "$n" "$m" \
		"$(ratio "$m" "$n")" "$target"
	printf '    round trips per mediated run: %d agent-socket requests, %d seccomp notifications\n' \
		$((rq / REPS)) $((nt / REPS))
	SUMMARY+=("$(printf '%-44s|%8s |%8s |%6s |%6s |%6s |%7d |%7d' "$label" "$n" "$m" "$(ratio "$m" "$n")" \
		"$(ratio "$m0" "$n0")" "$target" $((rq / REPS)) $((nt / REPS)))")
	if [ $floor = 1 ]; then
		local f f0
		f=$(printf '%s\n' "${flo[@]}" | median)
		f0=$(printf '%s\n' "${flo[@]}" | minimum)
		printf '    floor (bare notify supervisor) %s ms: ratio %s; tiergate over the floor %s\n' "$f" \
			"$(ratio "$f" "$n")" "$(ratio "$m" "$f")"
		printf '    fastest runs: native %s, floor %s, mediated %s ms: ratio %s, floor %s\n' "$n0" "$f0" "$m0" \
			"$(ratio "$m0" "$n0")" "$(ratio "$f0" "$n0")"
		printf '    runs: native %s | floor %s | mediated %s\n' "${nat[*]}" "${flo[*]}" "${med[*]}"
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

echo "tiergate benchmarks ($(nproc) cores; policies/default.yaml; alternating runs, medians and the ratio of the fastest runs)"
"$BB/bench_engine"

# The real workloads (issue 20): what agents spend their time in.
real_workloads() {
	local REPS=${BENCH_REAL_REPS:-5} mods
	echo
	echo "-- real workloads ($REPS alternating pairs each; round trips counted by policyd)"
	compare "git workflow (~300 git processes)" 1.10 -- "'$BB/git-workflow.sh' '$WS/gitwf'"
	# a real C build: gzip from Debian's source (the differential harness's
	# cache), configured once natively; each run cleans and builds
	CACHE=${DIFF_CACHE:-$ROOT/build/cache}
	mkdir -p "$CACHE" && CACHE=$(cd "$CACHE" && pwd)
	SKIP_REASON=
	. "$ROOT/tests/diff/fetch.sh"
	if prepare_gzip >"$TOP/prepare.log" 2>&1 && mkdir -p "$WS/gzip" &&
		tar -C "$WS/gzip" --strip-components=1 -xf "$GZIP_TAR" && (cd "$WS/gzip" && ./configure -q) >/dev/null 2>&1; then
		compare "C build: $(basename "$GZIP_TAR" .orig.tar.xz | tr _ -), make -j2" 1.10 -- \
			"cd '$WS/gzip' && make -s clean && make -s -j2"
	else
		echo "C build: skipped: ${SKIP_REASON:-gzip did not configure}"
		SUMMARY+=("$(printf '%-44s| skipped: %s' "C build" "${SKIP_REASON:-gzip did not configure}")")
	fi
	# a test suite: CPython's own tests of four modules, one process
	mods="test_glob test_fcntl test_tempfile test_pathlib"
	if /usr/bin/python3 -c 'import test.test_glob' 2>/dev/null; then
		compare "test suite: python3 -m test (4 modules)" 1.05 -- "/usr/bin/python3 -m test $mods"
	else
		echo "test suite: skipped: CPython's tests are not installed (make check-diff installs them)"
		SUMMARY+=("$(printf '%-44s| skipped: %s' "test suite" "libpython3.11-testsuite not installed")")
	fi
	REPS=${BENCH_SHORT_REPS:-7}
	compare "bash loop: 2,000 /bin/true" 1.20 -- 'for i in $(seq 2000); do /bin/true; done'
	compare "C: 2,000 fork+execve of /bin/true" - -- "'$BB/bench_rounds' --exec 50 40"
	compare "C: 1,000,000 open+close (read-only)" 1.05 -- "'$BB/bench_open' '$WS/src' 1000000"
}

micro_workloads() {
	echo
	echo "-- micro benchmarks ($REPS alternating runs each; short workloads ${BENCH_SHORT_REPS:-$((REPS > 7 ? REPS : 7))})"
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

for section in $SECTIONS; do
	case $section in
	real) real_workloads ;;
	micro) micro_workloads ;;
	# connect+close and throughput in a session of the layer against the
	# same outside any session, cap accuracy (its own namespace, figures
	# printed as it goes; not in the summary table)
	egress) "$ROOT/tests/bench/bench_bpf.sh" "$BB/bench_bpf" ;;
	*) echo "bench: no section $section (real, micro, egress)" >&2; exit 2 ;;
	esac
done

echo
echo "== summary: medians of alternating runs (ms), ratio of the medians and of the fastest runs; round trips per mediated run"
printf '%-44s|%8s |%8s |%6s |%6s |%6s |%7s |%7s\n' workload native tiergate ratio "min" target reqs notifs
printf '%s\n' "${SUMMARY[@]}"
