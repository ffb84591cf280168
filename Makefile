# handbook: see README.md. `make site` builds the handbook, `make test` runs every test.
# Dependencies are Debian packages, installed by scripts/deps.sh when missing.

CC ?= cc
PKGS := libcmark-gfm libgit2 lua5.4 yaml-0.1 libmicrohttpd libcrypto
WARN := -Wall -Wextra -Wshadow -Wundef -Wwrite-strings -Wmissing-prototypes \
	-Wstrict-prototypes -Wformat=2
# Recursive (=) on purpose: pkg-config runs when a recipe needs it, after `deps`.
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS))
PKG_LIBS = $(shell pkg-config --libs $(PKGS)) -lpthread
CFLAGS ?= -O2 -g
HB_CFLAGS = -std=c11 -D_POSIX_C_SOURCE=200809L $(WARN) $(WERROR) $(PKG_CFLAGS) -MMD -MP

SRCS := $(filter-out generator/main.c,$(wildcard generator/*.c))
OBJS := $(SRCS:generator/%.c=build/obj/%.o)
UNIT_SRCS := $(wildcard tests/unit/test_*.c)

# Sanitizer build, used by `make test` and `make check-asan`.
SAN := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
ASAN_OBJS := $(SRCS:generator/%.c=build/asan/%.o)

.PHONY: all deps site test check check-asan check-valgrind bench bench-history bench-serve pdf \
	fuzz fuzz-deps clean
.DEFAULT_GOAL := all

all: handbook

deps:
	@sh scripts/deps.sh

build/obj/%.o: generator/%.c | deps
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(HB_CFLAGS) -c $< -o $@

build/asan/%.o: generator/%.c | deps
	@mkdir -p $(@D)
	$(CC) -O1 -g $(SAN) $(HB_CFLAGS) -c $< -o $@

build/libhandbook.a: $(OBJS)
	rm -f $@ && ar rcs $@ $^

build/asan/libhandbook.a: $(ASAN_OBJS)
	rm -f $@ && ar rcs $@ $^

handbook: build/obj/main.o build/libhandbook.a
	$(CC) $(CFLAGS) -o $@ $^ $(PKG_LIBS)

build/asan/handbook: build/asan/main.o build/asan/libhandbook.a
	$(CC) -O1 -g $(SAN) -o $@ $^ $(PKG_LIBS)

build/unit/%: tests/unit/%.c build/libhandbook.a | deps
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(HB_CFLAGS) -Igenerator -o $@ $< build/libhandbook.a $(PKG_LIBS) -lcmocka

build/asan-unit/%: tests/unit/%.c build/asan/libhandbook.a | deps
	@mkdir -p $(@D)
	$(CC) -O1 -g $(SAN) $(HB_CFLAGS) -Igenerator -o $@ $< build/asan/libhandbook.a \
		$(PKG_LIBS) -lcmocka

UNIT_BINS := $(UNIT_SRCS:tests/unit/%.c=build/unit/%)
ASAN_UNIT_BINS := $(UNIT_SRCS:tests/unit/%.c=build/asan-unit/%)

# Fuzz targets (tests/fuzz/fuzz_<name>.c). `make test` replays their committed corpus under the
# sanitizers (tests/fuzz/replay.c); `make fuzz` runs libFuzzer on each for FUZZ_SECONDS.
FUZZ_TARGETS := front_matter markdown template search
REPLAY_BINS := $(FUZZ_TARGETS:%=build/asan-fuzz/replay-%)
FUZZ_BINS := $(FUZZ_TARGETS:%=build/fuzz/fuzz-%)
FUZZ_OBJS := $(SRCS:generator/%.c=build/fuzz/obj/%.o)
FUZZ_SECONDS ?= 60
FUZZ_CFLAGS = -O1 -g -fsanitize=address,undefined -fno-sanitize-recover=undefined \
	-fno-omit-frame-pointer $(HB_CFLAGS)

build/asan-fuzz/replay-%: tests/fuzz/fuzz_%.c tests/fuzz/replay.c build/asan/libhandbook.a | deps
	@mkdir -p $(@D)
	$(CC) -O1 -g $(SAN) $(HB_CFLAGS) -Igenerator -Itests/fuzz -o $@ $< tests/fuzz/replay.c \
		build/asan/libhandbook.a $(PKG_LIBS)

build/fuzz/obj/%.o: generator/%.c | fuzz-deps
	@mkdir -p $(@D)
	clang $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -c $< -o $@

build/fuzz/fuzz-%: tests/fuzz/fuzz_%.c $(FUZZ_OBJS)
	clang $(FUZZ_CFLAGS) -fsanitize=fuzzer -Igenerator -Itests/fuzz -o $@ $< $(FUZZ_OBJS) \
		$(PKG_LIBS)

fuzz-deps:
	@sh scripts/fuzz-deps.sh

fuzz: $(FUZZ_BINS)
	@for t in $(FUZZ_TARGETS); do \
		mkdir -p build/fuzz/corpus-$$t; \
		echo "fuzz: $$t for $(FUZZ_SECONDS) s"; \
		build/fuzz/fuzz-$$t -max_total_time=$(FUZZ_SECONDS) -max_len=65536 -timeout=10 \
			-rss_limit_mb=4096 -print_final_stats=1 build/fuzz/corpus-$$t \
			tests/fuzz/corpus/$$t || exit 1; \
	done

site: handbook
	./handbook build

# The whole suite: warnings are errors, then unit, end-to-end and error tests, then the same
# again under AddressSanitizer and UndefinedBehaviorSanitizer.
test:
	$(MAKE) WERROR=-Werror handbook $(UNIT_BINS)
	$(MAKE) WERROR=-Werror build/asan/handbook $(ASAN_UNIT_BINS) $(REPLAY_BINS)
	sh tests/run.sh ./handbook build/unit build/asan/handbook build/asan-unit

check: test

check-asan:
	$(MAKE) build/asan/handbook $(ASAN_UNIT_BINS) $(REPLAY_BINS)
	sh tests/run.sh build/asan/handbook build/asan-unit

check-valgrind: handbook $(UNIT_BINS)
	HB_BROWSER=0 HB_WRAP="valgrind -q --error-exitcode=99 --leak-check=full \
		--errors-for-leak-kinds=definite --show-leak-kinds=definite" sh tests/run.sh ./handbook \
		build/unit

bench: handbook
	sh scripts/bench.sh

bench-history: handbook
	sh scripts/bench-history.sh

bench-serve: handbook
	python3 scripts/bench-serve.py

pdf: site
	sh scripts/pdf.sh site

clean:
	rm -rf build handbook

-include $(OBJS:.o=.d) $(ASAN_OBJS:.o=.d) build/obj/main.d build/asan/main.d
