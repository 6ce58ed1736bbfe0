#!/bin/bash
# The approvals tests alone (tests/integration/approve.sh), as run.sh runs
# them, for working on them: approve_only.sh BINDIR PROGDIR, e.g.
#   make -j2 && cp tests/integration/progs/*.py build/tests/progs/ &&
#   tests/integration/approve_only.sh build/bin build/tests/progs
# (make check-integration builds PROGDIR's programs). Heavy: under the
# suite lock, like check-integration.
set -u
BIN=$(cd "$1" && pwd)
PROGS=$(cd "$2" && pwd)
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/lib.sh"
TOP=$(mktemp -d /tmp/tg-ap-XXXXXX)
export ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0
PASS=0 FAIL=0 SKIP=0
cleanup() {
	for r in "$TOP"/approve/run*; do
		p=$(cat "$r/policyd.pid" 2>/dev/null)
		[ -n "$p" ] && kill "$p" 2>/dev/null
	done
	rm -rf "$TOP"
}
trap cleanup EXIT
. "$HERE/approve.sh"
echo "approve: $PASS passed, $FAIL failed, $SKIP skipped"
[ "$FAIL" -eq 0 ]
