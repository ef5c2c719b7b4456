build/obj/lib/log.o: src/lib/log.c src/lib/log.h
src/lib/log.h:
