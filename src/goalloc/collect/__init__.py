"""Collectors: the only modules that run the Go toolchain or read raw profile bytes.

Each one turns an outside source into goalloc's model types and knows nothing of analysis or
reporting: ``toolchain`` (find and probe ``go``), ``compiler`` (stream ``go build
-gcflags=-m=2``), ``bench_runner`` (``go test -bench``), ``pprof`` (profile.proto bytes)."""
