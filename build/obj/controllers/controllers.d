build/obj/controllers/controllers.o: src/controllers/controllers.c \
 src/controllers/controllers.h
src/controllers/controllers.h:
