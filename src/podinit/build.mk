# atoll-init: the static PID 1 of every sandbox (src/podinit). Its protocol
# framing (proto.c) is also linked into build/atoll for the host side.
PODINIT_SRCS := $(filter-out src/podinit/proto.c,$(wildcard src/podinit/*.c))
PODINIT_OBJS := $(PODINIT_SRCS:src/%.c=$(B)/obj/%.o) $(B)/obj/podinit/proto.o
PODINIT_LIBS := -Wl,-Bstatic -ljansson -lseccomp

all: $(B)/atoll-init
$(B)/atoll: $(B)/obj/podinit/proto.o
$(UNITS): $(B)/obj/podinit/proto.o
OBJS += $(B)/obj/podinit/proto.o

$(B)/atoll-init: $(PODINIT_OBJS)
	$(CC) $(CFLAGS) -static -o $@ $^ $(PODINIT_LIBS)

-include $(PODINIT_OBJS:.o=.d)
