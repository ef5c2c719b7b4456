build/obj/api/openapi_stub.o: src/api/openapi_stub.c src/api/openapi.h
src/api/openapi.h:
