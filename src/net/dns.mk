# libFuzzer target for the cluster DNS server's parsing and answers:
#   make fuzz-dns [FUZZ_SECONDS=10]
FUZZ_SECONDS ?= 10
FUZZ_CC      ?= clang
FUZZ_DIR     ?= build-fuzz
DNS_FUZZ_SRCS := src/net/dns_wire.c src/net/dns_zone.c src/net/dns_answer.c \
		 src/lib/xalloc.c src/lib/err.c src/lib/log.c src/lib/buf.c

.PHONY: fuzz-dns
fuzz: fuzz-dns

$(FUZZ_DIR)/fuzz_dns: tests/fuzz/fuzz_dns.c $(DNS_FUZZ_SRCS) $(wildcard src/net/dns*.h)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) -std=c17 -D_GNU_SOURCE -O1 -g -fno-omit-frame-pointer -Wall -Wextra -Werror \
	  -Wno-unused-parameter -Isrc -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
	  -o $@ tests/fuzz/fuzz_dns.c $(DNS_FUZZ_SRCS) $(shell pkg-config --cflags --libs jansson) -lpthread

fuzz-dns: $(FUZZ_DIR)/fuzz_dns
	@mkdir -p $(FUZZ_DIR)/corpus/dns
	$(FUZZ_DIR)/fuzz_dns -max_total_time=$(FUZZ_SECONDS) -max_len=1024 -timeout=10 \
	  -artifact_prefix=$(FUZZ_DIR)/fuzz_dns- $(FUZZ_DIR)/corpus/dns tests/fuzz/seeds/dns
