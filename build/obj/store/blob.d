build/obj/store/blob.o: src/store/blob.c src/lib/xalloc.h \
 src/store/store.h src/lib/err.h
src/lib/xalloc.h:
src/store/store.h:
src/lib/err.h:
