#!/bin/bash
# The eBPF egress suite: the driver does the work (root, cgroup v2, its
# own network namespace). Usage: run.sh EGRESS_TEST PROGDIR [SUITE...]
set -u
test=$1; progdir=$2; shift 2
exec "$test" "$progdir" "$@"
