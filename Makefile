# mmkit build.  Plain GNU make; every src/LAYER/*.c goes into the library,
# every tools/mmkit/*.c into the command, every tests/unit/test_*.c is a
# test program.
#
#   make            release build into build/
#   make debug      ASan+UBSan build into build-debug/ (invariant checks on)
#   make check      debug build, then every test (README's test command)
#   make MODE=tsan  ThreadSanitizer build (build-tsan/) of the concurrency tests
#   make MODE=cov   coverage build (build-cov/, clang): the library's edges
#                   counted for `mmkit fuzz --guided` (docs/CHECK.md)
#   make install    bin/mmkit, include/mmkit.h, lib/libmmkit.a and
#                   lib/libmmkit.so.0 under PREFIX (/usr/local), below DESTDIR
#   make tour       installs only a C toolchain if missing, builds the
#                   command and its Linux server, runs the tour (README)

CC      ?= cc
PREFIX  ?= /usr/local
# The one place the version is written.  mmk_version() and `mmkit --version`
# report it, followed by the commit when this is a git checkout.
VERSION := 0.1.0
GIT_REV := $(shell git describe --always --dirty 2>/dev/null)
FULL_VERSION := $(VERSION)$(if $(GIT_REV),+git.$(GIT_REV))
MODE    ?= release

WARN    := -Wall -Wextra -Werror -Wno-unused-parameter -Wshadow -Wstrict-prototypes
# The library's layers, lowest first: one folder of src/ each (the same list
# as scripts/callgraph.py's LAYERS, which checks that no call goes up).
# Every folder is on the include path, so a file includes "x.h" wherever
# x.h lives.
SRC_DIRS := $(addprefix src/,base lib page pagecache reclaim mm sys)
SRC_INC  := $(SRC_DIRS:%=-I%)
BASEFLAGS := -std=c11 -D_GNU_SOURCE -Iinclude $(SRC_INC) -pthread $(WARN)

ifeq ($(MODE),debug)
  B := build-debug
  OPT := -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=undefined -DMMK_DEBUG=1
  LDSAN := -fsanitize=address,undefined
else ifeq ($(MODE),tsan)
  B := build-tsan
  OPT := -O1 -g -fsanitize=thread -DMMK_DEBUG=1
  LDSAN := -fsanitize=thread
else ifeq ($(MODE),cov)
  # Only the library is instrumented (LIB_COV); guards are numbered in link
  # order, so the command links the objects in sorted order, not the archive.
  B := build-cov
  SERVER_CC := $(CC)
  CC := clang
  OPT := -O2 -g
  LDSAN :=
  LIB_COV := -fsanitize-coverage=trace-pc-guard -DMMK_COVERAGE=1
else
  B := build
  OPT := -O2 -g
  LDSAN :=
endif

CFLAGS_ALL := $(BASEFLAGS) $(OPT) $(CFLAGS)
LIB_SRC  := $(sort $(wildcard $(SRC_DIRS:%=%/*.c)))
LIB_HDR  := $(wildcard $(SRC_DIRS:%=%/*.h))
# Objects keep their folder (build/obj/base/lock.o), but the archive keeps
# only a member's base name and every file is known by its stem (the
# callgraph, the coverage table): a stem may be used once in all of src/.
# Nor may a source sit outside the layer folders.
LIB_STRAY := $(filter-out $(LIB_SRC) $(LIB_HDR),$(wildcard src/*.[ch] src/*/*.[ch]))
ifneq ($(LIB_STRAY),)
  $(error $(LIB_STRAY): not in a layer folder of src/ (SRC_DIRS: $(SRC_DIRS)))
endif
LIB_UNITS := $(sort $(basename $(LIB_SRC) $(LIB_HDR)))
LIB_STEMS := $(notdir $(LIB_UNITS))
LIB_DUPS  := $(sort $(foreach s,$(LIB_STEMS),$(if $(word 2,$(filter $(s),$(LIB_STEMS))),$(s))))
ifneq ($(LIB_DUPS),)
  $(error src/: one name in two layer folders: $(filter $(LIB_DUPS:%=\%/%),$(LIB_UNITS)))
endif
LIB_OBJ  := $(LIB_SRC:src/%.c=$(B)/obj/%.o)
LIB_PIC  := $(LIB_SRC:src/%.c=$(B)/pic/%.o)
TOOL_SRC := $(sort $(wildcard tools/mmkit/*.c))
TOOL_OBJ := $(TOOL_SRC:tools/mmkit/%.c=$(B)/tool/%.o) $(B)/tool/view_html.o
# The RISC-V runner behind `mmkit exec` (tools/rv/rv.h), linked into the command.
RV_SRC   := $(sort $(wildcard tools/rv/*.c))
RV_OBJ   := $(RV_SRC:tools/rv/%.c=$(B)/rv/%.o)
LSRV_SRC := $(sort $(wildcard tools/linux/*.c))
TEST_SRC := $(sort $(wildcard tests/unit/test_*.c))
TEST_BIN := $(TEST_SRC:tests/unit/%.c=$(B)/tests/%)

.PHONY: all debug check tests install clean tour bench rv-progs progs FORCE
all: $(B)/libmmkit.a $(B)/libmmkit.so.0 $(B)/libmmkit.so $(B)/mmkit $(B)/mmkit-linux $(B)/examples/embed \
	$(B)/examples/policy_clock

$(B)/obj/%.o: src/%.c $(LIB_HDR) include/mmkit.h
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) $(LIB_COV) -c $< -o $@
$(B)/pic/%.o: src/%.c $(LIB_HDR) include/mmkit.h
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) -fPIC -fvisibility=hidden -DMMK_BUILDING_SHARED -c $< -o $@
$(B)/tool/%.o: tools/mmkit/%.c $(wildcard tools/mmkit/*.h) $(wildcard tools/linux/*.h) include/mmkit.h
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) -Itools/mmkit -c $< -o $@

# -frounding-math: fpu.c changes the host rounding mode between operations.
$(B)/rv/%.o: tools/rv/%.c $(wildcard tools/rv/*.h) tools/mmkit/narrate.h include/mmkit.h
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) -frounding-math -Itools/rv -Itools/mmkit -c $< -o $@
# The page of `mmkit run --html` (tools/mmkit/view.html), built in as the C
# string view_html: one literal per line, with \ " and ? escaped (no trigraphs).
$(B)/tool/view_html.c: tools/mmkit/view.html
	@mkdir -p $(dir $@)
	{ echo 'const char view_html[] ='; \
	  sed -e 's/\\/\\\\/g' -e 's/"/\\"/g' -e 's/?/\\?/g' -e 's/^/"/' -e 's/$$/\\n"/' $<; \
	  echo ';'; } > $@
$(B)/tool/view_html.o: $(B)/tool/view_html.c
	$(CC) $(CFLAGS_ALL) -c $< -o $@

# The version, rewritten only when it changes (so nothing rebuilds for it
# otherwise), into the files that print it.
$(B)/version.h: FORCE
	@mkdir -p $(dir $@)
	@echo '#define MMK_VERSION "$(FULL_VERSION)"' >$@.new; \
	if cmp -s $@.new $@; then rm -f $@.new; else mv $@.new $@; fi
$(B)/obj/base/version.o $(B)/pic/base/version.o $(B)/tool/main.o: $(B)/version.h
$(B)/obj/base/version.o $(B)/pic/base/version.o $(B)/tool/main.o: CFLAGS_ALL += -include $(B)/version.h

$(B)/libmmkit.a: $(LIB_OBJ)
	rm -f $@ && ar rcs $@ $^
# The shared library under its soname, and the name the linker looks for.
$(B)/libmmkit.so.0: $(LIB_PIC)
	$(CC) -shared -Wl,-soname,libmmkit.so.0 $(LDSAN) -o $@ $^ -pthread
$(B)/libmmkit.so: $(B)/libmmkit.so.0
	ln -sf libmmkit.so.0 $@
ifeq ($(MODE),cov)
$(B)/covfiles.c: $(LIB_OBJ) scripts/covfiles.sh
	sh scripts/covfiles.sh $(LIB_OBJ) > $@
$(B)/mmkit: $(TOOL_OBJ) $(RV_OBJ) $(LIB_OBJ) $(B)/covfiles.c
	$(CC) $(CFLAGS_ALL) -Itools/mmkit -o $@ $(TOOL_OBJ) $(RV_OBJ) $(LIB_OBJ) $(B)/covfiles.c -pthread -lm
else
$(B)/mmkit: $(TOOL_OBJ) $(RV_OBJ) $(B)/libmmkit.a
	$(CC) $(LDSAN) -o $@ $(TOOL_OBJ) $(RV_OBJ) $(B)/libmmkit.a -pthread -lm
endif
# The Linux backend's server: a small static program that runs one script
# process with real system calls (no sanitizers: its address space must be
# plain and its layout fixed; the cov build makes it with the usual compiler,
# as the release build does).
$(B)/mmkit-linux: $(LSRV_SRC) $(wildcard tools/linux/*.h) tools/mmkit/backend.h include/mmkit.h
	$(or $(SERVER_CC),$(CC)) -std=c11 -D_GNU_SOURCE $(WARN) -O2 -g -Iinclude -Itools/mmkit -static -o $@ $(LSRV_SRC)

$(B)/examples/embed $(B)/examples/policy_clock: $(B)/examples/%: examples/%.c $(B)/libmmkit.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) -o $@ $< $(B)/libmmkit.a $(LDSAN)
$(B)/tests/%: tests/unit/%.c tests/unit/t.h $(B)/libmmkit.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) -Itests/unit -o $@ $< $(B)/libmmkit.a $(LDSAN)
# tests that compile a tool's source into themselves
$(B)/tests/test_rv_vdso: tools/rv/vdso.c $(wildcard tools/rv/*.h)

tests: all $(TEST_BIN) progs

# Programs for `mmkit exec` (docs/RISCV.md): the seeds' examples/c and the
# test programs of tests/rv/progs, each built for riscv64 (static;
# static_pie a static PIE, below) and for the host (the native oracle),
# and the instruction-set test tests/rv/isa.S.
RV_CC    ?= riscv64-linux-gnu-gcc
RV_PROGS := $(sort $(notdir $(basename $(wildcard examples/c/*.c tests/rv/progs/*.c))))
RV_BINS  := $(RV_PROGS:%=$(B)/rv-progs/%) $(RV_PROGS:%=$(B)/rv-progs/%.host) $(B)/rv-progs/isa
# Dynamically linked builds of some, with the cross libc's loader and
# libraries copied into dyn/lib: `mmkit exec --root $(B)/rv-progs/dyn`.
RV_SYSROOT ?= /usr/riscv64-linux-gnu
RV_DYN   := qsort float_printf signals fork_tree pipes maps_check strings malloc_heavy threads \
	    vdso_lookup sleep_elapsed
RV_DYNLIBS := ld-linux-riscv64-lp64d.so.1 libc.so.6 libm.so.6
RV_BINS  += $(RV_DYN:%=$(B)/rv-progs/dyn/%) $(RV_DYNLIBS:%=$(B)/rv-progs/dyn/lib/%)
rv-progs: $(RV_BINS)
$(B)/rv-progs/dyn/lib/%: $(RV_SYSROOT)/lib/%
	@mkdir -p $(dir $@)
	cp $< $@
$(B)/rv-progs/dyn/%: tests/rv/progs/%.c
	@mkdir -p $(dir $@)
	$(RV_CC) -O2 -w -o $@ $< -lm
$(B)/rv-progs/%.host: examples/c/%.c
	@mkdir -p $(dir $@)
	$(CC) -O2 -w -o $@ $< -lm
$(B)/rv-progs/%.host: tests/rv/progs/%.c
	@mkdir -p $(dir $@)
	$(CC) -O2 -w -o $@ $< -lm
$(B)/rv-progs/%: examples/c/%.c
	@mkdir -p $(dir $@)
	$(RV_CC) -O2 -static -w -o $@ $< -lm
$(B)/rv-progs/%: tests/rv/progs/%.c
	@mkdir -p $(dir $@)
	$(RV_CC) -O2 -static -w -o $@ $< -lm
# static_pie: a static PIE that relocates itself (no libc: Debian's cross
# libc has no rcrt1.o), for riscv64 and, as its oracle, for the host
# (gcc 12 for riscv64 gives -static-pie a PT_INTERP without --no-dynamic-linker).
PIE_FLAGS := -O2 -fPIE -static-pie -Wl,--no-dynamic-linker -nostdlib -fno-stack-protector -fno-builtin -w
$(B)/rv-progs/static_pie: tests/rv/progs/static_pie.c
	@mkdir -p $(dir $@)
	$(RV_CC) $(PIE_FLAGS) -o $@ $<
$(B)/rv-progs/static_pie.host: tests/rv/progs/static_pie.c
	@mkdir -p $(dir $@)
	$(CC) $(PIE_FLAGS) -o $@ $<
$(B)/rv-progs/isa: tests/rv/isa.S
	@mkdir -p $(dir $@)
	$(RV_CC) -march=rv64gc -nostdlib -static -o $@ $<

# Small x86-64 programs that scenarios exec (tests/progs/README.md), built
# with the host's cc, and a copy of the host's dynamic loader for the
# dynamic one: `program NAME` copies them into a run's directory.
PROGS_CC ?= cc
PROGS := static_bss static_pie static_xstack dyn_pie
PROGS_BINS := $(PROGS:%=$(B)/progs/%) $(B)/progs/ld-linux-x86-64.so.2
progs: $(PROGS_BINS)
$(B)/progs/static_bss: tests/progs/static_bss.c
	@mkdir -p $(dir $@)
	$(PROGS_CC) -O1 -static -o $@ $<
$(B)/progs/static_pie: tests/progs/static_pie.c
	@mkdir -p $(dir $@)
	$(PROGS_CC) -O1 -static-pie -o $@ $<
$(B)/progs/static_xstack: tests/progs/static_xstack.c
	@mkdir -p $(dir $@)
	$(PROGS_CC) -O1 -static -z execstack -o $@ $<
$(B)/progs/dyn_pie: tests/progs/dyn_pie.c
	@mkdir -p $(dir $@)
	$(PROGS_CC) -O1 -pie -fPIE -Wl,--dynamic-linker=/ld-linux-x86-64.so.2 -o $@ $<
$(B)/progs/ld-linux-x86-64.so.2:
	@mkdir -p $(dir $@)
	cp -L /lib64/ld-linux-x86-64.so.2 $@

debug:
	$(MAKE) MODE=debug tests

# The README's test command: the layers of src/ (scripts/callgraph.py), sanitizer
# build, unit tests, scenario checks against the host kernel, a short fuzz;
# ends with "N passed, N failed".
check:
	sh scripts/deps.sh --check
	$(MAKE) MODE=debug tests
	$(MAKE) MODE=release all build/tests/test_scale build/tests/test_pressure rv-progs progs
	$(MAKE) MODE=tsan build-tsan/tests/test_threads build-tsan/tests/test_stress
	if command -v clang >/dev/null 2>&1; then $(MAKE) MODE=cov build-cov/mmkit build-cov/mmkit-linux; fi
	sh tests/run.sh

# The tour needs the command (examples/tour.sh; it also runs a riscv64
# program when `make rv-progs` has built them), and README's "three things
# to try" after it the Linux backend's server too (`mmkit check`).
tour:
	sh scripts/deps.sh --tour
	$(MAKE) MODE=release build/mmkit build/mmkit-linux
	sh examples/tour.sh

# docs/PERFORMANCE.md: Linux vs mmkit table; also build/bench.json and build/bench.svg.
bench: all
	$(B)/mmkit bench --json $(B)/bench.json --svg $(B)/bench.svg

install: all
	install -d $(DESTDIR)$(PREFIX)/include $(DESTDIR)$(PREFIX)/lib/pkgconfig $(DESTDIR)$(PREFIX)/bin
	install -m 644 include/mmkit.h $(DESTDIR)$(PREFIX)/include/
	install -m 644 $(B)/libmmkit.a $(DESTDIR)$(PREFIX)/lib/
	install -m 755 $(B)/libmmkit.so.0 $(DESTDIR)$(PREFIX)/lib/libmmkit.so.0
	ln -sf libmmkit.so.0 $(DESTDIR)$(PREFIX)/lib/libmmkit.so
	install -m 755 $(B)/mmkit $(B)/mmkit-linux $(DESTDIR)$(PREFIX)/bin/
	sed -e 's|@PREFIX@|$(PREFIX)|g' -e 's|@VERSION@|$(VERSION)|g' mmkit.pc.in > $(DESTDIR)$(PREFIX)/lib/pkgconfig/mmkit.pc
	@# The dynamic linker's cache, when this is the real root and we may.
	if [ -z "$(DESTDIR)" ] && [ "$$(id -u)" = 0 ] && command -v ldconfig >/dev/null 2>&1; then \
		ldconfig; fi

clean:
	rm -rf build build-debug build-tsan build-cov
