# zlib: SPDY header blocks (src/agent/spdy.c, kubectl port-forward).
LDLIBS += $(shell pkg-config --libs zlib 2>/dev/null || echo -lz)
