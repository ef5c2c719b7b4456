# CRD schema fuzzer: `make fuzz-schema [FUZZ_SECONDS=10]` (clang + libFuzzer).
# Builds only the files it needs, so it does not depend on the rest of the tree.
FUZZ_SECONDS ?= 10
FUZZ_CC ?= clang
FUZZ_DIR ?= build-fuzz
SCHEMA_FUZZ_SRCS := $(wildcard src/lib/*.c) src/api/cause.c $(wildcard src/api/schema_*.c)

.PHONY: fuzz-schema
fuzz: fuzz-schema

$(FUZZ_DIR)/fuzz_schema: tests/fuzz/fuzz_schema.c $(SCHEMA_FUZZ_SRCS) $(wildcard src/api/schema*.h)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) -O1 -g -std=c17 -D_GNU_SOURCE -Isrc -fsanitize=fuzzer,address,undefined \
	  -fno-sanitize-recover=undefined -o $@ tests/fuzz/fuzz_schema.c $(SCHEMA_FUZZ_SRCS) -ljansson -lyaml -lm

fuzz-schema: $(FUZZ_DIR)/fuzz_schema
	@mkdir -p $(FUZZ_DIR)/corpus-schema
	$(FUZZ_DIR)/fuzz_schema -max_total_time=$(FUZZ_SECONDS) -max_len=4096 -timeout=10 \
	  -rss_limit_mb=2048 $(FUZZ_DIR)/corpus-schema tests/fuzz/schema-seeds
