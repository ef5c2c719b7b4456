build/obj/api/selector_field.o: src/api/selector_field.c \
 src/api/selector.h src/lib/err.h src/lib/buf.h src/lib/xalloc.h
src/api/selector.h:
src/lib/err.h:
src/lib/buf.h:
src/lib/xalloc.h:
