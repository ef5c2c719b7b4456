build/obj/store/writer.o: src/store/writer.c src/lib/log.h \
 src/lib/xalloc.h src/store/store_int.h src/store/store.h src/lib/err.h
src/lib/log.h:
src/lib/xalloc.h:
src/store/store_int.h:
src/store/store.h:
src/lib/err.h:
