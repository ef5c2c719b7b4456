build/obj/api/selector.o: src/api/selector.c src/api/selector.h \
 src/lib/err.h src/lib/xalloc.h
src/api/selector.h:
src/lib/err.h:
src/lib/xalloc.h:
