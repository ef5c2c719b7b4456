build/obj/lib/yaml.o: src/lib/yaml.c src/lib/yaml.h
src/lib/yaml.h:
