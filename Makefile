# tiergate: one Makefile for every component. See README.md.
#
#   make               build everything into $(BUILD)
#   make SANITIZE=1    the same with ASan+UBSan
#   make test          install missing packages, build with sanitizers, run all tests
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
	-Ipolicyd/engine -Ipolicyd -Iinterposer -I$(BUILD)
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

CFLAGS_ALL = $(BASE_CFLAGS) $(call pkg_cflags,$(PKGS)) $(CFLAGS)
LDLIBS_YAML = $(call pkg_libs,yaml-0.1)

ENGINE_SRC := $(wildcard policyd/engine/*.c)
ENGINE_OBJ := $(ENGINE_SRC:%.c=$(BUILD)/%.o)
ENGINE_LIB := $(BUILD)/libtgpolicy.a
BIN := $(BUILD)/bin

POLICYCTL_SRC := policyd/policyctl.c policyd/cli_common.c policyd/ctl_client.c \
	policyd/rundir.c
POLICYCTL_OBJ := $(POLICYCTL_SRC:%.c=$(BUILD)/%.o)

POLICYD_SRC := policyd/policyd.c policyd/request.c policyd/session.c policyd/supervisor.c \
	policyd/exec_verify.c \
	policyd/control.c policyd/resolver.c policyd/layers.c policyd/audit.c \
	policyd/procfs.c policyd/rundir.c policyd/req_decode.c
POLICYD_OBJ := $(POLICYD_SRC:%.c=$(BUILD)/%.o)

SHELL_SRC := wrappers/agent-shell.c wrappers/sandbox.c policyd/rundir.c
SHELL_OBJ := $(SHELL_SRC:%.c=$(BUILD)/%.o)

# The interposer is loaded into every program of a session: never built
# with sanitizers, hidden visibility, only the hooks exported.
PRELOAD_SRC := interposer/preload.c policyd/engine/glob.c policyd/engine/util.c
PRELOAD_CFLAGS := -std=gnu11 -g -O2 $(WARN) -fstack-protector-strong -fPIC \
	-fvisibility=hidden -D_GNU_SOURCE -D_FORTIFY_SOURCE=2 -Ipolicyd/engine -Iinterposer
PRELOAD := $(BIN)/libtiergate-preload.so

UNIT_SRC := $(wildcard tests/unit/test_*.c)
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)

BINS := $(BIN)/policyctl $(BIN)/policyd $(BIN)/agent-shell $(PRELOAD)

.PHONY: all
all: $(BINS) $(UNIT_BIN) $(BUILD)/bench_engine

$(BUILD)/%.o: %.c
	$(call say,CC,$<)
	$(Q)mkdir -p $(dir $@)
	$(Q)$(CC) $(CFLAGS_ALL) -MMD -MP -c $< -o $@

$(ENGINE_LIB): $(ENGINE_OBJ)
	$(call say,AR,$@)
	$(Q)rm -f $@ && ar rcs $@ $^

$(BIN)/policyctl: $(POLICYCTL_OBJ) $(ENGINE_LIB)
	$(call say,LD,$@)
	$(Q)mkdir -p $(dir $@)
	$(Q)$(CC) $(LDFLAGS_SAN) $(LDHARDEN) -o $@ $^ $(LDLIBS_YAML) $(LDFLAGS)

$(BIN)/policyd: $(POLICYD_OBJ) $(ENGINE_LIB)
	$(call say,LD,$@)
	$(Q)mkdir -p $(dir $@)
	$(Q)$(CC) $(LDFLAGS_SAN) $(LDHARDEN) -o $@ $^ $(LDLIBS_YAML) -lpthread $(LDFLAGS)

$(BIN)/agent-shell: $(SHELL_OBJ)
	$(call say,LD,$@)
	$(Q)mkdir -p $(dir $@)
	$(Q)$(CC) $(LDFLAGS_SAN) $(LDHARDEN) -o $@ $^ $(call pkg_libs,libseccomp) $(LDFLAGS)

$(PRELOAD): $(PRELOAD_SRC) interposer/tg_proto.h policyd/engine/glob.h policyd/engine/util.h
	$(call say,CCLD,$@)
	$(Q)mkdir -p $(dir $@)
	$(Q)$(CC) $(PRELOAD_CFLAGS) -shared $(LDHARDEN) -Wl,-z,noseparate-code -Wl,--no-undefined -o $@ $(PRELOAD_SRC)

$(BUILD)/tests/test_audit: tests/unit/test_audit.c policyd/audit.c $(ENGINE_LIB)
	$(call say,CC,$@)
	$(Q)mkdir -p $(dir $@)
	$(Q)$(CC) $(CFLAGS_ALL) $(call pkg_cflags,cmocka) $(LDFLAGS_SAN) $(LDHARDEN) \
		-o $@ $< policyd/audit.c $(ENGINE_LIB) $(call pkg_libs,cmocka)

$(BUILD)/tests/test_procfs: tests/unit/test_procfs.c policyd/procfs.c policyd/procfs.h $(ENGINE_LIB)
	$(call say,CC,$@)
	$(Q)mkdir -p $(dir $@)
	$(Q)$(CC) $(CFLAGS_ALL) -Ipolicyd $(call pkg_cflags,cmocka) $(LDFLAGS_SAN) $(LDHARDEN) \
		-o $@ $< policyd/procfs.c $(ENGINE_LIB) $(call pkg_libs,cmocka) -lpthread

$(BUILD)/tests/test_resolver: tests/unit/test_resolver.c policyd/resolver.c policyd/daemon.h $(ENGINE_LIB)
	$(call say,CC,$@)
	$(Q)mkdir -p $(dir $@)
	$(Q)$(CC) $(CFLAGS_ALL) -Ipolicyd -Iinterposer $(call pkg_cflags,cmocka) $(LDFLAGS_SAN) $(LDHARDEN) \
		-Wl,--wrap=getaddrinfo -o $@ $< policyd/resolver.c $(ENGINE_LIB) $(call pkg_libs,cmocka) -lpthread

$(BUILD)/tests/test_%: tests/unit/test_%.c $(ENGINE_LIB)
	$(call say,CC,$@)
	$(Q)mkdir -p $(dir $@)
	$(Q)$(CC) $(CFLAGS_ALL) $(call pkg_cflags,cmocka) -MMD -MP $(LDFLAGS_SAN) $(LDHARDEN) \
		-o $@ $< $(ENGINE_LIB) $(call pkg_libs,cmocka) $(LDLIBS_YAML)

$(BUILD)/bench_engine: tests/bench/bench_engine.c $(ENGINE_LIB)
	$(call say,CC,$@)
	$(Q)$(CC) $(CFLAGS_ALL) -MMD -MP $(LDHARDEN) -o $@ $< $(ENGINE_LIB) $(LDLIBS_YAML)

# ---------------------------------------------------------------- deps

DEB_PKGS := libseccomp-dev libbpf-dev bpftool clang llvm libelf-dev zlib1g-dev \
	libyaml-dev libcurl4-openssl-dev libcmocka-dev libnl-3-dev \
	libnl-route-3-dev pkg-config libclang-rt-14-dev git python3 iproute2
DEP_PCS := yaml-0.1 cmocka libseccomp libbpf libcurl libnl-3.0

.PHONY: deps
deps:
	@missing=0; \
	for pc in $(DEP_PCS); do $(PKG_CONFIG) --exists $$pc 2>/dev/null || missing=1; done; \
	for t in clang bpftool git python3 ip; do command -v $$t >/dev/null 2>&1 || missing=1; done; \
	[ -e /usr/lib/llvm-14/lib/clang/14.0.6/lib/linux/libclang_rt.fuzzer-x86_64.a ] || missing=1; \
	if [ $$missing = 1 ]; then \
		echo "deps: installing Debian packages: $(DEB_PKGS)"; \
		if [ "$$(id -u)" != 0 ]; then SUDO=sudo; else SUDO=; fi; \
		$$SUDO apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends $(DEB_PKGS) >/dev/null \
		|| { echo "deps: apt-get failed; install these packages by hand: $(DEB_PKGS)" >&2; exit 1; }; \
	fi

# --------------------------------------------------------------- tests

SAN_BUILD := build/san

SHELL := /bin/bash
.PHONY: test check check-unit check-policies check-malformed check-integration check-bypass
ATTACKS := $(patsubst tests/bypass/%.c,$(BUILD)/tests/attacks/%,$(wildcard tests/bypass/*.c)) \
	$(BUILD)/tests/attacks/static_marker

# the denied program of the bypass suite, also as a static binary
$(BUILD)/tests/attacks/static_marker: tests/bypass/marker.c
	$(call say,CC,$@)
	$(Q)mkdir -p $(dir $@)
	$(Q)$(CC) -std=gnu11 -O2 -Wall -Wextra -D_GNU_SOURCE -static -o $@ $<

$(BUILD)/tests/attacks/static_%: tests/bypass/static_%.c tests/bypass/flip.h
	$(call say,CC,$@)
	$(Q)mkdir -p $(dir $@)
	$(Q)$(CC) -std=gnu11 -O2 -Wall -Wextra -D_GNU_SOURCE -static -o $@ $<

$(BUILD)/tests/attacks/%: tests/bypass/%.c tests/bypass/flip.h
	$(call say,CC,$@)
	$(Q)mkdir -p $(dir $@)
	$(Q)$(CC) -std=gnu11 -O2 -Wall -Wextra -D_GNU_SOURCE -o $@ $< -lpthread

check-bypass: $(BINS) $(ATTACKS)
	$(Q)tests/bypass/run.sh $(BIN) $(BUILD)/tests/attacks

PROGS := $(BUILD)/tests/progs
PROG_BINS := $(PROGS)/spawn $(PROGS)/mt $(PROGS)/connect6 $(PROGS)/pool_fork $(PROGS)/nullargs \
	$(PROGS)/byname

$(PROGS)/%: tests/integration/progs/%.c
	$(call say,CC,$@)
	$(Q)mkdir -p $(dir $@)
	$(Q)$(CC) -std=gnu11 -O2 -g -Wall -Wextra -Werror -D_GNU_SOURCE -o $@ $< -lpthread

test: deps
	$(Q)mkdir -p $(SAN_BUILD)
	$(Q)set -o pipefail; $(MAKE) --no-print-directory BUILD=$(SAN_BUILD) SANITIZE=1 check 2>&1 | tee $(SAN_BUILD)/test.log
	$(Q)tests/total.sh $(SAN_BUILD)/test.log

check: check-unit check-policies check-malformed check-integration check-bypass
	@echo "all test suites passed"

check-unit: $(UNIT_BIN)
	$(Q)tests/run_unit.sh $(UNIT_BIN)

check-policies: $(BIN)/policyctl
	$(Q)tests/policies/run.sh $(BIN)/policyctl

check-integration: $(BINS) $(PROG_BINS)
	$(Q)cp tests/integration/progs/*.py $(PROGS)/
	$(Q)tests/integration/run.sh $(BIN) $(PROGS)

check-malformed: $(BIN)/policyctl
	$(Q)tests/malformed/run.sh $(BIN)/policyctl

# --------------------------------------------------------------- bench

.PHONY: bench
BENCH_BINS := $(BUILD)/bench_engine $(BUILD)/bench/bench_open $(BUILD)/bench/bench_latency

$(BUILD)/bench/bench_open: tests/bench/bench_open.c
	$(Q)mkdir -p $(dir $@)
	$(Q)$(CC) -O2 -Wall -Wextra -Werror -o $@ $<

$(BUILD)/bench/bench_latency: tests/bench/bench_latency.c interposer/tg_proto.h
	$(Q)mkdir -p $(dir $@)
	$(Q)$(CC) -O2 -Wall -Wextra -Werror -D_GNU_SOURCE -Iinterposer -o $@ $< -lpthread

$(BUILD)/bench/bench_floor: tests/bench/bench_floor.c interposer/tg_proto.h
	$(Q)mkdir -p $(dir $@)
	$(Q)$(CC) -O2 -Wall -Wextra -Werror -D_GNU_SOURCE -Iinterposer -o $@ $< -lpthread

$(BUILD)/bench/libbench_empty.so: tests/bench/bench_empty_preload.c
	$(Q)mkdir -p $(dir $@)
	$(Q)$(CC) -O2 -Wall -Wextra -Werror -shared -fPIC -o $@ $<

$(BUILD)/bench/bench_rounds: tests/bench/bench_rounds.c
	$(Q)mkdir -p $(dir $@)
	$(Q)$(CC) -O2 -Wall -Wextra -Werror -o $@ $<

$(BUILD)/bench/bench_rounds_static: tests/bench/bench_rounds.c
	$(Q)mkdir -p $(dir $@)
	$(Q)$(CC) -O2 -Wall -Wextra -Werror -static -o $@ $<

$(BUILD)/bench/bench_static: tests/bench/bench_static.c
	$(Q)mkdir -p $(dir $@)
	$(Q)$(CC) -O2 -Wall -Wextra -Werror -D_GNU_SOURCE -static -o $@ $<

bench: deps
	$(Q)$(MAKE) --no-print-directory BUILD=build/bench all build/bench/bench/bench_open build/bench/bench/bench_latency build/bench/bench/bench_static build/bench/bench/bench_floor build/bench/bench/libbench_empty.so \
		build/bench/bench/bench_rounds build/bench/bench/bench_rounds_static
	$(Q)cp build/bench/bench_engine build/bench/bench/
	$(Q)tests/bench/bench.sh build/bench/bin build/bench/bench

# ---------------------------------------------------------------- fuzz

FUZZ_FLAGS := -fsanitize=fuzzer,address,undefined -g -O1 -D_GNU_SOURCE \
	-Ipolicyd/engine $(call pkg_cflags,yaml-0.1)

$(BUILD)/fuzz/fuzz_policy: tests/fuzz/fuzz_policy.c $(ENGINE_SRC)
	$(call say,CLANG,$@)
	$(Q)mkdir -p $(dir $@)
	$(Q)$(CLANG) $(FUZZ_FLAGS) -o $@ $^ $(LDLIBS_YAML)

$(BUILD)/fuzz/fuzz_glob: tests/fuzz/fuzz_glob.c $(ENGINE_SRC)
	$(call say,CLANG,$@)
	$(Q)mkdir -p $(dir $@)
	$(Q)$(CLANG) $(FUZZ_FLAGS) -o $@ $^ $(LDLIBS_YAML)

$(BUILD)/fuzz/fuzz_proto: tests/fuzz/fuzz_proto.c policyd/req_decode.c interposer/tg_proto.h
	$(call say,CLANG,$@)
	$(Q)mkdir -p $(dir $@)
	$(Q)$(CLANG) $(FUZZ_FLAGS) -Iinterposer -Ipolicyd -o $@ tests/fuzz/fuzz_proto.c policyd/req_decode.c

FUZZERS := $(BUILD)/fuzz/fuzz_policy $(BUILD)/fuzz/fuzz_glob $(BUILD)/fuzz/fuzz_proto

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
install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/lib/tiergate \
		$(DESTDIR)/etc/tiergate/common $(DESTDIR)/lib/systemd/system
	install -m 0755 $(BIN)/policyctl $(BIN)/policyd $(BIN)/agent-shell \
		$(DESTDIR)$(PREFIX)/bin/
	install -m 0755 $(PRELOAD) $(DESTDIR)$(PREFIX)/lib/tiergate/
	install -m 0644 policies/*.yaml $(DESTDIR)/etc/tiergate/
	install -m 0644 policies/common/*.yaml $(DESTDIR)/etc/tiergate/common/
	sed 's|@PREFIX@|$(PREFIX)|g' wrappers/tiergate-policyd.service > \
		$(DESTDIR)/lib/systemd/system/tiergate-policyd.service

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
