#!/bin/bash
# Sums every suite's result in a `make check` log: cmocka's "[  PASSED  ] N
# test(s)" / "[  FAILED  ] N test(s)" and the scripts' "N passed, M failed"
# (with ", K skipped" where a suite skips what cannot work on this machine),
# and the differential harness's "N known differences" (listed in
# tests/diff/known.txt: neither passed nor failed). A failing total exits 1.
awk '
/^\[  PASSED  \] [0-9]+ test/ { p += $4 }
/^\[  FAILED  \] [0-9]+ test/ { f += $4 }
/^\[  SKIPPED \] [0-9]+ test/ { s += $4 }
/^[a-z -]+: [0-9]+ passed, [0-9]+ failed(, [0-9]+ skipped)?$/ {
	n = split($0, a, /[:,] */)
	for (i = 1; i <= n; i++) {
		if (a[i] ~ / passed$/) p += a[i] + 0
		if (a[i] ~ / failed$/) f += a[i] + 0
		if (a[i] ~ / skipped$/) s += a[i] + 0
	}
}
/^[a-z -]+: [0-9]+ known differences? / { k += $2 }
END {
	printf "total: %d passed, %d failed, %d skipped", p, f, s
	if (k) printf ", %d known differences (tests/diff/known.txt)", k
	printf "\n"
	exit f > 0
}' "$1"
