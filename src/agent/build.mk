# zlib: SPDY header blocks (src/agent/spdy.c, kubectl port-forward).
LDLIBS += $(shell pkg-config --libs zlib 2>/dev/null || echo -lz)

# libFuzzer target for the SPDY frame parser: make fuzz-spdy [FUZZ_SECONDS=10]
FUZZ_SECONDS ?= 10
FUZZ_CC      ?= clang
FUZZ_DIR     ?= build-fuzz

.PHONY: fuzz-spdy
fuzz: fuzz-spdy

$(FUZZ_DIR)/fuzz_spdy: tests/fuzz/fuzz_spdy.c src/agent/spdy.c src/agent/spdy.h src/lib/buf.c src/lib/xalloc.c
	@mkdir -p $(dir $@)
	$(FUZZ_CC) -std=c17 -D_GNU_SOURCE -O1 -g -Wall -Wextra -Werror -Isrc \
	  -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
	  -o $@ tests/fuzz/fuzz_spdy.c src/agent/spdy.c src/lib/buf.c src/lib/xalloc.c -ljansson -lz

fuzz-spdy: $(FUZZ_DIR)/fuzz_spdy
	@mkdir -p $(FUZZ_DIR)/corpus-spdy
	$(FUZZ_DIR)/fuzz_spdy -max_total_time=$(FUZZ_SECONDS) -max_len=4096 -timeout=10 \
	  -artifact_prefix=$(FUZZ_DIR)/fuzz_spdy- $(FUZZ_DIR)/corpus-spdy tests/fuzz/spdy-seeds
