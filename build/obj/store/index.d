build/obj/store/index.o: src/store/index.c src/lib/xalloc.h \
 src/store/store_int.h src/store/store.h src/lib/err.h
src/lib/xalloc.h:
src/store/store_int.h:
src/store/store.h:
src/lib/err.h:
