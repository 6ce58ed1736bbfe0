#!/bin/bash
# The differential harness (make check-diff): real upstream test suites run
# natively and under agent-shell, with tests/diff/permissive.yaml (everything
# allowed: a program must not be able to tell it is mediated) and, where a
# workspace workload makes sense, policies/default.yaml. Each upstream test's
# result must be the same in both runs; the wall-time ratio is printed.
# Then each reproducer in tests/diff/repro/ runs both ways and must print the
# same.
#
# A difference listed in tests/diff/known.txt is a "known difference":
# printed and counted apart, neither passed nor failed. A listed reproducer
# that no longer differs fails the run until its line is removed (the list
# must say what is still broken). A workload that cannot run here (no
# network, no apt, a build that fails) is a counted skip with its reason.
#
# Usage: run.sh BINDIR [WORKLOAD...]  (workloads: python git gzip repro)
# Environment: DIFF_CACHE (downloads and builds; default build/cache),
# DIFF_POLICIES (e.g. "permissive": only those), DIFF_KEEP=1 (keep the run
# directories), DIFF_PY_MODULES, DIFF_GIT_TESTS (other slices).
set -u
BIN=$(cd "$1" && pwd)
shift
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
CACHE=${DIFF_CACHE:-$ROOT/build/cache}
mkdir -p "$CACHE" && CACHE=$(cd "$CACHE" && pwd)
. "$ROOT/tests/diff/lib.sh"
. "$ROOT/tests/diff/fetch.sh"
. "$ROOT/tests/diff/workloads.sh"
KNOWN=$ROOT/tests/diff/known.txt
WANT=${*:-$WORKLOADS_ALL repro}

# the same environment natively and mediated: nothing of the make that
# started us (its jobserver descriptors, flags) reaches the workloads
unset MAKEFLAGS MFLAGS MAKELEVEL MAKEOVERRIDES
# nor the variables given on its command line, which make exports to its
# recipes (`make test` passes SANITIZE=1 and BUILD=...: git's own Makefile
# reads SANITIZE as a list of sanitizers, and its build failed)
unset SANITIZE BUILD TEST_HOOKS V Q CFLAGS LDFLAGS
export LC_ALL=C.UTF-8 LANG=C.UTF-8
# ASan-built agent-shell (make test) runs behind nothing, but its children
# run behind our LD_PRELOAD
export ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0

TOP=$(mktemp -d /tmp/tg-diff-XXXXXX)
cleanup() {
	stop_policyds
	if [ "${DIFF_KEEP:-0}" = 1 ]; then echo "diff: run directories kept in $TOP"; else rm -rf "$TOP"; fi
}
trap cleanup EXIT

declare -A POLICY_OF=([permissive]=$ROOT/tests/diff/permissive.yaml [default]=$ROOT/policies/default.yaml)
declare -A LETTER=([native]=n [permissive]=p [default]=d)
# where the default policy makes sense: a workspace workload whose every
# operation the shipped policy means to allow (see README.md). Not git's
# own test scripts: they run git reset --hard, force-push to main and
# install hooks hundreds of times, which policies/default.yaml puts before
# an operator or refuses by design (every exec of git is decided by its
# git rules); they run under the permissive policy only
declare -A POLICIES=([python]="permissive default" [git]="permissive" [gzip]="permissive default"
	[repro]="permissive")
PASS=0 FAIL=0 SKIP=0 KNOWN_N=0
T_START=$(now_ms)
SUMMARY=()

for p in permissive default; do
	start_policyd "$p" "${POLICY_OF[$p]}" || {
		echo "diff: policyd did not start with ${POLICY_OF[$p]}"
		exit 1
	}
done

# counts STATUS-COLUMN FILE: "N results: a pass, b fail, ..."
counts() {
	awk -F'\t' '{n++; c[$2]++} END {printf "%d results:", n; s = ""
		for (k in c) {printf "%s %d %s", s, c[k], k; s = ","}; if (!n) printf " none"}' "$1"
}

# run_one WORKLOAD MODE: a fresh run directory, the timed run, its results.
# Sets RUN_MS and RUN_DIR; the run directory holds results.txt.
run_one() {
	local wl=$1 mode=$2 dir t0
	dir=$TOP/${LETTER[$mode]}/$wl
	rm -rf "$dir" && mkdir -p "$dir"
	"wl_${wl}_setup" "$dir" >"$TOP/setup-$wl-$mode.log" 2>&1 || {
		echo "  $mode: set-up failed: $(tail -1 "$TOP/setup-$wl-$mode.log")"
		return 1
	}
	t0=$(now_ms)
	in_mode "$mode" "$dir" "$("wl_${wl}_script")" >"$dir/session.out" 2>&1
	RUN_MS=$(($(now_ms) - t0))
	RUN_DIR=$dir
	# a report the parser cannot read is a result too (it differs)
	"wl_${wl}_parse" "$dir" >"$dir/results.txt" 2>"$dir/parse.err" ||
		printf 'results\tunreadable\t%s\n' "$(tail -1 "$dir/parse.err")" >>"$dir/results.txt"
	return 0
}

# rerun WORKLOAD MODE KEYSFILE: runs again, in MODE's run directory, only
# what produced the differing keys; its results in rerun.txt
rerun() {
	local wl=$1 mode=$2 dir=$TOP/${LETTER[$2]}/$1 script
	cp "$3" "$dir/keys"
	script=$(cd "$dir" && "wl_${wl}_rerun")
	: >"$dir/rerun.txt"
	[ -n "$script" ] || return 0
	in_mode "$mode" "$dir" "$script" >"$dir/rerun.out" 2>&1
	"wl_${wl}_reparse" "$dir" >"$dir/rerun.txt"
}

# show_diffs FILE LIMIT: the differences, one a line
show_diffs() {
	awk -F'\t' -v lim="$2" 'NR <= lim {
		k = ($4 == "-") ? "" : "  [known: " $4 "]"
		m = ($6 == "once") ? "  (not on a second run: flaky)" : ""
		printf "      %s: native %s, mediated %s%s%s%s\n", $1, $2, $3, k, m, ($5 == "" ? "" : "\n          " $5)
	} END {if (NR > lim) printf "      ... and %d more (DIFF_KEEP=1 keeps them in the run directories)\n", NR - lim}' "$1"
}

workload() {
	local wl=$1 t0 nat_ms pol nat_dir diffs pre post n_unknown n_known n_once verdict
	echo
	t0=$(now_ms)
	SKIP_REASON=
	if ! "wl_${wl}_prepare" >"$TOP/prepare-$wl.log" 2>&1; then
		[ -n "$SKIP_REASON" ] || SKIP_REASON=$(tail -1 "$TOP/prepare-$wl.log")
		for pol in ${POLICIES[$wl]}; do
			SKIP=$((SKIP + 1))
			SUMMARY+=("$(printf '%-8s %-11s skipped: %s' "$wl" "$pol" "$SKIP_REASON")")
		done
		echo "== $wl: skipped: $SKIP_REASON"
		return
	fi
	echo "== $wl: $("wl_${wl}_about")"
	echo "  prepared (download, build; cached in $CACHE) in $(secs $(($(now_ms) - t0))) s"
	if ! run_one "$wl" native; then
		for pol in ${POLICIES[$wl]}; do
			FAIL=$((FAIL + 1))
			SUMMARY+=("$(printf '%-8s %-11s FAIL: the native run could not be set up' "$wl" "$pol")")
		done
		return
	fi
	nat_ms=$RUN_MS nat_dir=$RUN_DIR
	echo "  native:     $(counts "$nat_dir/results.txt")  [$(secs "$nat_ms") s]"
	for pol in ${POLICIES[$wl]}; do
		case " ${DIFF_POLICIES:-permissive default} " in *" $pol "*) ;; *) continue ;; esac
		pre=$(policyd_counts "$pol")
		if ! run_one "$wl" "$pol"; then
			FAIL=$((FAIL + 1))
			SUMMARY+=("$(printf '%-8s %-11s FAIL: the run could not be set up' "$wl" "$pol")")
			continue
		fi
		post=$(policyd_counts "$pol")
		echo "  $(printf '%-11s' "$pol:") $(counts "$RUN_DIR/results.txt")  [$(secs "$RUN_MS") s, ratio $(ratio "$RUN_MS" "$nat_ms");" \
			"policyd: $(awk -v a="$pre" -v b="$post" 'BEGIN {split(a, x); split(b, y); printf "%d requests, %d notifications", y[1] - x[1], y[2] - x[2]}')]"
		diffs=$TOP/diff-$wl-$pol
		$PY "$ROOT/tests/diff/results.py" compare "$nat_dir/results.txt" "$RUN_DIR/results.txt" "$KNOWN" "$wl" "$pol" >"$diffs.1"
		# unknown differences are run again, both ways, before they count:
		# an upstream test that is flaky on this machine is not tiergate's
		if awk -F'\t' '$4 == "-"' "$diffs.1" | cut -f1 >"$diffs.keys" && [ -s "$diffs.keys" ]; then
			rerun "$wl" native "$diffs.keys"
			rerun "$wl" "$pol" "$diffs.keys"
			$PY "$ROOT/tests/diff/results.py" confirm "$diffs.1" "$TOP/n/$wl/rerun.txt" "$RUN_DIR/rerun.txt" >"$diffs"
		else
			awk -F'\t' -v OFS='\t' '{print $1, $2, $3, $4, $5, "known"}' "$diffs.1" >"$diffs"
		fi
		n_unknown=$(awk -F'\t' '$4 == "-" && $6 != "once"' "$diffs" | wc -l)
		n_known=$(awk -F'\t' '$4 != "-"' "$diffs" | wc -l)
		n_once=$(awk -F'\t' '$4 == "-" && $6 == "once"' "$diffs" | wc -l)
		if [ "$n_unknown" -gt 0 ]; then
			FAIL=$((FAIL + 1)) verdict="FAIL: $n_unknown differences"
		elif [ "$n_known" -gt 0 ]; then
			KNOWN_N=$((KNOWN_N + 1)) verdict="known difference: $n_known known"
		else
			PASS=$((PASS + 1)) verdict="identical"
		fi
		[ "$n_once" -gt 0 ] && verdict+=" ($n_once flaky: differed once, not on a second run)"
		echo "  identical:  $([ "$n_unknown$n_known" = 00 ] && echo yes || echo no) -- $verdict"
		[ -s "$diffs" ] && show_diffs "$diffs" 25
		SUMMARY+=("$(printf '%-8s %-11s native %8s s  mediated %8s s  ratio %6s  %s' "$wl" "$pol" \
			"$(secs "$nat_ms")" "$(secs "$RUN_MS")" "$(ratio "$RUN_MS" "$nat_ms")" "$verdict")")
		if [ "$n_unknown" -gt 0 ] && [ -f "${RUNDIR_OF[$pol]}/policyd.log" ]; then
			echo "    policyd.log (last 10 lines):"
			tail -10 "${RUNDIR_OF[$pol]}/policyd.log" | sed 's/^/      /'
		fi
	done
}

# ------------------------------------------------------------ reproducers
# Each tests/diff/repro/NAME.{sh,py,c} prints what it observes; it runs
# natively and in a session (under the policy its "diff-policy:" line names,
# else permissive.yaml) and must print the same (stdout, stderr, exit code).
# The "exit N" line is written when the command ends; a background process
# may print after it (diff-wait).
repro_policy() { sed -n 's/.*diff-policy: *\([a-z]*\).*/\1/p' "$1" | head -1; }
# "diff-wait: N": seconds to wait after the command before reading what it
# printed (for a reproducer whose background process outlives it)
repro_wait() { sed -n 's/.*diff-wait: *\([0-9]*\).*/\1/p' "$1" | head -1; }
known_id_of() { awk -F'|' -v r="$1" '!/^#/ && NF >= 3 {gsub(/^ +| +$/, "", $3); gsub(/^ +| +$/, "", $1); if ($3 == r) {print $1; exit}}' "$KNOWN"; }

repros() {
	local src rel name cmd pol kid mode dir out t0 w
	echo
	echo "== reproducers (tests/diff/repro): natively and in a session; the same output expected"
	t0=$(now_ms)
	mkdir -p "$TOP/repro-bin"
	for src in "$ROOT"/tests/diff/repro/*; do
		rel=${src#"$ROOT"/} name=$(basename "$src")
		case $src in
		*.c)
			if ! ${CC:-cc} -std=gnu11 -O2 -Wall -Wextra -Werror -D_GNU_SOURCE -o "$TOP/repro-bin/${name%.c}" "$src" -lpthread \
				2>"$TOP/repro-bin/${name%.c}.err"; then
				FAIL=$((FAIL + 1))
				echo "  FAIL $rel: does not compile: $(head -3 "$TOP/repro-bin/${name%.c}.err")"
				continue
			fi
			cmd=("$TOP/repro-bin/${name%.c}") ;;
		*.sh) cmd=(bash "$src") ;;
		*.py) cmd=("$PY" "$src") ;;
		*) continue ;;
		esac
		pol=$(repro_policy "$src")
		pol=${pol:-permissive}
		for mode in native "$pol"; do
			dir=$TOP/${LETTER[$mode]}/repro/$name
			rm -rf "$dir" && mkdir -p "$dir"
			in_mode "$mode" "$dir" "timeout -k 5 60 $(printf '%q ' "${cmd[@]}") >\"$TOP/$mode-$name.out\" 2>\"$TOP/$mode-$name.err\"; echo \"exit \$?\" >>\"$TOP/$mode-$name.out\"" \
				>/dev/null 2>&1
			w=$(repro_wait "$src") && sleep "${w:-0}"
		done
		kid=$(known_id_of "$rel")
		if cmp -s "$TOP/native-$name.out" "$TOP/$pol-$name.out" && cmp -s "$TOP/native-$name.err" "$TOP/$pol-$name.err"; then
			if [ -n "$kid" ]; then
				FAIL=$((FAIL + 1))
				echo "  FAIL $rel ($pol): no longer differs: remove line '$kid' from tests/diff/known.txt"
			else
				PASS=$((PASS + 1))
				echo "  ok   $rel ($pol): identical"
			fi
			continue
		fi
		if [ -n "$kid" ]; then
			KNOWN_N=$((KNOWN_N + 1))
			echo "  known difference $rel ($pol) [$kid]:"
		else
			FAIL=$((FAIL + 1))
			echo "  FAIL $rel ($pol): differs:"
		fi
		diff <(cat "$TOP/native-$name.out"; sed 's/^/stderr: /' "$TOP/native-$name.err") \
			<(cat "$TOP/$pol-$name.out"; sed 's/^/stderr: /' "$TOP/$pol-$name.err") |
			sed -n 's/^< /      native:   /p; s/^> /      mediated: /p' | head -12
	done
	SUMMARY+=("$(printf '%-8s %-11s %s s' repro "" "$(secs $(($(now_ms) - t0)))")")
}

for wl in $WANT; do
	if [ "$wl" = repro ]; then repros; else workload "$wl"; fi
done

echo
echo "== differential harness: $(secs $(($(now_ms) - T_START))) s in all (ratio = mediated / native wall time)"
printf '  %s\n' "${SUMMARY[@]}"
# known differences are not passed: they are counted on a line of their own
echo "diff: $KNOWN_N known differences (tests/diff/known.txt), not counted as passed"
echo "diff: $PASS passed, $FAIL failed, $SKIP skipped"
[ "$FAIL" = 0 ]
