build/obj/controllers/loop.o: src/controllers/loop.c \
 src/controllers/loop.h src/store/store.h src/lib/err.h src/lib/log.h
src/controllers/loop.h:
src/store/store.h:
src/lib/err.h:
src/lib/log.h:
