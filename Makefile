# authwatch: plain non-recursive GNU Makefile (objects in $(B), -MMD dependencies).
#
#   make            build $(B)/authwatch
#   make check      build, then run every test (unit, golden, e2e)
#   make asan       the same under AddressSanitizer + UBSan, in build/asan
#   make tsan       the parallel reader's tests under ThreadSanitizer
#   make bench      generate logs and measure against the peers
#   make fuzz       libFuzzer targets: header parser + classifier, configuration (clang)
#   make format     apply .clang-format
#   make install    $(DESTDIR)$(PREFIX)/bin/authwatch, the man pages in $(PREFIX)/share/man
#   make install-service  also the systemd unit and /etc/authwatch/authwatch.conf

PREFIX  ?= /usr/local
DESTDIR ?=
B       ?= build
CC      ?= cc
PKG_CONFIG ?= pkg-config

PKGS    := liblzma libzstd libisal libsystemd inih libnftables sqlite3 libmaxminddb
WARN    := -Wall -Wextra -Wshadow -Wformat=2 -Wpointer-arith -Wcast-qual \
           -Wstrict-prototypes -Wmissing-prototypes -Wvla -Wundef \
           -Wwrite-strings -Wno-unused-parameter
ifdef WERROR
WARN    += -Werror
endif
OPT     ?= -O2 -g
CFLAGS  ?=
CPPFLAGS += -D_GNU_SOURCE -Isrc
ALL_CFLAGS = -std=c11 $(OPT) $(WARN) $(CFLAGS) $(SANFLAGS) \
             $(shell $(PKG_CONFIG) --cflags $(PKGS))
LDLIBS  += $(shell $(PKG_CONFIG) --libs $(PKGS)) -lbz2 -lm -lpthread

SRCS    := $(wildcard src/*.c)
LIBSRCS := $(filter-out src/main.c,$(SRCS))
OBJS    := $(SRCS:src/%.c=$(B)/obj/%.o)
LIBOBJS := $(LIBSRCS:src/%.c=$(B)/obj/%.o)
TSRCS   := $(wildcard tests/unit/test_*.c)
TBINS   := $(TSRCS:tests/unit/%.c=$(B)/tests/%)

all: $(B)/authwatch

$(B)/authwatch: $(OBJS)
	$(CC) $(ALL_CFLAGS) -o $@ $(OBJS) $(LDFLAGS) $(LDLIBS)

$(B)/obj/%.o: src/%.c | $(B)/obj
	$(CC) $(CPPFLAGS) $(ALL_CFLAGS) -MMD -MP -c -o $@ $<

$(B)/tests/%: tests/unit/%.c $(LIBOBJS) tests/t.h | $(B)/tests
	$(CC) $(CPPFLAGS) -Itests $(ALL_CFLAGS) -MMD -MP -o $@ $< $(LIBOBJS) $(LDFLAGS) $(LDLIBS)

$(B)/bench/gen: bench/gen.c bench/gen_script.c bench/gen_sshd.c bench/gen.h | $(B)/bench
	$(CC) $(CPPFLAGS) $(ALL_CFLAGS) -o $@ $(filter %.c,$^)

$(B)/bench/consumer: bench/consumer.c $(LIBOBJS) | $(B)/bench
	$(CC) $(CPPFLAGS) $(ALL_CFLAGS) -o $@ $< $(LIBOBJS) $(LDFLAGS) $(LDLIBS)

$(B)/obj $(B)/tests $(B)/bench:
	mkdir -p $@

tests: $(B)/authwatch $(TBINS)

check: tests
	B=$(B) tests/run.sh

asan:
	$(MAKE) B=build/asan OPT="-O1 -g -fno-omit-frame-pointer" \
	  SANFLAGS="-fsanitize=address,undefined -fno-sanitize-recover=all" check

# ThreadSanitizer over the parallel reader (the only code that shares memory between threads)
tsan:
	$(MAKE) B=build/tsan OPT="-O1 -g" SANFLAGS="-fsanitize=thread" build/tsan/tests/test_feed
	TSAN_OPTIONS=halt_on_error=1 build/tsan/tests/test_feed >build/tsan/test_feed.log 2>&1; \
	  rc=$$?; grep -v '^ok ' build/tsan/test_feed.log; \
	  sed -n 's/^tests: //p' build/tsan/test_feed.log; exit $$rc

bench: $(B)/authwatch $(B)/bench/gen $(B)/bench/consumer
	scripts/deps.sh bench
	B=$(B) bench/run.sh && B=$(B) bench/daemon.sh

FUZZ_CC = clang -std=c11 -g -O1 -D_GNU_SOURCE -Isrc -fsanitize=fuzzer,address,undefined \
	  -fno-sanitize-recover=undefined

fuzz: | $(B)/fuzz
	$(FUZZ_CC) -o $(B)/fuzz/fuzz_parse tests/fuzz/fuzz_parse.c src/syslog_hdr.c \
	  src/sshd_parse.c src/sshd_fields.c src/sshd_auth.c src/sshd_conn.c src/aux_parse.c \
	  src/obuf.c src/addr.c src/event.c src/log.c src/xmalloc.c src/journal.c \
	  src/journal_json.c $(shell $(PKG_CONFIG) --cflags --libs libsystemd)
	$(FUZZ_CC) $(shell $(PKG_CONFIG) --cflags inih) -o $(B)/fuzz/fuzz_conf \
	  tests/fuzz/fuzz_conf.c src/conf.c src/conf_argv.c src/conf_key.c src/conf_write.c \
	  src/addr.c src/timespec.c src/log.c src/xmalloc.c \
	  $(shell $(PKG_CONFIG) --libs inih)
	mkdir -p $(B)/fuzz/corpus $(B)/fuzz/corpus-conf
	cp tests/fuzz/seeds/* $(B)/fuzz/corpus/ 2>/dev/null || true
	cp etc/authwatch.conf $(B)/fuzz/corpus-conf/
	$(B)/fuzz/fuzz_parse -max_total_time=$${FUZZ_SECONDS:-60} -max_len=4096 \
	  $(B)/fuzz/corpus
	$(B)/fuzz/fuzz_conf -max_total_time=$${FUZZ_SECONDS:-60} -max_len=4096 \
	  $(B)/fuzz/corpus-conf

$(B)/fuzz:
	mkdir -p $@

format:
	clang-format -i src/*.c src/*.h tests/*.h tests/unit/*.c bench/*.c bench/*.h tests/fuzz/*.c

install: $(B)/authwatch
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/man/man1 \
	  $(DESTDIR)$(PREFIX)/share/man/man5
	install -m 0755 $(B)/authwatch $(DESTDIR)$(PREFIX)/bin/authwatch
	install -m 0644 man/authwatch.1 $(DESTDIR)$(PREFIX)/share/man/man1/authwatch.1
	install -m 0644 man/authwatch.conf.5 $(DESTDIR)$(PREFIX)/share/man/man5/authwatch.conf.5

# the daemon as a systemd service; an existing /etc/authwatch/authwatch.conf is kept
install-service: install
	install -d $(DESTDIR)/etc/authwatch $(DESTDIR)/etc/systemd/system
	[ -e $(DESTDIR)/etc/authwatch/authwatch.conf ] || \
	  install -m 0644 etc/authwatch.conf $(DESTDIR)/etc/authwatch/authwatch.conf
	sed 's|/usr/local/bin/authwatch|$(PREFIX)/bin/authwatch|' etc/authwatch.service \
	  >$(DESTDIR)/etc/systemd/system/authwatch.service
	@echo "now: sudo systemctl daemon-reload && sudo systemctl enable --now authwatch"

clean:
	rm -rf build

.PHONY: all tests check asan tsan bench fuzz format install install-service clean
-include $(OBJS:.o=.d) $(TBINS:=.d)
