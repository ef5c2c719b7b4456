# libFuzzer targets for the API libraries (selectors, quantities, patches):
#   make fuzz-apilib [FUZZ_SECONDS=10]
# Each fuzzer is one clang invocation over the library sources, so the
# regular build objects are untouched. New corpus entries go to
# $(FUZZ_B)/corpus/<name>; tests/fuzz/seeds/<name> holds the seeds.
FUZZ_SECONDS ?= 10
FUZZ_CC      ?= clang
FUZZ_B       ?= build-fuzz
APILIB_FUZZERS  := selector quantity patch
APILIB_FUZZ_LIB := src/api/selector.c src/api/selector_field.c src/api/quantity.c \
		   src/api/patch.c src/api/patch_strategic.c \
		   src/lib/buf.c src/lib/err.c src/lib/log.c src/lib/xalloc.c

.PHONY: fuzz-apilib fuzz-apilib-build
fuzz: fuzz-apilib

$(FUZZ_B)/fuzz_%: tests/fuzz/fuzz_%.c $(APILIB_FUZZ_LIB) $(wildcard src/api/*.h src/lib/*.h)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) -std=c17 -D_GNU_SOURCE -O1 -g -fno-omit-frame-pointer -Wall -Wextra -Werror \
	  -Wno-unused-parameter -Isrc -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
	  -o $@ $< $(APILIB_FUZZ_LIB) $(shell pkg-config --cflags --libs jansson) -lpthread

fuzz-apilib-build: $(APILIB_FUZZERS:%=$(FUZZ_B)/fuzz_%)

fuzz-apilib: fuzz-apilib-build
	@for f in $(APILIB_FUZZERS); do \
	  mkdir -p $(FUZZ_B)/corpus/$$f; \
	  echo "fuzz_$$f: $(FUZZ_SECONDS)s"; \
	  $(FUZZ_B)/fuzz_$$f -max_total_time=$(FUZZ_SECONDS) -max_len=4096 -timeout=10 \
	    -artifact_prefix=$(FUZZ_B)/fuzz_$$f- -print_final_stats=1 \
	    $(FUZZ_B)/corpus/$$f tests/fuzz/seeds/$$f > $(FUZZ_B)/fuzz_$$f.log 2>&1; rc=$$?; \
	  grep -E '^stat::number_of_executed_units' $(FUZZ_B)/fuzz_$$f.log; \
	  if [ $$rc -ne 0 ]; then tail -n 60 $(FUZZ_B)/fuzz_$$f.log; echo "fuzz_$$f FAILED"; exit 1; fi; \
	done
