build/obj/store/sqlite.o: src/store/sqlite.c src/lib/xalloc.h \
 src/store/store_int.h src/store/store.h src/lib/err.h
src/lib/xalloc.h:
src/store/store_int.h:
src/store/store.h:
src/lib/err.h:
