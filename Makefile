# httpstep - a plain GNU Makefile (kilo, sds, tig)
#
#   make                  build ./httpstep
#   make check            install what is missing, build, run every test, then
#                         again under AddressSanitizer and UBSan (build-san/)
#   make demo             open httpstep on a bundled sample
#   make SANITIZE=address,undefined   a sanitized ./httpstep
#   make install PREFIX=/usr/local, make clean, make deps, make bench, make valgrind,
#   make fuzz FUZZ_SECONDS=N (tests/fuzz/fuzz.mk)

PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/bin
MANDIR ?= $(PREFIX)/share/man
PKG_CONFIG ?= pkg-config
SANITIZE ?=

# -- issue 20: the inflate library of decode/content.c: isal (ISA-L's igzip,
# 2.3x zlib here) when pkg-config finds libisal, else zlib; INFLATE=zlib or
# INFLATE=isal picks one, built apart (build-zlib/, build-san-zlib/) when it
# is not the default; make test-inflate runs the content tests with each
ISAL_OK := $(shell $(PKG_CONFIG) --exists libisal 2>/dev/null && echo 1)
INFLATE_DEFAULT := $(if $(ISAL_OK),isal,zlib)
INFLATE ?= $(INFLATE_DEFAULT)
ifeq ($(filter $(INFLATE),isal zlib),)
$(error INFLATE must be isal or zlib, not '$(INFLATE)')
endif
INFLATE_SUFFIX := $(if $(filter $(INFLATE),$(INFLATE_DEFAULT)),,-$(INFLATE))
# -- end issue 20

ifeq ($(SANITIZE),)
BUILD ?= build$(INFLATE_SUFFIX)
else
BUILD ?= build-san$(INFLATE_SUFFIX)
endif

VERSION := 0.1.0
PKGS := libpcap ncursesw zlib libbrotlidec
# TLS (issue 15): libcrypto for every cipher, MAC and KDF of decode/tls_*.c
PKGS += libcrypto
# HTTP/2 (issue 16): HPACK through libnghttp2's inflater
PKGS += libnghttp2

CFLAGS ?= -O2 -g
WARN := -Wall -Wextra
ALL_CFLAGS := -std=c11 $(WARN) -D_DEFAULT_SOURCE \
	-DHTTPSTEP_VERSION='"$(VERSION)"' $(CFLAGS)
ALL_LDFLAGS := $(LDFLAGS)
ifneq ($(SANITIZE),)
ALL_CFLAGS += -fsanitize=$(SANITIZE) -fno-sanitize-recover=all -fno-omit-frame-pointer
ALL_LDFLAGS += -fsanitize=$(SANITIZE)
endif

PKG_CFLAGS := $(shell $(PKG_CONFIG) --cflags $(PKGS) 2>/dev/null)
PKG_LIBS := $(shell $(PKG_CONFIG) --libs $(PKGS) 2>/dev/null)
ifeq ($(INFLATE),isal)
ifneq ($(ISAL_OK),1)
$(error INFLATE=isal needs libisal (Debian: libisal-dev))
endif
ALL_CFLAGS += -DHTTPSTEP_ISAL
PKG_CFLAGS += $(shell $(PKG_CONFIG) --cflags libisal)
PKG_LIBS += $(shell $(PKG_CONFIG) --libs libisal)
endif
# the brotli encoder is optional for the tests (testutil.h finds it at run time)
CMOCKA_LIBS := $(shell $(PKG_CONFIG) --libs cmocka 2>/dev/null) \
	$(shell $(PKG_CONFIG) --libs libbrotlienc 2>/dev/null)

TRACER_SRC := tracer/util.c tracer/sbuf.c tracer/capture.c tracer/pcapng.c tracer/packet.c \
	tracer/table.c tracer/tcp.c tracer/seginfo.c
# HTTP/1.x, the model, the record and the pipeline; DNS; TLS (pcapng secrets, the
# key log, tables, crypto, the engine); HTTP/2 (the engine and its HPACK decoding)
DECODE_SRC := decode/model.c decode/parse.c decode/inspect.c decode/content.c decode/message.c \
	decode/decoder.c decode/record.c decode/pipeline.c decode/dns.c decode/dnsflow.c decode/socks.c \
	decode/tls.c decode/keylog.c decode/tls_tables.c decode/tls_crypto.c decode/tls_conn.c \
	decode/h2.c decode/h2_stream.c decode/h2_tables.c decode/hpack.c \
	decode/conn_tls.c decode/conn_h2.c
TEACH_SRC := teach/i18n.c teach/catalog.c teach/compose.c teach/notes.c teach/lead.c teach/explain.c \
	teach/explain_hdr.c teach/explain_msg.c teach/explain_dns.c teach/explain_socks.c \
	teach/explain_tls.c teach/explain_h2.c teach/palette.c \
	teach/lab.c teach/lab_check.c teach/lab_next.c teach/lab_tcp.c teach/lab_tls.c teach/lab_dns.c \
	teach/lesson.c teach/lesson_bind.c
REPORT_SRC := report/out.c report/json.c report/text.c report/spool.c report/walk.c \
	report/writer.c report/html.c report/md.c report/svg.c report/har.c report/export.c \
	report/lab.c
UI_SRC := ui/index.c ui/screen.c ui/keys.c ui/picker.c ui/nav.c ui/packet.c \
	ui/view_list.c ui/view_ladder.c ui/view_bytes.c ui/view_explain.c ui/view_bars.c ui/app.c \
	ui/lab.c ui/export.c
LIB_SRC := $(TRACER_SRC) $(DECODE_SRC) $(TEACH_SRC) $(REPORT_SRC) $(UI_SRC)
LIB_OBJ := $(LIB_SRC:%.c=$(BUILD)/%.o)
MAIN_OBJ := $(BUILD)/httpstep.o
UNIT_SRC := $(wildcard tests/unit/test_*.c)
# the learner text's translations, found next to the binary at run time
PO_FILES := $(wildcard po/*.po)
MO_FILES := $(PO_FILES:po/%.po=$(BUILD)/locale/%/LC_MESSAGES/httpstep.mo)
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)

# Debian packages: to build, and (the second list) to run the tests (node and
# npm from elsewhere, e.g. NodeSource, count as installed)
DEB_BUILD := gcc make pkg-config libpcap-dev libncurses-dev zlib1g-dev libbrotli-dev \
	libcmocka-dev gettext libisal-dev
DEB_TEST := python3 tshark tmux curl nginx iproute2 tcpdump chromium valgrind clang dnsmasq-base \
	libclang-rt-dev bind9-dnsutils nodejs npm fonts-wqy-microhei
DEB_BUILD += libssl-dev
# HTTP/2 (issue 16): libnghttp2 to build; its client and server, python3-h2 to test
DEB_BUILD += libnghttp2-dev
DEB_TEST += nghttp2-client nghttp2-server python3-h2

.PHONY: all deps check test units e2e demo install clean have-libs bench valgrind har-validator \
	bench-live bench-pairs inflate-bench test-inflate print-build

all: $(BUILD)/httpstep $(MO_FILES)
	@cp -f $(BUILD)/httpstep ./httpstep

have-libs:
	@$(PKG_CONFIG) --exists $(PKGS) 2>/dev/null || { \
		echo "httpstep: the build needs $(PKGS) (and pkg-config): run 'make deps'" >&2; exit 1; }

$(BUILD)/%.o: %.c | have-libs
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(PKG_CFLAGS) -MMD -MP -c -o $@ $<

$(BUILD)/libhttpstep.a: $(LIB_OBJ)
	@rm -f $@
	$(AR) rcs $@ $^

$(BUILD)/httpstep: $(MAIN_OBJ) $(BUILD)/libhttpstep.a
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(PKG_LIBS)

$(BUILD)/tests/%: tests/unit/%.c tests/unit/testutil.h $(BUILD)/libhttpstep.a | have-libs
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(PKG_CFLAGS) -Itests/unit -o $@ $< $(BUILD)/libhttpstep.a \
		$(ALL_LDFLAGS) $(PKG_LIBS) $(CMOCKA_LIBS)

$(BUILD)/locale/%/LC_MESSAGES/httpstep.mo: po/%.po
	@mkdir -p $(dir $@)
	msgfmt -c -o $@ $<

-include $(LIB_OBJ:.o=.d) $(MAIN_OBJ:.o=.d)

# HTTP/2 (issue 16): h2dump runs the HTTP/2 engine over a capture's
# connections (tests/e2e/h2_tshark.py compares it with tshark; --bench times it)
$(BUILD)/tests/h2dump: tests/h2/h2dump.c $(BUILD)/libhttpstep.a | have-libs
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(PKG_CFLAGS) -o $@ $< $(BUILD)/libhttpstep.a $(ALL_LDFLAGS) $(PKG_LIBS)
units: $(BUILD)/tests/h2dump

# libFuzzer harnesses: make fuzz FUZZ_SECONDS=N, make fuzz-smoke (in check)
include tests/fuzz/fuzz.mk

# TLS (issue 15): the record sealer shared by test_tls and fuzz_tls; tlsreplay, the
# engine alone over a capture (tests/e2e/tls_tshark.py, and its speed)
$(BUILD)/tests/test_tls: tests/unit/tlsseal.h
$(BUILD)/tests/test_dns $(BUILD)/tests/test_dnsflow: tests/unit/dnsbuild.h
$(FUZZ_DIR)/fuzz_tls: tests/unit/tlsseal.h
$(BUILD)/tests/tlsreplay: tests/tools/tlsreplay.c $(BUILD)/libhttpstep.a | have-libs
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(PKG_CFLAGS) -o $@ $< $(BUILD)/libhttpstep.a $(ALL_LDFLAGS) $(PKG_LIBS)
units: $(BUILD)/tests/tlsreplay
# lab mode (issue 19): labnext prints the "what comes next?" questions of a
# capture (tests/e2e/lab.py checks them against tshark)
$(BUILD)/tests/labnext: tests/tools/labnext.c $(BUILD)/libhttpstep.a | have-libs
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(PKG_CFLAGS) -o $@ $< $(BUILD)/libhttpstep.a $(ALL_LDFLAGS) $(PKG_LIBS)
units: $(BUILD)/tests/labnext

# Install what the build and the tests need (Debian). Root installs; anyone
# else is told the exact command.
deps:
	@missing=""; \
	for p in $(DEB_BUILD) $(DEB_TEST); do \
		case $$p in nodejs) command -v node >/dev/null 2>&1 && continue ;; \
			npm) command -v npm >/dev/null 2>&1 && continue ;; esac; \
		dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "ok installed" || missing="$$missing $$p"; \
	done; \
	[ -z "$$missing" ] && exit 0; \
	if [ "$$(id -u)" = 0 ]; then \
		echo "httpstep: installing$$missing"; \
		export DEBIAN_FRONTEND=noninteractive; \
		apt-get update -qq && apt-get install -y -qq --no-install-recommends $$missing; \
	else \
		echo "httpstep: these Debian packages are missing; install them with:"; \
		echo "  sudo apt-get update && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends$$missing"; \
		exit 1; \
	fi
	@$(MAKE) --no-print-directory har-validator

# the HAR 1.2 schema check of the tests (tests/e2e/exports.py): har-validator
# from npm, at the versions of tests/har/package-lock.json, into tests/har
har-validator:
	@[ -d tests/har/node_modules/har-validator ] || { \
		command -v npm >/dev/null 2>&1 || { echo "httpstep: npm is missing (make deps)" >&2; exit 1; }; \
		echo "httpstep: installing har-validator into tests/har (test only)"; \
		cd tests/har && npm ci --no-audit --no-fund --loglevel=error || { rm -rf node_modules; \
		echo "httpstep: npm could not fetch har-validator (see above): tests/e2e/exports.py" \
		     "skips the HAR schema check and says so" >&2; }; }

units: $(UNIT_BIN)

# every test, against the binaries of $(BUILD)
test: $(BUILD)/httpstep units $(MO_FILES)
	@BUILD=$(BUILD) sh tests/run.sh

check: deps
	@$(MAKE) --no-print-directory all
	@$(MAKE) --no-print-directory test
	@$(MAKE) --no-print-directory SANITIZE=address,undefined test
	@$(MAKE) --no-print-directory fuzz-smoke

demo: deps all
	./httpstep samples/01-classic-get.pcap

# memcheck over every sample (also part of make test)
valgrind: all
	HTTPSTEP=$(CURDIR)/$(BUILD)/httpstep sh tests/e2e/valgrind.sh

# speed and memory against a bare libpcap loop (not part of check)
BENCH_PCAP ?=
bench: all
	tests/bench/run-bench.sh ./httpstep $(BENCH_PCAP)

# -- issues 15, 16: only the TLS and HTTP/2 pairs (BENCH_PAIR_MIB=256; root to record them)
bench-pairs: all
	tests/bench/pairs-bench.sh ./httpstep

# -- issue 20: only the live part of the benchmark (root; LIVE_SECONDS=30 ...)
bench-live: all
	tests/bench/live-bench.py ./httpstep

# -- issue 20: zlib against ISA-L's isal_inflate on a capture's bodies (not in check):
#    make inflate-bench; build/inflate-bench extract CAPTURE BODIES; ... run BODIES
$(BUILD)/inflate-bench: tests/bench/inflate-bench.c $(BUILD)/libhttpstep.a | have-libs
	$(CC) $(ALL_CFLAGS) $(PKG_CFLAGS) $(if $(ISAL_OK),-DHAVE_ISAL) -o $@ $< \
		$(BUILD)/libhttpstep.a $(ALL_LDFLAGS) $(PKG_LIBS) \
		$(if $(ISAL_OK),$(shell $(PKG_CONFIG) --libs libisal))
inflate-bench: $(BUILD)/inflate-bench

# -- issue 20: the content and decoder tests with each inflate library (and
#    under ASan/UBSan: make SANITIZE=address,undefined test-inflate)
INFLATE_LIBS := zlib $(if $(ISAL_OK),isal)
test-inflate:
	@for lib in $(INFLATE_LIBS); do \
		$(MAKE) --no-print-directory INFLATE=$$lib units || exit 1; \
		b=$$($(MAKE) --no-print-directory -s INFLATE=$$lib print-build); \
		for t in test_content test_decoder; do \
			echo "$$lib: $$b/tests/$$t"; ./$$b/tests/$$t || exit 1; \
		done; \
	done
print-build:
	@echo $(BUILD)

DATADIR ?= $(PREFIX)/share
LOCALEDIR ?= $(DATADIR)/locale

install: all
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(DATADIR)/httpstep/samples \
		$(DESTDIR)$(DATADIR)/httpstep/samples/lessons
	install -m 755 httpstep $(DESTDIR)$(BINDIR)/httpstep
	install -m 644 httpstep.1 $(DESTDIR)$(MANDIR)/man1/httpstep.1
	install -m 644 samples/*.pcap* samples/README.md $(DESTDIR)$(DATADIR)/httpstep/samples/
	install -m 644 samples/lessons/*.lesson $(DESTDIR)$(DATADIR)/httpstep/samples/lessons/
	for mo in $(MO_FILES); do \
		lang=$$(echo $$mo | sed 's|.*/locale/\([^/]*\)/.*|\1|'); \
		install -d $(DESTDIR)$(LOCALEDIR)/$$lang/LC_MESSAGES; \
		install -m 644 $$mo $(DESTDIR)$(LOCALEDIR)/$$lang/LC_MESSAGES/httpstep.mo; \
	done

clean:
	rm -rf build build-san build-zlib build-san-zlib build-isal build-san-isal httpstep
