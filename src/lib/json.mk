# libFuzzer target for the JSON fast paths (src/lib/jparse.c, jdump.c, jskim.c), each checked
# against jansson: make fuzz-json [FUZZ_SECONDS=10]
FUZZ_SECONDS ?= 10
FUZZ_CC      ?= clang
FUZZ_DIR     ?= build-fuzz

.PHONY: fuzz-json
fuzz: fuzz-json

$(FUZZ_DIR)/fuzz_json: tests/fuzz/fuzz_json.c src/lib/jparse.c src/lib/jdump.c src/lib/jskim.c src/lib/jparse.h \
		src/lib/jdump.h src/lib/jskim.h
	@mkdir -p $(dir $@)
	$(FUZZ_CC) -std=c17 -D_GNU_SOURCE -O1 -g -Wall -Wextra -Werror -Isrc \
	  -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
	  $(shell pkg-config --cflags jansson) \
	  -o $@ tests/fuzz/fuzz_json.c src/lib/jparse.c src/lib/jdump.c src/lib/jskim.c src/lib/buf.c src/lib/xalloc.c \
	  $(shell pkg-config --libs jansson)

fuzz-json: $(FUZZ_DIR)/fuzz_json
	@mkdir -p $(FUZZ_DIR)/corpus-json
	$(FUZZ_DIR)/fuzz_json -max_total_time=$(FUZZ_SECONDS) -max_len=8192 -timeout=10 \
	  -artifact_prefix=$(FUZZ_DIR)/fuzz_json- $(FUZZ_DIR)/corpus-json tests/fuzz/json-seeds
