#!/bin/sh
# Anonymous mappings charged and given back (tests/preload/anon_mmap.c).
. "$top_srcdir/tests/tap.sh"
. "$top_srcdir/tests/preload/preload.sh"
shim "$BUILD/tests/preload/anon_mmap"
