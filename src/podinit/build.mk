# atoll-init: the static PID 1 of every sandbox (src/podinit). Its objects are
# built apart, without sanitizers (they cannot link statically). Its protocol
# framing (proto.c) is also linked into build/atoll for the host side.
PODINIT_CFLAGS = $(filter-out -fsanitize% -fno-sanitize%,$(CFLAGS))
PODINIT_OBJS := $(patsubst src/%.c,$(B)/podinit-static/%.o,$(wildcard src/podinit/*.c))
PODINIT_LIBS := -Wl,-Bstatic -ljansson -lseccomp

all: $(B)/atoll-init
$(B)/atoll: $(B)/obj/podinit/proto.o
$(UNITS): $(B)/obj/podinit/proto.o
OBJS += $(B)/obj/podinit/proto.o

$(B)/podinit-static/%.o: src/%.c
	@mkdir -p $(dir $@)
	$(CC) $(PODINIT_CFLAGS) -MMD -MP -c -o $@ $<

$(B)/atoll-init: $(PODINIT_OBJS)
	$(CC) $(PODINIT_CFLAGS) -static -o $@ $^ $(PODINIT_LIBS)

-include $(PODINIT_OBJS:.o=.d)
