# Service proxy fuzzer: `make fuzz-proxy [FUZZ_SECONDS=10]` (clang + libFuzzer).
# Builds only the files it needs; crashes land in $(FUZZ_DIR)/fuzz_proxy-*.
FUZZ_SECONDS ?= 10
FUZZ_CC ?= clang
FUZZ_DIR ?= build-fuzz
PROXY_FUZZ_SRCS := src/net/proxy_render.c src/lib/buf.c src/lib/err.c src/lib/log.c src/lib/xalloc.c

.PHONY: fuzz-proxy
fuzz: fuzz-proxy

$(FUZZ_DIR)/fuzz_proxy: tests/fuzz/fuzz_proxy.c $(PROXY_FUZZ_SRCS) src/net/proxy.h src/net/net.h
	@mkdir -p $(dir $@)
	$(FUZZ_CC) -O1 -g -std=c17 -D_GNU_SOURCE -Isrc -fsanitize=fuzzer,address,undefined \
	  -fno-sanitize-recover=undefined -o $@ tests/fuzz/fuzz_proxy.c $(PROXY_FUZZ_SRCS) -ljansson

fuzz-proxy: $(FUZZ_DIR)/fuzz_proxy
	@mkdir -p $(FUZZ_DIR)/corpus-proxy
	$(FUZZ_DIR)/fuzz_proxy -max_total_time=$(FUZZ_SECONDS) -max_len=4096 -timeout=10 \
	  -rss_limit_mb=2048 -artifact_prefix=$(FUZZ_DIR)/fuzz_proxy- $(FUZZ_DIR)/corpus-proxy tests/fuzz/seeds/proxy
