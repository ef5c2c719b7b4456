# libFuzzer harness for YAML bodies (src/lib/yaml.c): make fuzz-yaml [FUZZ_SECONDS=10]
FUZZ_SECONDS ?= 10
FUZZ_CC      ?= clang
FUZZ_DIR     ?= build-fuzz

.PHONY: fuzz-yaml
fuzz: fuzz-yaml

$(FUZZ_DIR)/fuzz_yaml: tests/fuzz/fuzz_yaml.c src/lib/yaml.c src/lib/yaml.h
	@mkdir -p $(dir $@)
	$(FUZZ_CC) -std=c17 -D_GNU_SOURCE -O1 -g -Wall -Wextra -Werror -Isrc \
	  -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
	  -o $@ tests/fuzz/fuzz_yaml.c src/lib/yaml.c -ljansson -lyaml

fuzz-yaml: $(FUZZ_DIR)/fuzz_yaml
	@mkdir -p $(FUZZ_DIR)/corpus-yaml
	$(FUZZ_DIR)/fuzz_yaml -max_total_time=$(FUZZ_SECONDS) -max_len=8192 -timeout=10 \
	  -rss_limit_mb=2048 $(FUZZ_DIR)/corpus-yaml tests/fuzz/yaml-seeds
