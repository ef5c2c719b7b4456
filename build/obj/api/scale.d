build/obj/api/scale.o: src/api/scale.c src/api/object.h src/api/kind.h \
 src/lib/buf.h src/lib/err.h src/api/request.h src/api/server.h \
 src/api/write.h
src/api/object.h:
src/api/kind.h:
src/lib/buf.h:
src/lib/err.h:
src/api/request.h:
src/api/server.h:
src/api/write.h:
