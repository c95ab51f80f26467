#!/bin/sh
# API edge cases of the malloc family (tests/preload/api.c), under the shim.
. "$top_srcdir/tests/tap.sh"
. "$top_srcdir/tests/preload/preload.sh"
shim "$BUILD/tests/preload/api" --shim
