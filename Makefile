# Atoll build. `make` builds build/atoll; see README.md for up/test/bench.
CC      ?= cc
PKGS    := libmicrohttpd jansson sqlite3 libcrypto libssl libcurl libarchive libseccomp gnutls yaml-0.1
CFLAGS  ?= -O2 -g
# SAN: extra flags for sanitizer builds (kept apart so CFLAGS stays ours).
override CFLAGS += $(SAN) -std=c17 -D_GNU_SOURCE -Wall -Wextra -Werror -Wno-unused-parameter \
           -Wstrict-prototypes -Wmissing-prototypes -Isrc $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
# Loaded with dlopen() on first use, not linked: src/image/dl.c (libcurl,
# libarchive), src/lib/serverlibs.c (the server's) and src/lib/cryptolib.c
# (OpenSSL; not for the shim and the VMM). With --as-needed the binary maps
# only what every start needs.
DLOPENED := libmicrohttpd gnutls sqlite3 libcurl libarchive libcrypto libssl
# Unit tests build test archives with libarchive themselves.
TEST_LDLIBS := $(shell pkg-config --libs libarchive 2>/dev/null)
LDFLAGS += -Wl,--as-needed
LDLIBS  += $(shell pkg-config --libs $(filter-out $(DLOPENED),$(PKGS)) 2>/dev/null) -ldl -lpthread -lm
B       ?= build

# Every .c of these folders goes into the one binary; src/podinit and
# src/vmm/guest build separately (static init, bare-metal test guests).
MODULES := lib api store controllers agent vmm sandbox image registry auth shim net
SRCS    := $(foreach m,$(MODULES),$(wildcard src/$(m)/*.c))
OBJS    := $(SRCS:src/%.c=$(B)/obj/%.o)
MAIN    := $(B)/obj/main.o
UNIT_SRCS := $(wildcard tests/unit/test_*.c)
UNITS   := $(UNIT_SRCS:tests/unit/%.c=$(B)/unit/%)

PYTHON  := /usr/bin/python3
ATOLL_BIN ?= $(abspath $(B)/atoll)
export ATOLL_BIN

.PHONY: all up test test-unit test-e2e test-fuzz bench asan fuzz clean deps
all: $(B)/atoll

$(B)/atoll: $(OBJS) $(MAIN)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(B)/obj/%.o: src/%.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -MMD -MP -c -o $@ $<

$(B)/unit/%: tests/unit/%.c $(OBJS)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(LDFLAGS) -Itests/unit -o $@ $< $(OBJS) $(LDLIBS) $(TEST_LDLIBS)

-include $(OBJS:.o=.d) $(MAIN:.o=.d)
-include src/*/*.mk

deps:
	@./scripts/deps.sh

up: deps all
	./scripts/up.sh

test-unit: $(UNITS)
	@./scripts/run-unit.sh $(UNITS)

test-e2e: all
	$(PYTHON) -m pytest -q tests/e2e $(PYTEST_ARGS)

# Every fuzz target briefly; `make fuzz FUZZ_SECONDS=600` for a long run.
fuzz:
test-fuzz:
	$(MAKE) fuzz FUZZ_SECONDS=$${FUZZ_SECONDS:-5}

test: deps all test-unit test-fuzz test-e2e

# Address and undefined-behaviour sanitizers over the whole suite.
asan:
	$(MAKE) B=build-asan CC=clang CFLAGS="-O1 -g" SAN="-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined" \
	  ATOLL_BIN=$(CURDIR)/build-asan/atoll test-unit test-e2e

bench: deps all
	@./scripts/deps.sh scripts/debian-packages-bench.txt
	./bench/run.sh

clean:
	rm -rf build build-asan
