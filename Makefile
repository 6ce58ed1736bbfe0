# tiergate: one Makefile for every component. See README.md.
#
#   make               build everything into $(BUILD)
#   make SANITIZE=1    the same with ASan+UBSan
#   make test          install missing packages, build with sanitizers, run all tests
#   make check-diff    upstream test suites natively and mediated: same results?
#   make bench         benchmarks (ratios against unmediated runs)
#   make fuzz          fuzzers, each for FUZZ_SECONDS
#   make run           start a mediated shell on policies/default.yaml
#   make install       PREFIX=/usr/local DESTDIR=

BUILD ?= build
PREFIX ?= /usr/local
DESTDIR ?=
SANITIZE ?= 0
FUZZ_SECONDS ?= 60
V ?= 0

ifeq ($(V),0)
Q := @
say = @printf '  %-8s %s\n' $(1) $(2);
else
Q :=
say =
endif

.DELETE_ON_ERROR:
.SUFFIXES:

CC ?= cc
CLANG ?= clang
PKG_CONFIG ?= pkg-config
PKGS := yaml-0.1

# Libraries are found with pkg-config; before `make deps` ran on a fresh
# machine they may be missing, so these expansions must not fail.
pkg_cflags = $(shell $(PKG_CONFIG) --cflags $(1) 2>/dev/null)
pkg_libs = $(shell $(PKG_CONFIG) --libs $(1) 2>/dev/null)

WARN := -Wall -Wextra -Werror -Wshadow -Wmissing-prototypes -Wformat=2 \
	-Wno-format-nonliteral -Wstrict-prototypes -Wvla
HARDEN := -fstack-protector-strong -fPIC
BASE_CFLAGS := -std=gnu11 -g -O2 $(WARN) $(HARDEN) -D_GNU_SOURCE \
	-Icommon -Ipolicyd/engine -Ipolicyd -Ipolicyd/policyctl -Iinterposer -I$(BUILD)
LDHARDEN := -Wl,-z,relro -Wl,-z,now

ifeq ($(SANITIZE),1)
SAN := -fsanitize=address,undefined -fno-omit-frame-pointer \
	-fno-sanitize-recover=all
BASE_CFLAGS += $(SAN) -O1
LDFLAGS_SAN := $(SAN)
else
BASE_CFLAGS += -D_FORTIFY_SOURCE=3
LDFLAGS_SAN :=
endif

# Fault-injection hooks for the test suites (TIERGATE_TEST_* in policyd's
# environment, see policyd/sv_call.h): built into the sanitizer build that
# `make test` runs, never into a normal one. `make check-bypass` on a
# normal build wants TEST_HOOKS=1 (in a build directory of its own).
TEST_HOOKS ?= $(SANITIZE)
ifeq ($(TEST_HOOKS),1)
BASE_CFLAGS += -DTIERGATE_TEST_HOOKS
endif

CFLAGS_ALL = $(BASE_CFLAGS) $(call pkg_cflags,$(PKGS)) $(CFLAGS)
LDLIBS_YAML = $(call pkg_libs,yaml-0.1)
LINK = $(CC) $(LDFLAGS_SAN) $(LDHARDEN)

# Components (each a folder; a new .c file in one is built without editing
# this file):
#   common/          what the interposer, agent-shell, policyd and policyctl
#                    share (protocol, globs, pure helpers, run directory)
#   policyd/engine/  the policy engine (libtgpolicy.a)
#   policyd/         the daemon; policyd/main.c or policyd.c holds main()
#   policyd/policyctl/  the operators' and policy authors' tool
#   wrappers/        agent-shell
#   interposer/      the LD_PRELOAD library
COMMON_SRC := $(wildcard common/*.c)
COMMON_LIB := $(BUILD)/libtgcommon.a
ENGINE_SRC := $(wildcard policyd/engine/*.c)
ENGINE_LIB := $(BUILD)/libtgpolicy.a
DAEMON_MAIN := $(firstword $(wildcard policyd/main.c policyd/policyd.c))
DAEMON_SRC := $(filter-out $(DAEMON_MAIN),$(wildcard policyd/*.c))
DAEMON_LIB := $(BUILD)/libtgdaemon.a
POLICYCTL_SRC := $(wildcard policyd/policyctl/*.c)
SHELL_SRC := $(wildcard wrappers/*.c)
BIN := $(BUILD)/bin

objs = $(1:%.c=$(BUILD)/%.o)

# The interposer is loaded into every program of a session: never built
# with sanitizers, hidden visibility, only the hooks exported. Its objects
# (and the common code it compiles in) live apart from everything else's.
PRELOAD_SRC := $(wildcard interposer/*.c) common/glob.c common/util.c
PRELOAD_OBJ := $(PRELOAD_SRC:%.c=$(BUILD)/pic/%.o)
PRELOAD_CFLAGS := -std=gnu11 -g -O2 $(WARN) -fstack-protector-strong -fPIC \
	-fvisibility=hidden -D_GNU_SOURCE -D_FORTIFY_SOURCE=2 -Icommon -Iinterposer
PRELOAD := $(BIN)/libtiergate-preload.so

UNIT_SRC := $(wildcard tests/unit/test_*.c)
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)

BINS := $(BIN)/policyctl $(BIN)/policyd $(BIN)/agent-shell $(PRELOAD)

.PHONY: all
all: $(BINS) $(UNIT_BIN) $(BUILD)/bench_engine $(BPF_LIB) $(BPF_TEST) $(BPF_TEST_PROGS)

$(BUILD)/%.o: %.c
	$(call say,CC,$<)
	$(Q)mkdir -p $(dir $@)
	$(Q)$(CC) $(CFLAGS_ALL) -MMD -MP -c $< -o $@

$(BUILD)/pic/%.o: %.c
	$(call say,CC,$<)
	$(Q)mkdir -p $(dir $@)
	$(Q)$(CC) $(PRELOAD_CFLAGS) -MMD -MP -c $< -o $@

$(BUILD)/lib%.a:
	$(call say,AR,$@)
	$(Q)rm -f $@ && ar rcs $@ $^

$(COMMON_LIB): $(call objs,$(COMMON_SRC))
$(ENGINE_LIB): $(call objs,$(ENGINE_SRC))
$(DAEMON_LIB): $(call objs,$(DAEMON_SRC))

$(BIN)/policyctl: $(call objs,$(POLICYCTL_SRC)) $(ENGINE_LIB) $(COMMON_LIB)
	$(call say,LD,$@)
	$(Q)mkdir -p $(dir $@)
	$(Q)$(LINK) -o $@ $^ $(LDLIBS_YAML) $(LDFLAGS)

# policyd runs the eBPF egress layer (libtgbpf.a, defined below)
$(BIN)/policyd: $(call objs,$(DAEMON_MAIN)) $(DAEMON_LIB) $(ENGINE_LIB) $(COMMON_LIB) \
		$(BUILD)/libtgbpf.a
	$(call say,LD,$@)
	$(Q)mkdir -p $(dir $@)
	$(Q)$(LINK) -o $@ -Wl,--start-group $^ -Wl,--end-group $(LDLIBS_YAML) $(LDLIBS_BPF) \
		$(call pkg_libs,libcurl) -lpthread $(LDFLAGS)

$(BIN)/agent-shell: $(call objs,$(SHELL_SRC)) $(COMMON_LIB)
	$(call say,LD,$@)
	$(Q)mkdir -p $(dir $@)
	$(Q)$(LINK) -o $@ $^ $(call pkg_libs,libseccomp) $(LDFLAGS)

$(PRELOAD): $(PRELOAD_OBJ)
	$(call say,LD,$@)
	$(Q)mkdir -p $(dir $@)
	$(Q)$(CC) -shared $(LDHARDEN) -Wl,-z,noseparate-code -Wl,--no-undefined -o $@ $^

# Unit tests: one binary per tests/unit/test_*.c, linked against the
# daemon's, the engine's and the common archives (the linker takes only
# the modules a test uses). A test that needs more says so with a
# target-specific TEST_LDFLAGS (link-time wrapping, for example).
TEST_LIBS := $(DAEMON_LIB) $(ENGINE_LIB) $(COMMON_LIB) $(BUILD)/libtgbpf.a
$(BUILD)/tests/test_resolver: TEST_LDFLAGS := -Wl,--wrap=getaddrinfo
# the kernel path's tests answer its listener's ioctls themselves
$(BUILD)/tests/test_sv: TEST_LDFLAGS := -Wl,--wrap=ioctl
# the walk up the process tree, against a tree that changes while it is read
$(BUILD)/tests/test_session: TEST_LDFLAGS := -Wl,--wrap=procfs_stat

# The interposer's tests (test_ip_*.c) compile its modules below the hooks
# into the test binary itself (the library's objects are built for it
# alone: hidden, without sanitizers).
IP_TEST_SRC := $(addprefix interposer/,ip_state.c ip_env.c ip_path.c ip_scratch.c ip_conn.c \
	ip_fastpath.c ip_reads.c)
IP_TESTS := $(filter $(BUILD)/tests/test_ip_%,$(UNIT_BIN))
$(IP_TESTS): TEST_SRCS := $(IP_TEST_SRC)
$(IP_TESTS): $(IP_TEST_SRC) $(wildcard interposer/*.h)
# the eBPF layer's rule compiler (pure: no kernel needed)
$(BUILD)/tests/test_egress_compile: CFLAGS += -Ibpf -I$(BUILD)/bpf
$(BUILD)/tests/test_egress_compile: $(BUILD)/libtgbpf.a

$(BUILD)/tests/test_%: tests/unit/test_%.c $(TEST_LIBS)
	$(call say,CC,$@)
	$(Q)mkdir -p $(dir $@)
	$(Q)$(CC) $(CFLAGS_ALL) $(call pkg_cflags,cmocka) -MMD -MP $(LDFLAGS_SAN) $(LDHARDEN) \
		$(TEST_LDFLAGS) -o $@ $< $(TEST_SRCS) -Wl,--start-group $(TEST_LIBS) -Wl,--end-group \
		$(call pkg_libs,cmocka) $(LDLIBS_YAML) $(LDLIBS_BPF) -lpthread

$(BUILD)/bench_engine: tests/bench/bench_engine.c $(ENGINE_LIB) $(COMMON_LIB)
	$(call say,CC,$@)
	$(Q)$(CC) $(CFLAGS_ALL) -MMD -MP $(LDHARDEN) -o $@ $^ $(LDLIBS_YAML)

# ----------------------------------------------------------------- bpf

# The eBPF egress layer (bpf/): kernel programs bpf/X.bpf.c with their
# shared structs bpf/X.h, compiled CO-RE against a vmlinux.h generated
# from this machine's BTF; `bpftool gen skeleton` makes X.skel.h in the
# build directory, which the loader library (libtgbpf.a) includes.
BPFTOOL ?= bpftool
VMLINUX_BTF ?= /sys/kernel/btf/vmlinux
BPF_ARCH := $(shell uname -m | sed -e 's/x86_64/x86/' -e 's/aarch64/arm64/' \
	-e 's/ppc64le/powerpc/' -e 's/s390x/s390/' -e 's/riscv64/riscv/')
BPF_OUT := $(BUILD)/bpf
BPF_PROGS := $(wildcard bpf/*.bpf.c)
BPF_SKELS := $(BPF_PROGS:bpf/%.bpf.c=$(BPF_OUT)/%.skel.h)
BPF_LIB_SRC := $(filter-out %.bpf.c,$(wildcard bpf/*.c))
BPF_LIB := $(BUILD)/libtgbpf.a
LDLIBS_BPF = $(or $(call pkg_libs,libbpf),-lbpf -lelf -lz)
BPF_CFLAGS := -Ibpf -I$(BPF_OUT) $(call pkg_cflags,libbpf)

$(BPF_OUT)/vmlinux.h:
	$(call say,GEN,$@)
	$(Q)mkdir -p $(dir $@)
	$(Q)$(BPFTOOL) btf dump file $(VMLINUX_BTF) format c > $@

$(BPF_OUT)/%.bpf.o: bpf/%.bpf.c $(BPF_OUT)/vmlinux.h
	$(call say,BPF,$@)
	$(Q)$(CLANG) -g -O2 -target bpf -mcpu=v3 -D__TARGET_ARCH_$(BPF_ARCH) \
		-Wall -Werror -I$(BPF_OUT) -Ibpf -MMD -MP -MT $@ -MF $@.d \
		-c $< -o $@.tmp
	$(Q)$(BPFTOOL) gen object $@ $@.tmp && rm -f $@.tmp

$(BPF_OUT)/%.skel.h: $(BPF_OUT)/%.bpf.o
	$(call say,SKEL,$@)
	$(Q)$(BPFTOOL) gen skeleton $< name $* > $@

$(call objs,$(BPF_LIB_SRC)): CFLAGS += $(BPF_CFLAGS)
# policyd's side of the layer includes bpf/egress.h
$(BUILD)/policyd/egress_glue.o $(BUILD)/policyd/egress_events.o: CFLAGS += $(BPF_CFLAGS)
$(call objs,$(BPF_LIB_SRC)): $(BPF_SKELS)
$(BPF_LIB): $(call objs,$(BPF_LIB_SRC))

# The kernel suite (tests/bpf/, root): a driver linked with the library
# and the DNS forwarder's module, and a static helper.
BPF_TEST_SRC := $(filter-out tests/bpf/static_%.c,$(wildcard tests/bpf/*.c))
BPF_TEST := $(BUILD)/tests/bpf/egress_test
BPF_TEST_PROGS := $(BUILD)/tests/bpf/static_connect

$(BPF_TEST): $(BPF_TEST_SRC) $(wildcard tests/bpf/*.h) $(BPF_LIB) $(DAEMON_LIB) $(COMMON_LIB)
	$(call say,CC,$@)
	$(Q)mkdir -p $(dir $@)
	$(Q)$(CC) $(CFLAGS_ALL) $(BPF_CFLAGS) -Itests/bpf $(LDFLAGS_SAN) $(LDHARDEN) -o $@ \
		$(BPF_TEST_SRC) -Wl,--start-group $(BPF_LIB) $(DAEMON_LIB) $(COMMON_LIB) -Wl,--end-group \
		$(LDLIBS_BPF) -lpthread

$(BUILD)/tests/bpf/static_%: tests/bpf/static_%.c
	$(call say,CC,$@)
	$(Q)mkdir -p $(dir $@)
	$(Q)$(CC) $(STATIC_CFLAGS) -o $@ $<

# ---------------------------------------------------------------- deps

DEB_PKGS := libseccomp-dev libbpf-dev bpftool clang llvm libelf-dev zlib1g-dev \
	libyaml-dev libcurl4-openssl-dev libcmocka-dev libnl-3-dev \
	libnl-route-3-dev pkg-config libclang-rt-14-dev git python3 iproute2
DEP_PCS := yaml-0.1 cmocka libseccomp libbpf libcurl libnl-3.0

# libFuzzer's runtime, wherever this clang keeps its runtime libraries
.PHONY: deps
deps:
	@missing=0; \
	for pc in $(DEP_PCS); do $(PKG_CONFIG) --exists $$pc 2>/dev/null || missing=1; done; \
	for t in $(CLANG) bpftool git python3 ip; do command -v $$t >/dev/null 2>&1 || missing=1; done; \
	rt=$$($(CLANG) -print-runtime-dir 2>/dev/null); \
	[ -n "$$rt" ] && [ -e "$$rt/libclang_rt.fuzzer-x86_64.a" ] || missing=1; \
	if [ $$missing = 1 ]; then \
		echo "deps: installing Debian packages: $(DEB_PKGS)"; \
		if [ "$$(id -u)" != 0 ]; then SUDO=sudo; else SUDO=; fi; \
		$$SUDO apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends $(DEB_PKGS) >/dev/null \
		|| { echo "deps: apt-get failed; install these packages by hand: $(DEB_PKGS)" >&2; exit 1; }; \
	fi

# --------------------------------------------------------------- tests

SAN_BUILD := $(BUILD)/san

SHELL := /bin/bash
.PHONY: test check check-unit check-policies check-malformed check-integration check-bypass check-diff check-bpf
ATTACKS := $(patsubst tests/bypass/%.c,$(BUILD)/tests/attacks/%,$(wildcard tests/bypass/*.c)) \
	$(BUILD)/tests/attacks/static_marker
STATIC_CFLAGS := -std=gnu11 -O2 -Wall -Wextra -D_GNU_SOURCE -static

# the denied program of the bypass suite, also as a static binary
$(BUILD)/tests/attacks/static_marker: tests/bypass/marker.c
	$(call say,CC,$@)
	$(Q)mkdir -p $(dir $@)
	$(Q)$(CC) $(STATIC_CFLAGS) -o $@ $<

$(BUILD)/tests/attacks/static_%: tests/bypass/static_%.c tests/bypass/flip.h tests/bypass/protected.h \
	tests/bypass/sockopt_refused.h tests/bypass/loopconn.h
	$(call say,CC,$@)
	$(Q)mkdir -p $(dir $@)
	$(Q)$(CC) $(STATIC_CFLAGS) -o $@ $<

$(BUILD)/tests/attacks/%: tests/bypass/%.c tests/bypass/flip.h tests/bypass/protected.h \
	tests/bypass/unixconn.h
	$(call say,CC,$@)
	$(Q)mkdir -p $(dir $@)
	$(Q)$(CC) -std=gnu11 -O2 -Wall -Wextra -D_GNU_SOURCE -o $@ $< -lpthread

check-bypass: $(BINS) $(ATTACKS)
	$(Q)tests/bypass/run.sh $(BIN) $(BUILD)/tests/attacks

PROGS := $(BUILD)/tests/progs
PROG_BINS := $(patsubst tests/integration/progs/%.c,$(PROGS)/%,$(wildcard tests/integration/progs/*.c))

$(PROGS)/%: tests/integration/progs/%.c
	$(call say,CC,$@)
	$(Q)mkdir -p $(dir $@)
	$(Q)$(CC) -std=gnu11 -O2 -g -Wall -Wextra -Werror -D_GNU_SOURCE -o $@ $< -lpthread

# static_*: static programs, seen only by the kernel path
$(PROGS)/static_%: tests/integration/progs/static_%.c
	$(call say,CC,$@)
	$(Q)mkdir -p $(dir $@)
	$(Q)$(CC) $(STATIC_CFLAGS) -Werror -o $@ $<

# Every suite runs even when an earlier one failed, and the totals of all
# that ran are printed either way.
test: deps
	$(Q)mkdir -p $(SAN_BUILD)
	$(Q)set -o pipefail; $(MAKE) --no-print-directory -k BUILD=$(SAN_BUILD) SANITIZE=1 check 2>&1 | tee $(SAN_BUILD)/test.log; \
		rc=$$?; tests/total.sh $(SAN_BUILD)/test.log && exit $$rc

check: check-unit check-policies check-malformed check-integration check-bypass check-diff check-bpf
	@echo "all test suites passed"

check-unit: $(UNIT_BIN)
	$(Q)tests/run_unit.sh $(UNIT_BIN)

check-policies: $(BIN)/policyctl
	$(Q)tests/policies/run.sh $(BIN)/policyctl

check-integration: $(BINS) $(PROG_BINS) $(BPF_TEST_PROGS)
	$(Q)cp tests/integration/progs/*.py $(PROGS)/
	$(Q)tests/integration/run.sh $(BIN) $(PROGS)

check-malformed: $(BIN)/policyctl
	$(Q)tests/malformed/run.sh $(BIN)/policyctl

# The differential harness: CPython's, git's and gzip's own tests natively
# and under agent-shell (tests/diff/README.md). Downloads and builds are
# kept in $(DIFF_CACHE) for the next run and for make bench;
# DIFF_WORKLOADS="python git gzip repro" chooses.
DIFF_CACHE ?= build/cache
DIFF_WORKLOADS ?=
check-diff: $(BINS)
	$(Q)DIFF_CACHE=$(DIFF_CACHE) tests/diff/run.sh $(BIN) $(DIFF_WORKLOADS)
check-bpf: $(BPF_TEST) $(BPF_TEST_PROGS)
	$(Q)tests/bpf/run.sh $(BPF_TEST) $(dir $(BPF_TEST))

# The tree's shape: no file over 900 lines, no function over 100, no circle
# between files (from the objects' symbols and the includes).
.PHONY: check-structure
check-structure: $(BINS)
	$(Q)python3 tests/lint/structure.py $(BUILD)

# --------------------------------------------------------------- bench

# The benchmarks run the optimised build (no sanitizers) of $(BUILD).
.PHONY: bench
BB := $(BUILD)/bench
BENCH_BINS := $(BB)/bench_open $(BB)/bench_latency $(BB)/bench_static $(BB)/bench_floor \
	$(BB)/libbench_empty.so $(BB)/bench_rounds $(BB)/bench_rounds_static $(BB)/bench_engine \
	$(BB)/bench_bpf $(BB)/bench_net $(BB)/bench_net_static $(BB)/bench_calls $(BB)/bench_faults
BENCH_CFLAGS := -O2 -Wall -Wextra -Werror -D_GNU_SOURCE -Icommon

$(BB)/bench_%: tests/bench/bench_%.c
	$(Q)mkdir -p $(dir $@)
	$(Q)$(CC) $(BENCH_CFLAGS) -o $@ $< -lpthread

$(BB)/bench_static: tests/bench/bench_static.c
	$(Q)mkdir -p $(dir $@)
	$(Q)$(CC) $(BENCH_CFLAGS) -static -o $@ $<

$(BB)/bench_rounds_static: tests/bench/bench_rounds.c
	$(Q)mkdir -p $(dir $@)
	$(Q)$(CC) $(BENCH_CFLAGS) -static -o $@ $<

$(BB)/bench_net_static: tests/bench/bench_net.c
	$(Q)mkdir -p $(dir $@)
	$(Q)$(CC) $(BENCH_CFLAGS) -static -o $@ $< -lpthread

$(BB)/libbench_empty.so: tests/bench/bench_empty_preload.c
	$(Q)mkdir -p $(dir $@)
	$(Q)$(CC) $(BENCH_CFLAGS) -shared -fPIC -o $@ $<

$(BB)/bench_engine: $(BUILD)/bench_engine
	$(Q)cp $< $@

# BENCH_SECTIONS: real (git, a C build, a test suite, execs, opens), micro,
# calls (the notified calls alone, part of micro)
# and/or egress (the eBPF layer, root); all by default
BENCH_SECTIONS ?=
# The eBPF layer's benchmark (root): make bench's egress section, or alone
# as make bench-bpf.
BENCH_BPF_SRC := tests/bench/bench_bpf.c tests/bpf/tb.c tests/bpf/tb_remote.c
$(BB)/bench_bpf: $(BENCH_BPF_SRC) $(BPF_LIB) $(COMMON_LIB)
	$(call say,CC,$@)
	$(Q)mkdir -p $(dir $@)
	$(Q)$(CC) $(CFLAGS_ALL) $(BPF_CFLAGS) -Itests/bpf $(LDHARDEN) -o $@ $(BENCH_BPF_SRC) \
		$(BPF_LIB) $(COMMON_LIB) $(LDLIBS_BPF) -lpthread

.PHONY: bench-bpf
bench-bpf: $(BB)/bench_bpf
	$(Q)if [ "$(SANITIZE)" = 1 ]; then echo "bench: build without SANITIZE" >&2; exit 1; fi
	$(Q)tests/bench/bench_bpf.sh $(BB)/bench_bpf

bench: deps
	$(Q)if [ "$(SANITIZE)" = 1 ]; then echo "bench: build without SANITIZE" >&2; exit 1; fi
	$(Q)$(MAKE) --no-print-directory all $(BENCH_BINS)
	$(Q)DIFF_CACHE=$(DIFF_CACHE) tests/bench/bench.sh $(BIN) $(BB) $(BENCH_SECTIONS)

# ---------------------------------------------------------------- fuzz

FUZZ_FLAGS := -fsanitize=fuzzer,address,undefined -g -O1 -D_GNU_SOURCE \
	-Icommon -Ipolicyd/engine -Ipolicyd $(call pkg_cflags,yaml-0.1)

# the git parsers (gitcfg: config text; gitop: git_parse_op on a command
# line, its environment and repository files in a scratch root) need the
# engine as the policy loader does
$(BUILD)/fuzz/fuzz_policy $(BUILD)/fuzz/fuzz_glob $(BUILD)/fuzz/fuzz_gitcfg \
$(BUILD)/fuzz/fuzz_gitop: $(BUILD)/fuzz/%: tests/fuzz/%.c $(ENGINE_SRC) $(COMMON_SRC)
	$(call say,CLANG,$@)
	$(Q)mkdir -p $(dir $@)
	$(Q)$(CLANG) $(FUZZ_FLAGS) -o $@ $(filter %.c,$^) $(LDLIBS_YAML)

$(BUILD)/fuzz/fuzz_gitcfg $(BUILD)/fuzz/fuzz_gitop: tests/fuzz/scratch.h

$(BUILD)/fuzz/fuzz_proto: tests/fuzz/fuzz_proto.c policyd/req_decode.c
	$(call say,CLANG,$@)
	$(Q)mkdir -p $(dir $@)
	$(Q)$(CLANG) $(FUZZ_FLAGS) -o $@ $^

$(BUILD)/fuzz/fuzz_dns: tests/fuzz/fuzz_dns.c policyd/dnsproxy.c policyd/dnsmsg.c
	$(call say,CLANG,$@)
	$(Q)mkdir -p $(dir $@)
	$(Q)$(CLANG) $(FUZZ_FLAGS) -o $@ $^

FUZZERS := $(BUILD)/fuzz/fuzz_policy $(BUILD)/fuzz/fuzz_glob $(BUILD)/fuzz/fuzz_proto \
	$(BUILD)/fuzz/fuzz_dns $(BUILD)/fuzz/fuzz_gitcfg $(BUILD)/fuzz/fuzz_gitop

.PHONY: fuzz
fuzz: deps $(FUZZERS)
	$(Q)tests/fuzz/run.sh $(FUZZ_SECONDS) $(FUZZERS)

# ------------------------------------------------------------ run, install

.PHONY: run
# The embedded default: policyd in user mode on policies/default.yaml, and a
# mediated shell in the current directory.
run: deps all
	$(Q)$(BIN)/policyctl check -q policies/default.yaml
	$(Q)TIERGATE_USER_MODE=1 $(BIN)/agent-shell --user --policy policies/default.yaml

.PHONY: install
# The programs, the interposer, the policies, the systemd unit, the manual
# pages and policyctl's bash completion. PREFIX and DESTDIR as usual;
# @PREFIX@ in the unit and the pages becomes PREFIX.
MAN_PAGES := $(wildcard docs/man/*.[158])
MANDIR ?= $(PREFIX)/share/man
COMPLETIONDIR ?= $(PREFIX)/share/bash-completion/completions
install: $(BINS)
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/lib/tiergate \
		$(DESTDIR)/etc/tiergate/common $(DESTDIR)/lib/systemd/system \
		$(DESTDIR)$(COMPLETIONDIR) $(DESTDIR)$(MANDIR)/man1 \
		$(DESTDIR)$(MANDIR)/man5 $(DESTDIR)$(MANDIR)/man8
	install -m 0755 $(BIN)/policyctl $(BIN)/policyd $(BIN)/agent-shell \
		$(DESTDIR)$(PREFIX)/bin/
	install -m 0755 $(PRELOAD) $(DESTDIR)$(PREFIX)/lib/tiergate/
	install -m 0644 policies/*.yaml $(DESTDIR)/etc/tiergate/
	install -m 0644 policies/common/*.yaml $(DESTDIR)/etc/tiergate/common/
	sed 's|@PREFIX@|$(PREFIX)|g' wrappers/tiergate-policyd.service > \
		$(DESTDIR)/lib/systemd/system/tiergate-policyd.service
	for m in $(MAN_PAGES); do \
		d=$(DESTDIR)$(MANDIR)/man$${m##*.}/$${m##*/}; \
		sed 's|@PREFIX@|$(PREFIX)|g' $$m > $$d && chmod 0644 $$d || exit 1; \
	done
	install -m 0644 wrappers/policyctl.bash-completion \
		$(DESTDIR)$(COMPLETIONDIR)/policyctl

# -------------------------------------------------------------- hygiene

.PHONY: format format-check clean
FORMAT_SRC = $(shell git ls-files '*.c' '*.h' 2>/dev/null)
format:
	clang-format -i $(FORMAT_SRC)
format-check:
	@clang-format --dry-run --Werror $(FORMAT_SRC)

clean:
	rm -rf build

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
