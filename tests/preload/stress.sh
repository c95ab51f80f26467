#!/bin/sh
# The seeded multi-threaded stress test (tests/preload/stress.c) under the
# shim, with two seeds; it ends with the invariant checker.
. "$top_srcdir/tests/tap.sh"
. "$top_srcdir/tests/preload/preload.sh"
for seed in 1 20261122; do
	out=$(shim "$BUILD/tests/preload/stress" "$seed" 4 60000 2>&1)
	rc=$?
	echo "$out" | sed 's/^/# /'
	ok "$rc" "stress seed $seed: every check passed"
	case $out in
	*"invariant checker passes"*) ok 0 "stress seed $seed: the checker ran under the shim" ;;
	*) ok 1 "stress seed $seed: the checker ran under the shim" ;;
	esac
done
done_testing
