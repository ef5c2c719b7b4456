# Pod networking: libmnl (route netlink) is linked; libnftables is loaded
# with dlopen() when the service proxy starts (src/net/nft.c).
LDLIBS += $(shell pkg-config --libs libmnl 2>/dev/null || echo -lmnl)
