build/obj/api/cmd_server.o: src/api/cmd_server.c src/api/bootstrap.h \
 src/lib/err.h src/api/pki.h src/api/server.h src/lib/buf.h \
 src/api/watch.h src/cmds.h src/controllers/controllers.h src/lib/log.h \
 src/lib/xalloc.h src/store/store.h
src/api/bootstrap.h:
src/lib/err.h:
src/api/pki.h:
src/api/server.h:
src/lib/buf.h:
src/api/watch.h:
src/cmds.h:
src/controllers/controllers.h:
src/lib/log.h:
src/lib/xalloc.h:
src/store/store.h:
