#!/bin/bash
# The eBPF egress layer's figures (bench_bpf.c says what each is): root,
# cgroup v2. Usage: bench_bpf.sh BENCH_BPF [ROUNDS]
set -u
bin=$1; rounds=${2:-200}
if [ "$(id -u)" != 0 ]; then echo "bench_bpf: skipped (not root)"; exit 0; fi
echo "== eBPF egress layer (tests/bench/bench_bpf.c), $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg)"
exec "$bin" "$rounds"
