build/obj/controllers/namespace.o: src/controllers/namespace.c \
 src/api/delete.h src/api/kind.h src/lib/err.h src/api/kinds.h \
 src/api/object.h src/lib/buf.h src/controllers/controllers.h \
 src/controllers/loop.h src/store/store.h src/lib/log.h src/lib/xalloc.h
src/api/delete.h:
src/api/kind.h:
src/lib/err.h:
src/api/kinds.h:
src/api/object.h:
src/lib/buf.h:
src/controllers/controllers.h:
src/controllers/loop.h:
src/store/store.h:
src/lib/log.h:
src/lib/xalloc.h:
