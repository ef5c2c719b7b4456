build/obj/api/selector_stub.o: src/api/selector_stub.c src/api/selector.h \
 src/lib/err.h
src/api/selector.h:
src/lib/err.h:
