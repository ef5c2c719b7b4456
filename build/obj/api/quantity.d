build/obj/api/quantity.o: src/api/quantity.c src/api/quantity.h \
 src/lib/err.h src/lib/xalloc.h
src/api/quantity.h:
src/lib/err.h:
src/lib/xalloc.h:
