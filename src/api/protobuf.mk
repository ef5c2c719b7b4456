# libFuzzer harness for the protobuf body decoder (src/api/protobuf.c):
#   make fuzz-protobuf [FUZZ_SECONDS=10]
# Seeds are kubectl's captured bodies (tests/unit/pb); needs clang.
FUZZ_SECONDS ?= 10
FUZZ_CC      ?= clang
FUZZ_DIR     ?= build-fuzz
PBFUZZ_SRCS  := src/api/protobuf.c $(wildcard src/api/pb_schema*.c) \
                src/lib/buf.c src/lib/err.c src/lib/xalloc.c src/lib/log.c src/lib/jparse.c

.PHONY: fuzz-protobuf
$(FUZZ_DIR)/fuzz_protobuf: tests/fuzz/fuzz_protobuf.c $(PBFUZZ_SRCS) src/api/protobuf.h
	@mkdir -p $(dir $@)
	$(FUZZ_CC) -std=c17 -D_GNU_SOURCE -O1 -g -Wall -Wextra -Werror -Wno-unused-parameter \
	  -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined -Isrc \
	  $(shell pkg-config --cflags jansson) -o $@ tests/fuzz/fuzz_protobuf.c $(PBFUZZ_SRCS) \
	  $(shell pkg-config --libs jansson)

fuzz-protobuf: $(FUZZ_DIR)/fuzz_protobuf
	@mkdir -p $(FUZZ_DIR)/corpus-protobuf
	cp tests/unit/pb/*.pb $(FUZZ_DIR)/corpus-protobuf/
	$(FUZZ_DIR)/fuzz_protobuf -max_total_time=$(FUZZ_SECONDS) -max_len=65536 -timeout=10 \
	  -rss_limit_mb=2048 $(FUZZ_DIR)/corpus-protobuf
fuzz: fuzz-protobuf
