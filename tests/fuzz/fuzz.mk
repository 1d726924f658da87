# tests/fuzz/fuzz.mk - libFuzzer harnesses (included by the top Makefile;
# uses its LIB_SRC, PKG_CFLAGS, PKG_LIBS and have-libs)
#
#   make fuzz-build      build-fuzz/fuzz_* with clang, ASan and UBSan
#   make fuzz            each harness FUZZ_SECONDS (60) with seeds and dictionary
#                        (only some: make fuzz FUZZ_HARNESSES='http tcp')
#   make fuzz-smoke      each harness FUZZ_SMOKE_SECONDS (10), then the
#                        regressions; skips (exit 0) when clang cannot fuzz
#   make fuzz-regress    only tests/fuzz/regressions/<harness>/*
# tests/fuzz/README.md tells more.

FUZZ_CC ?= clang
FUZZ_DIR ?= build-fuzz
FUZZ_SECONDS ?= 60
FUZZ_SMOKE_SECONDS ?= 10
FUZZ_HARNESSES := capture packet tcp http content dns
# TLS (issue 15): the engine with a fixed key log, the key log, pcapng secrets
FUZZ_HARNESSES += tls keylog pcapng
# HTTP/2 (issue 16): the engine, fed as two cut streams (fuzz_h2.c)
FUZZ_HARNESSES += h2
# the readers of untrusted body bytes (decode/inspect.c) and the explanations
FUZZ_HARNESSES += inspect
# lab mode (issue 19): the questions of a capture, the checking of answers
FUZZ_HARNESSES += lab
# teacher lessons (issue 19): the lesson format's parser
FUZZ_HARNESSES += lesson
FUZZ_SAN := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
FUZZ_CFLAGS ?= -g -O1
# the top Makefile's flags (its defines), without its sanitizers and optimization
FUZZ_BASE_CFLAGS := $(filter-out -fsanitize=% -fno-sanitize-recover=% -O%,\
	$(or $(ALL_CFLAGS),-std=c11 -Wall -Wextra -D_DEFAULT_SOURCE))
FUZZ_ALL_CFLAGS := $(FUZZ_BASE_CFLAGS) $(FUZZ_CFLAGS) $(FUZZ_SAN)
FUZZ_OBJ := $(LIB_SRC:%.c=$(FUZZ_DIR)/obj/%.o)
FUZZ_BIN := $(FUZZ_HARNESSES:%=$(FUZZ_DIR)/fuzz_%)
FUZZ_ENV = FUZZ_DIR=$(FUZZ_DIR) FUZZ_CC=$(FUZZ_CC) FUZZ_HARNESSES="$(FUZZ_HARNESSES)"
# the makefile that includes this one, for the sub-make of fuzz-smoke
FUZZ_TOP := $(firstword $(MAKEFILE_LIST))

.PHONY: fuzz-build fuzz fuzz-smoke fuzz-regress fuzz-clean

$(FUZZ_DIR)/obj/%.o: %.c | have-libs
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_ALL_CFLAGS) -fsanitize=fuzzer-no-link $(PKG_CFLAGS) -MMD -MP -c -o $@ $<

$(FUZZ_DIR)/fuzz_%: tests/fuzz/fuzz_%.c tests/fuzz/fuzz_common.h $(FUZZ_OBJ)
	$(FUZZ_CC) $(FUZZ_ALL_CFLAGS) -fsanitize=fuzzer $(PKG_CFLAGS) -o $@ $< $(FUZZ_OBJ) $(PKG_LIBS)

-include $(FUZZ_OBJ:.o=.d)
.SECONDARY: $(FUZZ_OBJ)

fuzz-build: $(FUZZ_BIN)

fuzz: fuzz-build
	@$(FUZZ_ENV) FUZZ_SECONDS=$(FUZZ_SECONDS) sh tests/fuzz/run.sh fuzz

fuzz-regress: fuzz-build
	@$(FUZZ_ENV) sh tests/fuzz/run.sh regress

# for make check: a clean skip where clang cannot build fuzzers
fuzz-smoke:
	@if $(FUZZ_ENV) sh tests/fuzz/run.sh probe; then \
		mkdir -p $(FUZZ_DIR); \
		$(MAKE) --no-print-directory -f $(FUZZ_TOP) fuzz-build >$(FUZZ_DIR)/build.log 2>&1 || \
			{ cat $(FUZZ_DIR)/build.log; exit 1; }; \
		$(FUZZ_ENV) FUZZ_SECONDS=$(FUZZ_SMOKE_SECONDS) sh tests/fuzz/run.sh smoke; \
	fi

fuzz-clean:
	rm -rf $(FUZZ_DIR)

clean: fuzz-clean
