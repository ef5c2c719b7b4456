build/obj/api/body.o: src/api/body.c src/api/request.h src/api/kind.h \
 src/api/server.h src/lib/buf.h src/lib/err.h src/lib/yaml.h
src/api/request.h:
src/api/kind.h:
src/api/server.h:
src/lib/buf.h:
src/lib/err.h:
src/lib/yaml.h:
