# libFuzzer target for the WebSocket frame parser (src/lib/ws.c):
#   make fuzz-ws [FUZZ_SECONDS=10]
FUZZ_SECONDS ?= 10
FUZZ_CC      ?= clang
FUZZ_DIR     ?= build-fuzz

.PHONY: fuzz-ws
fuzz: fuzz-ws

$(FUZZ_DIR)/fuzz_ws: tests/fuzz/fuzz_ws.c src/lib/ws.c src/lib/ws.h src/lib/buf.c src/lib/xalloc.c src/lib/cryptolib.c
	@mkdir -p $(dir $@)
	$(FUZZ_CC) -std=c17 -D_GNU_SOURCE -O1 -g -Wall -Wextra -Werror -Isrc \
	  -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
	  $(shell pkg-config --cflags jansson) \
	  -o $@ tests/fuzz/fuzz_ws.c src/lib/ws.c src/lib/buf.c src/lib/xalloc.c \
	  src/lib/cryptolib.c src/lib/dl.c src/lib/err.c -ldl

fuzz-ws: $(FUZZ_DIR)/fuzz_ws
	@mkdir -p $(FUZZ_DIR)/corpus-ws
	$(FUZZ_DIR)/fuzz_ws -max_total_time=$(FUZZ_SECONDS) -max_len=4096 -timeout=10 \
	  -artifact_prefix=$(FUZZ_DIR)/fuzz_ws- $(FUZZ_DIR)/corpus-ws tests/fuzz/ws-seeds
