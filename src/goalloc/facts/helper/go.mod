module goalloc.dev/factshelper

go 1.21
