# kguard — `make` builds ./kguard; `make demo` scans examples/; `make check` runs every test.
CC      ?= cc
O       ?= build
PKGS    := yaml-0.1 libmicrohttpd gnutls libpcre2-8
WARN    := -Wall -Wextra -Werror -Wpedantic -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Wvla \
           -Wwrite-strings -Wformat=2 -Wcast-qual -Wimplicit-fallthrough -Wno-format-nonliteral -fno-common
CFLAGS  ?= -O2 -g
# With gcc the kguard binary is linked with link-time optimisation (docs/performance.md: about 3 %
# of kguard's own instructions, inlining across files). The objects are fat, so unit tests link
# them without LTO (an LTO link per test binary would multiply build time). LTO= turns it off.
IS_GCC  := $(shell $(CC) -v 2>&1 | grep -q '^gcc version' && echo 1)
LTO     ?= $(if $(IS_GCC),-flto=auto -ffat-lto-objects)
ALL_CFLAGS = -std=c17 -D_GNU_SOURCE $(WARN) $(CFLAGS) $(LTO) $(EXTRA_CFLAGS) $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
# libmicrohttpd and GnuTLS are not linked: src/server/libs.c loads them with dlopen when a server
# starts (they cost every process ~5 ms at startup otherwise, docs/dependencies.md). Their sonames are
# read from the installed development libraries.
LINK_PKGS := yaml-0.1 libpcre2-8
LDLIBS  := $(shell pkg-config --libs $(LINK_PKGS) 2>/dev/null || echo -lyaml -lpcre2-8) -lm -lpthread
soname   = $(or $(shell objdump -p $(shell pkg-config --variable=libdir $(1) 2>/dev/null)/$(2).so 2>/dev/null | \
             sed -n 's/^ *SONAME *//p'),$(3))
MHD_SONAME    ?= $(call soname,libmicrohttpd,libmicrohttpd,libmicrohttpd.so.12)
GNUTLS_SONAME ?= $(call soname,gnutls,libgnutls,libgnutls.so.30)
$(O)/src/server/libs.o: ALL_CFLAGS += -DKG_MHD_SONAME='"$(MHD_SONAME)"' -DKG_GNUTLS_SONAME='"$(GNUTLS_SONAME)"'
VERSION := $(shell cat VERSION 2>/dev/null || echo 0.0.0)

LIB_SRC  := $(sort $(shell find src -name '*.c' ! -path 'src/cmd/main.c'))
LIB_OBJ  := $(LIB_SRC:%.c=$(O)/%.o)
UNIT_SRC := $(sort $(wildcard tests/unit/test_*.c))
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=$(O)/tests/%)

.PHONY: all deps demo check test unit golden conformance asan fuzz bench clean rules-doc
all: kguard

deps:
	@scripts/deps.sh

# V=1 shows the compiler command lines.
Q := $(if $(V),,@)

$(O)/%.o: %.c
	@mkdir -p $(dir $@)
	$(if $(Q),@echo "  CC      $@")
	$(Q)$(CC) $(ALL_CFLAGS) -DKG_VERSION='"$(VERSION)"' -MMD -MP -c $< -o $@

$(O)/libkguard.a: $(LIB_OBJ)
	@rm -f $@
	$(if $(Q),@echo "  AR      $@")
	$(Q)ar rcs $@ $^

$(O)/kguard: $(O)/src/cmd/main.o $(O)/libkguard.a
	$(if $(Q),@echo "  LINK    $@")
	$(Q)$(CC) $(ALL_CFLAGS) -o $@ $^ $(LDLIBS)

kguard: $(O)/kguard
	cp $(O)/kguard ./kguard

$(O)/tests/%: tests/unit/%.c $(wildcard tests/unit/*.h) $(O)/libkguard.a
	@mkdir -p $(dir $@)
	$(if $(Q),@echo "  TEST    $@")
	$(Q)$(CC) $(filter-out $(LTO),$(ALL_CFLAGS)) -Isrc -o $@ $< $(O)/libkguard.a $(LDLIBS)

# The JSON loader's test compares acceptance with jansson's (test only; kguard never links it).
$(O)/tests/test_json_load: LDLIBS += -ljansson

# The main job on the bundled examples: findings are expected (exit 1), errors are not.
demo: deps
	@$(MAKE) --no-print-directory kguard
	./kguard scan examples/ ; rc=$$?; echo "kguard scan exited $$rc (1 = findings, as expected here)"; test $$rc -le 1

unit: $(UNIT_BIN)
	@tests/run-unit.sh $(UNIT_BIN)

golden: $(O)/kguard
	@KGUARD=$(O)/kguard tests/golden/run.sh

conformance: $(O)/kguard
	@KGUARD=$(O)/kguard tests/conformance/run.sh

# The whole suite: release build, unit + golden + conformance, then the same under ASan+UBSan,
# then every fuzz target for a short bounded time.
check: deps
	$(MAKE) kguard
	$(MAKE) test
	$(MAKE) asan
	$(MAKE) fuzz
	@echo "check: all suites passed"

test: unit golden conformance

asan:
	$(MAKE) O=build-asan CC=clang CFLAGS="-O1 -g -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer" test

FUZZ_SRC := $(sort $(wildcard tests/fuzz/fuzz_*.c))
FUZZ_BIN := $(FUZZ_SRC:tests/fuzz/%.c=build-fuzz/%)
FUZZ_SECONDS ?= 20
build-fuzz/%: tests/fuzz/%.c
	$(MAKE) O=build-fuzz CC=clang CFLAGS="-O1 -g -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=all" build-fuzz/libkguard.a
	clang -std=c17 -D_GNU_SOURCE -O1 -g -fsanitize=fuzzer,address,undefined -Isrc -o $@ $< build-fuzz/libkguard.a $(LDLIBS)

fuzz: $(FUZZ_BIN)
	@tests/fuzz/run.sh $(FUZZ_SECONDS) $(FUZZ_BIN)

bench: deps kguard
	@bench/scan.sh

rules-doc: kguard
	./kguard rules --format markdown > docs/rules.md

clean:
	rm -rf build build-asan build-fuzz kguard

-include $(shell find $(O) -name '*.d' 2>/dev/null)

# Audit benchmark: 1M generated events through the upstream + kguard rules (bench/audit.sh).
$(O)/bench/gen_audit: bench/gen_audit.c
	@mkdir -p $(dir $@)
	$(CC) -std=c17 $(WARN) $(CFLAGS) -o $@ $<

bench-audit: $(O)/kguard $(O)/bench/gen_audit
	@KGUARD=$(O)/kguard GEN=$(O)/bench/gen_audit bench/audit.sh

# Admission webhook benchmark: wrk on loopback against kguard serve (bench/serve.sh).
bench-serve: $(O)/kguard
	@KGUARD=$(O)/kguard bench/serve.sh
