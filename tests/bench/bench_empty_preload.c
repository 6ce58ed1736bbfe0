/*
 * An LD_PRELOAD object that does nothing: no constructor, no hooks, one
 * symbol. make bench runs the exec loop under bench_floor with this
 * preloaded, so that the price of the mechanisms tiergate must use (a
 * preloaded library in every dynamic program, and a seccomp user-notify
 * supervisor for every exec) can be told from what tiergate adds to them.
 */
int tiergate_bench_empty_preload;
