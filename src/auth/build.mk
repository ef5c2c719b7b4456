# src/auth is a module like those in MODULES; until the Makefile lists it,
# this fragment links its objects into build/atoll and the unit tests.
ifeq ($(filter auth,$(MODULES)),)
AUTH_OBJS := $(patsubst src/%.c,$(B)/obj/%.o,$(wildcard src/auth/*.c))
OBJS += $(AUTH_OBJS)
$(B)/atoll: $(AUTH_OBJS)
$(UNITS): $(AUTH_OBJS)
-include $(AUTH_OBJS:.o=.d)
endif
