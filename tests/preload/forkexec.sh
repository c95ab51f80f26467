#!/bin/sh
# fork() while other threads allocate, exec in the child (tests/preload/
# forkexec.c), under the shim.
. "$top_srcdir/tests/tap.sh"
. "$top_srcdir/tests/preload/preload.sh"
shim "$BUILD/tests/preload/forkexec" 40
