#!/bin/bash
# Runs each libFuzzer binary for SECONDS on a copy of its seed corpus and
# reports executions and crashes. Usage: run.sh SECONDS FUZZER...
set -u
secs=$1; shift
here=$(cd "$(dirname "$0")" && pwd)
rc=0
for f in "$@"; do
	name=$(basename "$f"); kind=${name#fuzz_}
	work="$here/corpus-work/$kind"
	mkdir -p "$work"
	cp -n "$here/corpus/$kind"/* "$work"/ 2>/dev/null
	# a dictionary of the input's words, where the harness has one
	dict=()
	[ -f "$here/$kind.dict" ] && dict=(-dict="$here/$kind.dict")
	log=$(mktemp)
	"$f" -max_total_time="$secs" -max_len=65536 -rss_limit_mb=2048 -timeout=10 \
		"${dict[@]}" -print_final_stats=1 -artifact_prefix="$here/" \
		"$work" >"$log" 2>&1
	r=$?
	execs=$(grep -E '^stat::number_of_executed_units' "$log" | awk '{print $2}')
	echo "$name: ${execs:-?} executions in ${secs}s, exit $r"
	if [ $r -ne 0 ]; then grep -E 'ERROR|SUMMARY|crash-|leak-|timeout-' "$log" | head -20; rc=1; fi
	rm -f "$log"
done
exit $rc
