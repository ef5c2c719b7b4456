# libFuzzer targets for cluster DNS (parsing, answers) and the NetworkPolicy compiler:
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

# And the NetworkPolicy compiler over arbitrary JSON: make fuzz-netpol
NETPOL_FUZZ_SRCS := src/net/policy_compile.c src/net/policy_spoof.c src/net/veth.c src/api/selector.c src/api/selector_field.c \
		    src/lib/xalloc.c src/lib/err.c src/lib/log.c src/lib/buf.c

.PHONY: fuzz-netpol
fuzz: fuzz-netpol

$(FUZZ_DIR)/fuzz_netpol: tests/fuzz/fuzz_netpol.c $(NETPOL_FUZZ_SRCS) src/net/policy.h
	@mkdir -p $(dir $@)
	$(FUZZ_CC) -std=c17 -D_GNU_SOURCE -O1 -g -fno-omit-frame-pointer -Wall -Wextra -Werror \
	  -Wno-unused-parameter -Isrc -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
	  -o $@ tests/fuzz/fuzz_netpol.c $(NETPOL_FUZZ_SRCS) $(shell pkg-config --cflags --libs jansson) -lpthread

fuzz-netpol: $(FUZZ_DIR)/fuzz_netpol
	@mkdir -p $(FUZZ_DIR)/corpus/netpol
	$(FUZZ_DIR)/fuzz_netpol -max_total_time=$(FUZZ_SECONDS) -max_len=4096 -timeout=10 \
	  -artifact_prefix=$(FUZZ_DIR)/fuzz_netpol- $(FUZZ_DIR)/corpus/netpol tests/fuzz/seeds/netpol
