build/obj/store/watch.o: src/store/watch.c src/lib/xalloc.h \
 src/store/store_int.h src/store/store.h src/lib/err.h
src/lib/xalloc.h:
src/store/store_int.h:
src/store/store.h:
src/lib/err.h:
