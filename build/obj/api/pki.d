build/obj/api/pki.o: src/api/pki.c src/api/pki.h src/lib/err.h \
 src/lib/buf.h src/lib/xalloc.h
src/api/pki.h:
src/lib/err.h:
src/lib/buf.h:
src/lib/xalloc.h:
