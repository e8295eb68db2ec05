# Makefile - builds liblt (lib/), the lt-* programs (bin/), the target
# server fixture and the tests; runs the test suite, sanitizers, lint,
# benchmarks and the demo.  `make help` lists the targets.

PREFIX ?= /usr/local
DESTDIR ?=
CC ?= cc

# B: object and test directory; OUTBIN: where programs are linked.  The
# sanitizer build uses its own pair so it never clobbers the normal one.
B ?= build
OUTBIN ?= bin
OPT ?= -O2 -g
SAN ?=

WARN = -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes \
	-Wmissing-prototypes -Wpointer-arith -Wformat=2 -Wvla -Wundef \
	-Wno-missing-field-initializers
PKGS = libcurl libcmark jansson libcrypto
# Recursively expanded on purpose: evaluated when a recipe runs, that is
# after the deps stamp has installed pkg-config and the -dev packages.
DEP_CFLAGS = $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
DEP_LIBS = $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lev -lnng -lm -lpthread
ALL_CFLAGS = -std=c11 -D_GNU_SOURCE $(OPT) $(SAN) $(WARN) -Ilib \
	$(DEP_CFLAGS) $(CPPFLAGS) $(CFLAGS) -MMD -MP
ALL_LDFLAGS = $(SAN) $(LDFLAGS)

LIB_SRC := $(wildcard lib/*/*.c)
LIB_OBJ := $(LIB_SRC:%.c=$(B)/%.o)
PROG_SRC := $(wildcard bin/lt-*.c)
PROGS := $(PROG_SRC:bin/%.c=$(OUTBIN)/%)
TARGET_SRC := $(wildcard tests/target/*.c)
TARGET_OBJ := $(TARGET_SRC:%.c=$(B)/%.o)
UNIT_SRC := $(wildcard tests/unit/*_test.c)
UNITS := $(UNIT_SRC:tests/unit/%.c=$(B)/tests/%)
FUZZ_SRC := $(wildcard tests/fuzz/fuzz_*.c)
FUZZ_REPLAY := $(FUZZ_SRC:tests/fuzz/%.c=$(B)/tests/%_test)
DEPS_STAMP := $(B)/.deps-ok
TARGET_BIN := $(B)/lt-target

.SECONDARY:

.PHONY: all check asan lint fmt bench demo install uninstall clean help \
	deps fuzz units deb fresh-check

all: $(PROGS) $(TARGET_BIN)

# Installs missing Debian packages once (contrib/install-deps.sh);
# INSTALL_DEPS=: turns that off (the Debian package build does).
INSTALL_DEPS ?= sh contrib/install-deps.sh
$(DEPS_STAMP): contrib/install-deps.sh
	@$(INSTALL_DEPS)
	@mkdir -p $(@D) && touch $@
deps: $(DEPS_STAMP)
# What the test suite needs beyond the build (python3, nginx, openssl).
$(B)/.testdeps-ok: contrib/install-deps.sh
	@$(INSTALL_DEPS) --test
	@mkdir -p $(@D) && touch $@

$(B)/%.o: %.c | $(DEPS_STAMP)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(B)/liblt.a: $(LIB_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(OUTBIN)/lt-%: $(B)/bin/lt-%.o $(B)/liblt.a
	@mkdir -p $(@D)
	$(CC) $(ALL_LDFLAGS) -o $@ $< $(B)/liblt.a $(DEP_LIBS)

$(TARGET_BIN): $(TARGET_OBJ) $(B)/liblt.a
	$(CC) $(ALL_LDFLAGS) -o $@ $(TARGET_OBJ) $(B)/liblt.a $(DEP_LIBS)

$(B)/tests/%_test: $(B)/tests/unit/%_test.o $(B)/liblt.a
	@mkdir -p $(@D)
	$(CC) $(ALL_LDFLAGS) -o $@ $< $(B)/liblt.a $(DEP_LIBS)

# Fuzz harnesses also build as plain tests that replay their corpus
# (tests/fuzz/corpus/<name>/) through tests/fuzz/replay.c.
$(B)/tests/fuzz_%_test: $(B)/tests/fuzz/fuzz_%.o $(B)/tests/fuzz/replay.o $(B)/liblt.a
	@mkdir -p $(@D)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(DEP_LIBS)

units: $(UNITS) $(FUZZ_REPLAY)

check: all units $(B)/.testdeps-ok
	LT_BIN=$(abspath $(OUTBIN)) LT_TARGET=$(abspath $(TARGET_BIN)) \
	LT_UNITDIR=$(abspath $(B)/tests) tests/run.sh $(T)

# The whole suite again, every program built with ASan and UBSan.
asan:
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=0:halt_on_error=1 \
	UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
	$(MAKE) check B=build/asan OUTBIN=build/asan/bin OPT="-O1 -g" \
	    SAN="-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer"

# libFuzzer builds of the harnesses (needs clang); FUZZ_SECONDS each.
FUZZ_SECONDS ?= 60
fuzz: | $(DEPS_STAMP)
	sh contrib/install-deps.sh --bench
	sh tests/fuzz/run.sh $(FUZZ_SECONDS)

FMT_SRC = $(wildcard lib/*/*.[ch] bin/*.c tests/unit/*.c tests/target/*.[ch] tests/fuzz/*.c)
fmt:
	clang-format -i $(FMT_SRC)
lint:
	clang-format --dry-run --Werror $(FMT_SRC)
	cppcheck --quiet --error-exitcode=1 --enable=warning,portability \
	    --suppress=missingIncludeSystem -Ilib lib bin tests/target
	sh tests/manlint.sh
	sh tests/layering.sh

bench: all
	sh bench/run.sh

demo: all
	sh contrib/demo.sh

MAN1 = $(wildcard share/man/man1/*.1)
MAN5 = $(wildcard share/man/man5/*.5)
# Where completions go: bash-completion's own directory (its pkg-config
# file, with datadir moved under PREFIX), else the same path by hand; zsh's
# vendor directory.  Examples (scenarios, contrib) go to EXAMPLESDIR.
BASHCOMPDIR ?= $(or $(shell pkg-config --define-variable=prefix=$(PREFIX) \
    --define-variable=datadir=$(PREFIX)/share \
    --variable=completionsdir bash-completion 2>/dev/null), \
    $(PREFIX)/share/bash-completion/completions)
ZSHCOMPDIR ?= $(PREFIX)/share/zsh/vendor-completions
EXAMPLESDIR ?= $(PREFIX)/share/lt
COMPLETED = lt-agg lt-report lt-target
install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/man/man1 \
	    $(DESTDIR)$(PREFIX)/share/man/man5 $(DESTDIR)$(EXAMPLESDIR) \
	    $(DESTDIR)$(BASHCOMPDIR) $(DESTDIR)$(ZSHCOMPDIR)
	install -m 755 $(PROGS) $(DESTDIR)$(PREFIX)/bin/
	install -m 755 $(TARGET_BIN) $(DESTDIR)$(PREFIX)/bin/lt-target
	[ -z "$(MAN1)" ] || install -m 644 $(MAN1) $(DESTDIR)$(PREFIX)/share/man/man1/
	[ -z "$(MAN5)" ] || install -m 644 $(MAN5) $(DESTDIR)$(PREFIX)/share/man/man5/
	install -m 644 contrib/completion/lt.bash $(DESTDIR)$(BASHCOMPDIR)/lt-run
	for c in $(COMPLETED); do ln -sf lt-run $(DESTDIR)$(BASHCOMPDIR)/$$c; done
	install -m 644 contrib/completion/_lt $(DESTDIR)$(ZSHCOMPDIR)/_lt
	cp -R scenarios $(DESTDIR)$(EXAMPLESDIR)/
	cp -R contrib $(DESTDIR)$(EXAMPLESDIR)/
	rm -rf $(DESTDIR)$(EXAMPLESDIR)/contrib/debian
uninstall:
	rm -f $(PROGS:$(OUTBIN)/%=$(DESTDIR)$(PREFIX)/bin/%) $(DESTDIR)$(PREFIX)/bin/lt-target
	rm -f $(MAN1:share/man/%=$(DESTDIR)$(PREFIX)/share/man/%)
	rm -f $(MAN5:share/man/%=$(DESTDIR)$(PREFIX)/share/man/%)
	rm -f $(DESTDIR)$(BASHCOMPDIR)/lt-run $(COMPLETED:%=$(DESTDIR)$(BASHCOMPDIR)/%)
	rm -f $(DESTDIR)$(ZSHCOMPDIR)/_lt
	rm -rf $(DESTDIR)$(EXAMPLESDIR)/scenarios $(DESTDIR)$(EXAMPLESDIR)/contrib
	-rmdir $(DESTDIR)$(EXAMPLESDIR) 2>/dev/null

# A Debian package (binary only) from a copy of the source tree with
# contrib/debian/ as its debian/; lintian checks it.  Needs
# `contrib/install-deps.sh --deb`.  The package lands in build/deb/.
DEB_SRC = bin lib share scenarios tests contrib bench Makefile README.md \
	LICENSE .clang-format
deb:
	@$(INSTALL_DEPS) --deb
	rm -rf build/deb && mkdir -p build/deb/lt
	cp -R $(DEB_SRC) build/deb/lt/
	$(MAKE) -s -C build/deb/lt clean
	cp -R contrib/debian build/deb/lt/debian
	cd build/deb/lt && dpkg-buildpackage -us -uc -b
	lintian --fail-on error,warning --display-info build/deb/lt_*.changes

# The README's promise on a fresh Debian 12 root (tests/fresh.sh): make
# demo, make check, make deb, and the package in a second clean root.
fresh-check:
	@$(INSTALL_DEPS) --fresh
	bash tests/fresh.sh

clean:
	rm -rf build $(PROGS) demo

help:
	@echo "make            build bin/lt-* and the target fixture"
	@echo "make check      run the test suite (T=pattern to filter)"
	@echo "make asan       the test suite under ASan+UBSan"
	@echo "make demo       install deps, build, run a load test, write a report"
	@echo "make bench      benchmarks against wrk, hey, jq, Locust"
	@echo "make lint       formatting, cppcheck and man page checks"
	@echo "make fuzz       libFuzzer runs of the harnesses"
	@echo "make install    PREFIX=/usr/local DESTDIR= ; make uninstall"
	@echo "make deb        a Debian package in build/deb/ (lintian checked)"
	@echo "make fresh-check  demo, check and deb in a new Debian 12 root"

-include $(LIB_OBJ:.o=.d) $(TARGET_OBJ:.o=.d) $(PROG_SRC:%.c=$(B)/%.d) \
	$(UNIT_SRC:%.c=$(B)/%.d) $(FUZZ_SRC:%.c=$(B)/%.d)
