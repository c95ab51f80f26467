#!/bin/sh
# Anonymous mappings charged and given back (tests/preload/anon_mmap.c).
. "$top_srcdir/tests/tap.sh"
. "$top_srcdir/tests/preload/preload.sh"
# a 1 GiB machine, so that a 4 GiB mapping the OS would allow is refused
GFPSHIM_MEM=1G shim "$BUILD/tests/preload/anon_mmap"
